// The POP3 session: AUTHORIZATION, TRANSACTION and UPDATE states (RFC 1939 3), CAPA, STLS, AUTH.
#include "pop3d/pop3_session.h"

#include <fmt/format.h>

#include "common/mail/base64.h"
#include "pop3d/pop3_parser.h"

namespace roost::pop3 {

std::string unique_id(std::uint32_t uidvalidity, std::uint32_t uid) {
  // RFC 1939 7: 1 to 70 characters in 0x21..0x7E.
  return fmt::format("{:08x}{:08x}", uidvalidity, uid);
}

Session::Session(SessionConfig config) : config_(std::move(config)) {
  tls_active_ = config_.implicit_tls;
  // RFC 1939 4. No APOP timestamp: APOP is not offered (it needs the plaintext password).
  reply(fmt::format("+OK {} POP3 server ready", config_.hostname));
}

void Session::reply(std::string_view text) {
  output_ += text;
  output_ += "\r\n";
}

void Session::error(std::string_view text) {
  output_ += "-ERR ";
  output_ += text;
  output_ += "\r\n";
}

// A command the client got wrong; too many of them end the session.
void Session::client_error(std::string_view text) {
  error(text);
  if (++errors_ >= config_.limits.max_errors) {
    error("Too many errors, closing the connection");
    close();
  }
}

void Session::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  pending_lines_.clear();
  sasl_.reset();
  requests_.push_back(Close{});
}

std::string Session::take_output() { return std::exchange(output_, std::string()); }

std::optional<Request> Session::next_request() {
  if (requests_.empty()) return std::nullopt;
  Request r = std::move(requests_.front());
  requests_.pop_front();
  return r;
}

void Session::receive_line(std::string_view line) {
  if (state_ == State::closed) return;
  if (busy() || !pending_lines_.empty()) {
    if (pending_lines_.size() >= config_.limits.max_pending_lines) {
      // The server pauses its input while busy, so only a misbehaving peer gets here.
      pending_lines_.clear();
      error("Too many commands in flight, closing the connection");
      close();
      return;
    }
    pending_lines_.emplace_back(std::string(line));
    return;
  }
  process(line);
}

void Session::line_too_long() {
  if (state_ == State::closed) return;
  if (busy()) {
    pending_lines_.emplace_back(std::nullopt);
    return;
  }
  if (sasl_) {
    sasl_.reset();
    error("[AUTH] Authentication response too long");
    ++auth_failures_;
    return;
  }
  client_error("Line too long");
}

void Session::process_pending() {
  while (!busy() && state_ != State::closed && !pending_lines_.empty()) {
    std::optional<std::string> line = std::move(pending_lines_.front());
    pending_lines_.pop_front();
    if (line) {
      process(*line);
    } else {
      line_too_long();
    }
  }
  if (!busy() && stop_requested_ && state_ != State::closed) {
    error("[SYS/TEMP] Server shutting down");
    close();
  }
}

void Session::process(std::string_view line) {
  if (sasl_) {
    on_sasl_line(line);
  } else {
    on_command(line);
  }
}

std::size_t Session::live_count() const {
  std::size_t n = 0;
  for (bool m : marked_) n += m ? 0 : 1;
  return n;
}

std::int64_t Session::live_size() const {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < maildrop_.messages.size(); ++i) {
    if (!marked_[i]) total += maildrop_.messages[i].size;
  }
  return total;
}

const MaildropMessage* Session::message_for(std::string_view arg, std::size_t& number) {
  auto n = parse_number(arg);
  if (!n) {
    client_error("Invalid message number");
    return nullptr;
  }
  if (*n == 0 || *n > maildrop_.messages.size()) {
    error("No such message");
    return nullptr;
  }
  number = static_cast<std::size_t>(*n);
  if (marked_[number - 1]) {
    error("Message is deleted");
    return nullptr;
  }
  return &maildrop_.messages[number - 1];
}

