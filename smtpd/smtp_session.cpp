// The SMTP server session: command dispatch through the command table, the transaction, and the
// receivers for DATA, BDAT and SASL input. Requests go out through post(); results come back
// through complete() and continue where the session stopped.
#include "smtpd/smtp_session.h"

#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "smtpd/smtp_commands.h"

namespace roost::smtp {

// Policy on bare CR and bare LF in message content (the 2023 "SMTP smuggling" class):
// RFC 5321 2.3.8 says CR and LF must only occur together as CRLF in mail data, and 4.1.1.4 says the
// data ends only with <CRLF>.<CRLF>. Servers that also accepted <LF>.<LF> or <LF>.<CRLF> could be
// made to see two messages where the previous hop saw one. This session never ends DATA on anything
// but <CRLF>.<CRLF>, and in addition refuses, on every listener and for DATA and BDAT alike, any
// message holding a bare CR or bare LF with 554 5.6.0, after reading to the real end so the dialogue
// stays in step. Refusing rather than normalising means no message we store or relay can carry such
// a sequence onward to a hop that would split it differently; legitimate clients send CRLF.
// (The checks are in smtp_data_receiver.cpp and Session::finish_message.)

Session::Session(SessionConfig config, PeerInfo peer, Environment env, std::optional<TlsInfo> tls)
    : config_(std::move(config)),
      peer_(std::move(peer)),
      env_(std::move(env)),
      tls_(std::move(tls)),
      lines_(config_.limits.max_line_length) {
  // RFC 2034 3: no enhanced code in the greeting.
  Reply greeting;
  greeting.code = 220;
  greeting.lines = {config_.hostname + " ESMTP Roost"};
  send(greeting);
}

Session::~Session() = default;

// ---- The surface ----

void Session::receive(std::string_view bytes) {
  if (input_ == Input::closed || input_ == Input::tls_handshake) return;
  in_.append(bytes);
  process();
}

std::string Session::take_output() { return std::exchange(out_, std::string()); }

std::optional<Request> Session::next_request() { return std::exchange(queued_, std::nullopt); }

bool Session::wants_input() const {
  if (input_ == Input::closed || input_ == Input::tls_handshake) return false;
  return outstanding_ == 0 || in_.size() - in_pos_ < config_.limits.input_high_watermark;
}

void Session::complete(std::uint64_t id, Outcome outcome) {
  if (input_ == Input::closed) return;  // answered after a timeout or shutdown: nothing to resume
  if (id == 0 || id != outstanding_) std::abort();
  Waiting waiting = std::exchange(waiting_, Waiting::none);
  outstanding_ = 0;
  queued_.reset();
  auto expect = [&]<typename T>(std::type_identity<T>) -> const T& {
    const T* r = std::get_if<T>(&outcome);
    if (r == nullptr) std::abort();  // a result of the wrong type: a bug in the glue
    return *r;
  };
  switch (waiting) {
    case Waiting::auth: on_auth_result(expect(std::type_identity<AuthResult>{})); break;
    case Waiting::rcpt: on_recipient_result(expect(std::type_identity<RecipientResult>{})); break;
    case Waiting::mail_sender:
    case Waiting::header_sender:
      waiting_ = waiting;  // on_sender_result needs to know which question it answers
      on_sender_result(expect(std::type_identity<SenderResult>{}));
      break;
    case Waiting::deliver: on_deliver_result(expect(std::type_identity<DeliverResult>{})); break;
    case Waiting::none:
    case Waiting::starttls: std::abort();  // StartTls completes through tls_started()
  }
  process();
}

void Session::tls_started(TlsInfo info) {
  if (input_ == Input::closed) return;  // timed out or shut down during the handshake
  if (waiting_ != Waiting::starttls) std::abort();
  waiting_ = Waiting::none;
  outstanding_ = 0;
  queued_.reset();
  tls_ = std::move(info);
  // RFC 3207 4.2: the server must discard any knowledge obtained from the client before the TLS
  // negotiation; the client must send EHLO again. Plaintext received behind STARTTLS is gone too.
  in_.clear();
  in_pos_ = 0;
  lines_.reset();
  input_ = Input::command;
  reset_to_greeted(true);
  account_.clear();
}

void Session::timeout() {
  if (input_ == Input::closed) return;
  close_with(server_reply(421, "4.4.2", config_.hostname + " Idle timeout, closing connection"));
}

void Session::shutdown() {
  if (input_ == Input::closed) return;
  close_with(server_reply(421, "4.3.2", config_.hostname + " Service shutting down, closing connection"));
}

// ---- Input ----

void Session::process() {
  if (in_process_) return;
  in_process_ = true;
  while (outstanding_ == 0 && input_ != Input::closed && input_ != Input::tls_handshake) {
    std::string_view avail(in_.data() + in_pos_, in_.size() - in_pos_);
    if (input_ == Input::command || input_ == Input::sasl) {
      LineReader::Step step = lines_.next(avail);
      in_pos_ += step.consumed;
      if (step.kind == LineReader::Kind::need_more) break;
      if (step.kind == LineReader::Kind::too_long) {
        if (input_ == Input::sasl) {
          sasl_.reset();
          input_ = Input::command;
        }
        // RFC 5321 4.5.3.1.4 / 4.2.2: 500 line too long; the rest of the line is skipped.
        reject(reply(500, "5.5.2", "Line too long"));
        continue;
      }
      // A command line ended by a bare LF is taken as it is: command framing cannot smuggle a
      // message, only the end of DATA can, and that needs <CRLF>.<CRLF>.
      if (input_ == Input::command) {
        on_command_line(step.line);
      } else {
        on_sasl_line(step.line);
      }
    } else if (input_ == Input::data) {
      if (avail.empty()) break;
      in_pos_ += data_->feed(avail);
      if (!data_->done()) break;
      std::unique_ptr<DataReceiver> data = std::move(data_);
      finish_message(data->message(), data->bare_line_ending());
    } else if (input_ == Input::bdat_chunk) {
      if (chunk_left_ > 0) {
        if (avail.empty()) break;
        std::size_t n = chunk_left_ < avail.size() ? static_cast<std::size_t>(chunk_left_) : avail.size();
        if (chunk_keep_) tx_->chunks->append(avail.substr(0, n));
        in_pos_ += n;
        chunk_left_ -= n;
        if (chunk_left_ > 0) break;
      }
      on_bdat_chunk_done();
    }
  }
  if (input_ == Input::closed || input_ == Input::tls_handshake) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ > 0) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  in_process_ = false;
}