void Session::write_capabilities() {
  // RFC 2449 5: one capability per line. EXPIRE and LOGIN-DELAY are not implemented, so not listed.
  reply("+OK Capability list follows");
  reply("TOP");
  reply("UIDL");
  reply("RESP-CODES");
  reply("AUTH-RESP-CODE");
  reply("PIPELINING");
  if (state_ == State::authorization) {
    if (login_allowed()) {
      reply("USER");
      reply("SASL PLAIN LOGIN");
    }
    if (config_.tls_available && !tls_active_) reply("STLS");
  }
  reply("IMPLEMENTATION " + config_.implementation);
  reply(".");
}

void Session::request_auth(std::string user, sasl::SecretString password) {
  awaiting_ = Awaiting::auth;
  user_ = user;
  requests_.push_back(Authenticate{std::move(user), std::move(password)});
}

void Session::on_command(std::string_view line) {
  Command cmd = parse_command(line);
  const bool authorization = state_ == State::authorization;
  const bool transaction = state_ == State::transaction;

  // A USER must be followed directly by PASS (RFC 1939 7: PASS "may only be given ... immediately
  // after a successful USER command").
  std::optional<std::string> user_name = std::exchange(user_name_, std::nullopt);

  switch (cmd.verb) {
    case Verb::capa:
      write_capabilities();
      return;
    case Verb::noop:
      if (!transaction) return client_error("NOOP is only valid after login");
      return reply("+OK");
    case Verb::quit:
      if (transaction) {
        // RFC 1939 6: the UPDATE state removes the messages marked as deleted.
        state_ = State::update;
        awaiting_ = Awaiting::commit;
        Commit commit;
        for (std::size_t i = 0; i < maildrop_.messages.size(); ++i) {
          if (marked_[i]) commit.uids.push_back(maildrop_.messages[i].uid);
        }
        requests_.push_back(std::move(commit));
        return;
      }
      reply("+OK Bye");
      return close();
    case Verb::stls:
      if (!authorization) return client_error("STLS is only valid before login");
      if (tls_active_) return client_error("TLS is already active");
      if (!config_.tls_available) return client_error("STLS is not available");
      reply("+OK Begin TLS negotiation");
      awaiting_ = Awaiting::start_tls;
      requests_.push_back(StartTls{});
      return;
    case Verb::user:
      if (!authorization) return client_error("Already logged in");
      if (!login_allowed()) return error("[AUTH] Plaintext authentication is disallowed without TLS; use STLS");
      if (cmd.args.size() != 1) return client_error("USER takes one argument: the address");
      user_name_ = std::string(cmd.args[0]);
      return reply("+OK Send the password");
    case Verb::pass:
      if (!authorization) return client_error("Already logged in");
      if (!user_name) return client_error("Send USER first");
      if (cmd.rest.empty()) return client_error("PASS takes one argument: the password");
      return request_auth(std::move(*user_name), sasl::SecretString(cmd.rest));
    case Verb::apop:
      if (!authorization) return client_error("Already logged in");
      // APOP needs the plaintext password on the server; passwords are stored only as Argon2id hashes.
      return error("APOP is not supported (passwords are stored hashed); use USER/PASS or AUTH over TLS");
    case Verb::auth: {
      if (!authorization) return client_error("Already logged in");
      if (cmd.args.empty()) {
        // The RFC 1734 form: list the mechanisms (clients such as fetchmail probe with it).
        reply("+OK");
        if (login_allowed()) {
          reply("PLAIN");
          reply("LOGIN");
        }
        return reply(".");
      }
      if (!login_allowed()) return error("[AUTH] Authentication is disallowed without TLS; use STLS");
      if (cmd.args.size() > 2) return client_error("AUTH takes a mechanism and an optional initial response");
      auto created = sasl::SaslServer::create(cmd.args[0]);
      if (!created) return error("Unsupported authentication mechanism");
      sasl_.emplace(std::move(*created));
      std::optional<std::string_view> initial;
      if (cmd.args.size() == 2) initial = cmd.args[1];  // RFC 5034 4: "=" is an empty response
      return handle_sasl_step(sasl_->start(initial));
    }
    case Verb::stat:
      if (!transaction) return client_error("STAT is only valid after login");
      return reply(fmt::format("+OK {} {}", live_count(), live_size()));
    case Verb::list:
    case Verb::uidl: {
      if (!transaction) return client_error("Only valid after login");
      const bool uidl = cmd.verb == Verb::uidl;
      if (cmd.args.size() > 1) return client_error("Too many arguments");
      if (cmd.args.size() == 1) {
        std::size_t number = 0;
        const MaildropMessage* m = message_for(cmd.args[0], number);
        if (!m) return;
        return reply(uidl ? fmt::format("+OK {} {}", number, unique_id(maildrop_.uidvalidity, m->uid))
                          : fmt::format("+OK {} {}", number, m->size));
      }
      reply(uidl ? "+OK Unique-ID listing follows"
                 : fmt::format("+OK {} messages ({} octets)", live_count(), live_size()));
      for (std::size_t i = 0; i < maildrop_.messages.size(); ++i) {
        if (marked_[i]) continue;
        const auto& m = maildrop_.messages[i];
        reply(uidl ? fmt::format("{} {}", i + 1, unique_id(maildrop_.uidvalidity, m.uid))
                   : fmt::format("{} {}", i + 1, m.size));
      }
      return reply(".");
    }
    case Verb::retr:
    case Verb::top: {
      if (!transaction) return client_error("Only valid after login");
      const bool top = cmd.verb == Verb::top;
      if (cmd.args.size() != (top ? 2u : 1u)) {
        return client_error(top ? "TOP takes a message number and a line count" : "RETR takes a message number");
      }
      std::optional<std::uint64_t> lines;
      if (top) {
        lines = parse_number(cmd.args[1]);
        if (!lines) return client_error("Invalid line count");
      }
      std::size_t number = 0;
      const MaildropMessage* m = message_for(cmd.args[0], number);
      if (!m) return;
      awaiting_ = Awaiting::fetch_open;
      fetch_is_retr_ = !top;
      fetch_size_ = m->size;
      stuffer_.emplace(lines);
      requests_.push_back(Fetch{number, *m, lines});
      return;
    }
    case Verb::dele: {
      if (!transaction) return client_error("DELE is only valid after login");
      if (cmd.args.size() != 1) return client_error("DELE takes a message number");
      std::size_t number = 0;
      if (!message_for(cmd.args[0], number)) return;
      marked_[number - 1] = true;
      return reply(fmt::format("+OK Message {} deleted", number));
    }
    case Verb::rset:
      if (!transaction) return client_error("RSET is only valid after login");
      marked_.assign(marked_.size(), false);
      return reply(fmt::format("+OK {} messages ({} octets)", live_count(), live_size()));
    case Verb::unknown:
      return client_error("Unknown command");
  }
}

void Session::on_sasl_line(std::string_view line) { handle_sasl_step(sasl_->receive(line)); }

void Session::handle_sasl_step(sasl::Step step) {
  if (auto* challenge = std::get_if<sasl::Challenge>(&step)) {
    // RFC 5034 4: "+ " and the base64 challenge ("+ " alone for an empty one).
    reply("+ " + mail::base64_encode(challenge->data));
    return;
  }
  sasl_.reset();
  if (auto* done = std::get_if<sasl::Done>(&step)) {
    request_auth(done->credentials.authcid, std::move(done->credentials.password));
    return;
  }
  if (std::holds_alternative<sasl::Cancelled>(step)) {
    error("Authentication cancelled");  // RFC 5034 4
  } else if (std::holds_alternative<sasl::ForeignAuthzid>(step)) {
    error("[AUTH] Authorization as another user is not allowed");
  } else {
    error("[AUTH] Invalid authentication exchange");
  }
  if (++auth_failures_ >= config_.limits.max_auth_failures) {
    error("Too many failed logins, closing the connection");
    close();
  }
}

void Session::complete(AuthResult result) {
  if (awaiting_ != Awaiting::auth) return;
  awaiting_ = Awaiting::none;
  if (state_ == State::closed) return;
  switch (result.verdict) {
    case AuthVerdict::ok:
      maildrop_ = std::move(result.maildrop);
      user_ = maildrop_.account;
      marked_.assign(maildrop_.messages.size(), false);
      state_ = State::transaction;
      reply(fmt::format("+OK Logged in, {} messages ({} octets)", live_count(), live_size()));
      break;
    case AuthVerdict::in_use:
      // RFC 2449 8.1.2: the maildrop is locked by another session.
      error("[IN-USE] The mailbox is in use by another POP3 session");
      break;
    case AuthVerdict::throttled:
      ++auth_failures_;
      error("[SYS/TEMP] Too many failed logins; try again later");
      break;
    case AuthVerdict::temporary_failure:
      error("[SYS/TEMP] Temporary server failure; try again later");
      break;
    case AuthVerdict::bad_credentials:
    case AuthVerdict::disabled:
      ++auth_failures_;
      // RFC 3206 4: [AUTH], the credentials are at fault. Same text for an unknown user.
      error("[AUTH] Authentication failed");
      break;
  }
  if (state_ == State::authorization && auth_failures_ >= config_.limits.max_auth_failures) {
    error("Too many failed logins, closing the connection");
    close();
  }
  process_pending();
}