void Session::on_command_line(std::string_view line) {
  auto cmd = parse_command(line);
  if (!cmd) {
    reject(cmd.error());
    return;
  }
  dispatch(*cmd);
}

void Session::dispatch(const Command& cmd) {
  const CommandSpec& spec = command_spec(cmd.verb);
  // BDAT's size is read first: a refused chunk must still be read past (RFC 3030 2), or its bytes
  // would be taken as commands.
  std::optional<BdatArgs> bdat;
  if (cmd.verb == Verb::bdat) {
    auto parsed = parse_bdat(cmd.args);
    if (!parsed) {
      reject(parsed.error());
      return;
    }
    bdat = *parsed;
  }
  auto refuse = [&](Reply r) {
    if (bdat) {
      skip_chunk(bdat->size, std::move(r));
    } else {
      reject(r);
    }
  };
  if (tls_required() && !(spec.flags & kBeforeTls)) {
    if (cmd.verb == Verb::auth) {
      refuse(reply(538, "5.7.11", "Encryption required for requested authentication mechanism"));
    } else {
      refuse(reply(530, "5.7.0", "Must issue a STARTTLS command first"));
    }
    return;
  }
  if ((spec.flags & kNeedsHelo) && state_ == State::initial) {
    refuse(reply(503, "5.5.1", "Send EHLO or HELO first"));
    return;
  }
  if ((spec.flags & kNeedsAuthOnSubmission) && config_.listener != ListenerKind::mx && account_.empty()) {
    refuse(reply(530, "5.7.0", "Authentication required"));
    return;
  }
  if ((spec.flags & kOutsideTransaction) && state_ != State::ready && state_ != State::initial) {
    refuse(reply(503, "5.5.1", "Not allowed during a mail transaction"));
    return;
  }
  switch (cmd.verb) {
    case Verb::ehlo: do_helo(cmd, true); break;
    case Verb::helo: do_helo(cmd, false); break;
    case Verb::mail: do_mail(cmd); break;
    case Verb::rcpt: do_rcpt(cmd); break;
    case Verb::data: do_data(cmd); break;
    case Verb::bdat: do_bdat(*bdat); break;
    case Verb::rset:
      if (!cmd.args.empty()) {
        reject(reply(501, "5.5.4", "Syntax: RSET"));
        break;
      }
      reset_transaction();
      send(reply(250, "2.0.0", "Ok"));
      break;
    case Verb::noop:  // RFC 5321 4.1.1.9: a parameter is allowed and ignored
      send(reply(250, "2.0.0", "Ok"));
      break;
    case Verb::quit:
      close_with(reply(221, "2.0.0", config_.hostname + " closing connection"));
      break;
    case Verb::help:
      send(reply(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH"));
      break;
    case Verb::vrfy:
      if (cmd.args.empty()) {
        reject(reply(501, "5.5.4", "Syntax: VRFY <address>"));
      } else {
        // RFC 5321 3.5.3: 252 when the server will not verify; no account is disclosed.
        send(reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"));
      }
      break;
    case Verb::expn:
      reject(reply(502, "5.5.1", "EXPN not supported"));
      break;
    case Verb::starttls: do_starttls(cmd); break;
    case Verb::auth: do_auth(cmd); break;
    case Verb::unknown: std::abort();
  }
}

// ---- Output and requests ----

void Session::send(const Reply& r) { out_ += r.render(); }

void Session::reject(const Reply& r) {
  send(r);
  if (!r.client_error) return;
  // Postfix's hard error limit: a client that keeps erring is cut off.
  if (++errors_ >= config_.limits.max_errors && input_ != Input::closed) {
    close_with(server_reply(421, "4.7.0", config_.hostname + " Too many errors, closing connection"));
  }
}

void Session::close_with(const Reply& r) {
  send(r);
  input_ = Input::closed;
  record_abandoned("closed");
  tx_.reset();
  data_.reset();
  sasl_.reset();
  outstanding_ = 0;
  waiting_ = Waiting::none;
  queued_ = Request{next_id_++, Close{}};
}

void Session::post(Waiting waiting, decltype(Request::body) body) {
  if (outstanding_ != 0) std::abort();  // one request at a time
  queued_ = Request{next_id_++, std::move(body)};
  outstanding_ = queued_->id;
  waiting_ = waiting;
}

void Session::reset_transaction() {
  record_abandoned("reset");
  tx_.reset();
  data_.reset();
  if (state_ != State::initial) state_ = State::ready;
}

void Session::record_abandoned(std::string_view reason) {
  if (!tx_ || tx_->settled) return;
  TransactionSummary summary;
  summary.sender = tx_->mail.sender;
  for (const auto& rcpt : tx_->recipients) summary.recipients.push_back(rcpt.address);
  summary.size = tx_->message.size();
  summary.reason = std::string(reason);
  finished_.push_back(std::move(summary));
  tx_->settled = true;
}

void Session::connection_lost() {
  if (input_ == Input::closed && !tx_) return;
  record_abandoned("connection_lost");
  input_ = Input::closed;
  tx_.reset();
  data_.reset();
}

void Session::reset_to_greeted(bool forget_helo) {
  reset_transaction();
  sasl_.reset();
  if (forget_helo) {
    state_ = State::initial;
    helo_.clear();
    extended_ = false;
  }
}

bool Session::tls_required() const {
  return config_.listener == ListenerKind::submission && !tls_ && !config_.plaintext_auth;
}

bool Session::auth_offered() const {
  if (config_.listener == ListenerKind::mx && !config_.auth_on_mx) return false;
  return tls_.has_value() || config_.plaintext_auth;
}

std::vector<std::string> Session::ehlo_lines() const {
  std::vector<std::string> lines{config_.hostname,
                                 "PIPELINING",                                          // RFC 2920
                                 fmt::format("SIZE {}", config_.limits.max_message_size),  // RFC 1870
                                 "8BITMIME",                                            // RFC 6152
                                 "SMTPUTF8",                                            // RFC 6531
                                 "ENHANCEDSTATUSCODES",                                 // RFC 2034
                                 "CHUNKING"};                                           // RFC 3030
  // RFC 3207 4.2: not offered again once TLS is on.
  if (!tls_ && config_.tls_available) lines.emplace_back("STARTTLS");
  if (auth_offered()) lines.emplace_back("AUTH PLAIN LOGIN");  // RFC 4954
  return lines;
}

std::string Session::protocol_name() const {
  // RFC 3848 and RFC 6531 4.3: the "with" keyword of Received.
  if (!extended_) return "SMTP";
  std::string name = (tx_ && tx_->mail.smtputf8) ? "UTF8SMTP" : "ESMTP";
  if (tls_) name += 'S';
  if (!account_.empty()) name += 'A';
  return name;
}

}  // namespace roost::smtp