void Session::complete(const FetchResult& result) {
  if (awaiting_ != Awaiting::fetch_open) return;
  switch (result.verdict) {
    case FetchVerdict::ok: {
      awaiting_ = Awaiting::fetch_data;
      // The octet count is the message as stored (RFC 1939 11: the size before stuffing).
      reply(fetch_is_retr_ ? fmt::format("+OK {} octets", fetch_size_) : std::string("+OK Top of message follows"));
      return;
    }
    case FetchVerdict::expunged:
      error("Message was removed by another session");
      break;
    case FetchVerdict::temporary_failure:
      error("[SYS/TEMP] Cannot read the message; try again later");
      break;
  }
  stuffer_.reset();
  awaiting_ = Awaiting::none;
  process_pending();
}

void Session::message_data(std::string_view bytes) {
  if (awaiting_ != Awaiting::fetch_data || !stuffer_) return;
  stuffer_->feed(bytes, output_);
}

void Session::message_end(bool failed) {
  if (awaiting_ != Awaiting::fetch_data) return;
  awaiting_ = Awaiting::none;
  if (failed) {
    // A partial multi-line response cannot be ended truthfully: close without the terminator.
    stuffer_.reset();
    return close();
  }
  stuffer_->finish(output_);
  stuffer_.reset();
  if (fetch_is_retr_) ++retrieved_;
  process_pending();
}

void Session::complete(const CommitResult& result) {
  if (awaiting_ != Awaiting::commit) return;
  awaiting_ = Awaiting::none;
  if (result.ok) {
    deleted_ = result.expunged;
    reply(fmt::format("+OK Bye, {} messages deleted", result.expunged));
  } else {
    // RFC 1939 6: "-ERR some deleted messages not removed".
    error("[SYS/TEMP] Some deleted messages were not removed");
  }
  close();
}

void Session::tls_started() {
  if (awaiting_ != Awaiting::start_tls) return;
  awaiting_ = Awaiting::none;
  tls_active_ = true;
  // RFC 2595 4: plaintext sent after STLS is discarded (the connection dropped it; so does the session).
  pending_lines_.clear();
  user_name_.reset();
  sasl_.reset();
  process_pending();
}

void Session::timed_out(bool session_limit) {
  if (state_ == State::closed) return;
  error(session_limit ? "Autologout; session time limit reached" : "Autologout; idle for too long");
  close();
}

void Session::stop() {
  stop_requested_ = true;
  if (!busy()) process_pending();
}

}  // namespace roost::pop3
