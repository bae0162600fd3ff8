// The mail transaction of the SMTP session: MAIL, RCPT, DATA, BDAT, the end-of-message checks
// (size, bare line endings, hop count, From: ownership on submission), the header fields added,
// and delivery.
#include <utility>

#include <fmt/format.h>

#include "smtpd/smtp_message.h"
#include "smtpd/smtp_session.h"

namespace roost::smtp {

namespace {

Reply size_exceeded() {
  // RFC 1870 6.1 / RFC 3463 5.3.4: message too big for system.
  return reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
}

Reply relay_denied() { return reply(554, "5.7.1", "Relay access denied"); }

}  // namespace

void Session::do_mail(const Command& cmd) {
  if (state_ != State::ready) {
    reject(reply(503, "5.5.1", "Nested MAIL command"));
    return;
  }
  auto parsed = parse_mail_from(cmd.args);
  if (!parsed) {
    reject(parsed.error());
    return;
  }
  if (parsed->size && *parsed->size > config_.limits.max_message_size) {
    reject(size_exceeded());
    return;
  }
  tx_ = std::make_unique<Transaction>();
  tx_->mail = std::move(*parsed);
  if (config_.listener == ListenerKind::mx) {
    state_ = State::mail;
    send(reply(250, "2.1.0", "Ok"));
    return;
  }
  // Submission: the sender must be an address of the authenticated account (RFC 6409 8.1 lets an
  // MSA check it; DESIGN.md requires it).
  if (tx_->mail.sender.null_path) {
    tx_.reset();
    reject(reply(553, "5.7.1", "Sender address not owned by the authenticated user"));
    return;
  }
  post(Waiting::mail_sender, CheckSender{account_, tx_->mail.sender, false});
}

void Session::do_rcpt(const Command& cmd) {
  if (state_ == State::ready) {
    reject(reply(503, "5.5.1", "Need MAIL command"));
    return;
  }
  if (state_ == State::bdat) {
    // RFC 3030 2: the recipients come before the first BDAT.
    reject(reply(503, "5.5.1", "RCPT not allowed after BDAT"));
    return;
  }
  auto rcpt = parse_rcpt_to(cmd.args, tx_->mail.smtputf8);
  if (!rcpt) {
    reject(rcpt.error());
    return;
  }
  if (tx_->recipients.size() >= config_.limits.max_recipients) {
    // RFC 5321 4.5.3.1.10: 452 for too many recipients; the client sends the rest later.
    send(server_reply(452, "4.5.3", "Too many recipients"));
    return;
  }
  // No relaying through old routing syntax (RFC 5321 3.6.1, 2.3.11): "a%b@c", "a!b@c" and a quoted
  // '@' ("a@b"@c) are refused outright for a client that has not authenticated, whatever the
  // domain. A source route (<@a:b@c>) has already been dropped by the parser (RFC 5321 Appendix C),
  // so only b@c is resolved.
  if (account_.empty() && rcpt->local_part_has_routing_chars()) {
    reject(relay_denied());
    return;
  }
  tx_->pending_rcpt = std::move(*rcpt);
  post(Waiting::rcpt, ResolveRecipient{tx_->pending_rcpt, !account_.empty(), account_});
}

void Session::on_recipient_result(const RecipientResult& r) {
  switch (r.verdict) {
    case RecipientVerdict::remote:
      if (account_.empty()) {
        // Never an open relay, whatever the outside says.
        reject(relay_denied());
        return;
      }
      [[fallthrough]];
    case RecipientVerdict::local:
      tx_->recipients.push_back(EnvelopeRecipient{std::move(tx_->pending_rcpt), r.verdict, r.local_accounts});
      state_ = State::rcpt;
      send(reply(250, "2.1.5", "Ok"));
      return;
    case RecipientVerdict::unknown:
      reject(reply(550, "5.1.1", "Recipient address rejected: user unknown"));
      return;
    case RecipientVerdict::relay_denied:
      reject(relay_denied());
      return;
    case RecipientVerdict::disabled:
      send(server_reply(450, "4.2.1", "Mailbox disabled, not accepting messages"));
      return;
    case RecipientVerdict::mailbox_full:
      send(server_reply(452, "4.2.2", "Mailbox full"));
      return;
    case RecipientVerdict::over_quota:
      send(server_reply(552, "5.2.2", "Mailbox full"));
      return;
    case RecipientVerdict::temporary_failure:
      send(server_reply(451, "4.3.0", "Temporary failure, try again later"));
      return;
  }
}

void Session::on_sender_result(const SenderResult& r) {
  Waiting waiting = std::exchange(waiting_, Waiting::none);
  if (waiting == Waiting::mail_sender) {
    if (r.verdict == SenderVerdict::owned) {
      state_ = State::mail;
      send(reply(250, "2.1.0", "Ok"));
      return;
    }
    tx_.reset();
    if (r.verdict == SenderVerdict::not_owned) {
      reject(reply(553, "5.7.1", "Sender address not owned by the authenticated user"));
    } else {
      send(server_reply(451, "4.3.0", "Temporary failure, try again later"));
    }
    return;
  }
  if (r.verdict == SenderVerdict::owned) {
    ++tx_->next_header_sender;
    check_next_header_sender();
    return;
  }
  // RFC 5321 4.3.2 lists 550 (not 553) among the replies to the end of DATA.
  if (r.verdict == SenderVerdict::not_owned) {
    refuse_message(reply(550, "5.7.1", "From: header address not owned by the authenticated user"), "from_not_owned",
                   tx_->message.size());
  } else {
    refuse_message(server_reply(451, "4.3.0", "Temporary failure, try again later"), "sender_check_failed",
                   tx_->message.size());
  }
}

void Session::do_data(const Command& cmd) {
  if (!cmd.args.empty()) {
    reject(reply(501, "5.5.4", "Syntax: DATA"));
  } else if (state_ == State::bdat) {
    // RFC 3030 3: DATA and BDAT may not be mixed in one transaction.
    reject(reply(503, "5.5.1", "DATA not allowed after BDAT"));
  } else if (state_ == State::ready) {
    reject(reply(503, "5.5.1", "Need MAIL command"));
  } else if (state_ == State::mail) {
    // RFC 5321 3.3 and RFC 2920 3.1: no valid recipient, so no 354.
    reject(reply(554, "5.5.1", "No valid recipients"));
  } else {
    Reply go;
    go.code = 354;
    go.lines = {"End data with <CR><LF>.<CR><LF>"};
    send(go);
    data_ = std::make_unique<DataReceiver>(config_.limits.max_message_size);
    input_ = Input::data;
  }
}

void Session::do_bdat(const BdatArgs& args) {
  if (state_ == State::ready) {
    skip_chunk(args.size, reply(503, "5.5.1", "Need MAIL command"));
    return;
  }
  if (state_ == State::mail) {
    skip_chunk(args.size, reply(554, "5.5.1", "No valid recipients"));
    return;
  }
  state_ = State::bdat;
  if (!tx_->chunks) tx_->chunks = std::make_unique<MessageBuffer>(config_.limits.max_message_size);
  chunk_left_ = args.size;
  chunk_size_ = args.size;
  chunk_keep_ = true;
  chunk_last_ = args.last;
  chunk_reply_.reset();
  input_ = Input::bdat_chunk;
}

void Session::skip_chunk(std::uint64_t size, Reply r) {
  // The refused chunk's bytes are read and dropped so they are not taken as commands (RFC 3030 2).
  chunk_left_ = size;
  chunk_size_ = size;
  chunk_keep_ = false;
  chunk_last_ = false;
  chunk_reply_ = std::move(r);
  input_ = Input::bdat_chunk;
}

void Session::on_bdat_chunk_done() {
  input_ = Input::command;
  if (chunk_reply_) {
    Reply r = std::move(*chunk_reply_);
    chunk_reply_.reset();
    reject(r);
    return;
  }
  MessageBuffer& buffer = *tx_->chunks;
  if (buffer.overflow()) {
    // RFC 3030 2: a failed chunk fails the transaction; later chunks meet "Need MAIL command".
    refuse_message(size_exceeded(), "too_big", buffer.received());
    return;
  }
  if (!chunk_last_) {
    send(reply(250, "2.0.0", fmt::format("{} octets received", chunk_size_)));
    return;
  }
  // The same line-ending policy as DATA (see smtp_session.cpp), over the assembled message, so a
  // CR at the end of one chunk and an LF at the start of the next count as CRLF.
  bool bare = has_bare_line_ending(buffer.text());
  std::unique_ptr<MessageBuffer> chunks = std::move(tx_->chunks);
  finish_message(*chunks, bare);
}

void Session::finish_message(MessageBuffer& message, bool bare_line_ending) {
  input_ = Input::command;
  if (message.overflow()) {
    // Remembered during the data and answered at its end, so the dialogue stays in step.
    refuse_message(size_exceeded(), "too_big", message.received());
    return;
  }
  if (bare_line_ending) {
    // RFC 5321 2.3.8 and 4.1.1.4: see the policy comment in smtp_session.cpp.
    refuse_message(reply(554, "5.6.0", "Message contains bare CR or LF; lines must end with CRLF"), "bare_line_ending",
                   message.received());
    return;
  }
  tx_->message = std::move(message.text());
  HeaderFacts facts = inspect_headers(tx_->message);
  if (facts.received_count >= config_.limits.max_received_fields) {
    // RFC 5321 6.3: too many Received fields means a mail loop.
    refuse_message(reply(554, "5.4.6", "Too many hops, mail loop suspected"), "mail_loop", tx_->message.size());
    return;
  }
  tx_->has_message_id = facts.has_message_id;
  tx_->has_date = facts.has_date;
  if (config_.listener == ListenerKind::mx) {
    deliver();
    return;
  }
  // Submission: exactly one From: field (RFC 5322 3.6), and each of its addresses must belong to
  // the authenticated account, checked like MAIL FROM.
  if (facts.from_fields != 1 || facts.from_unparsable || facts.from_addresses.empty()) {
    refuse_message(reply(550, "5.6.0", "Message must have exactly one From: field with an address"), "bad_from",
                   tx_->message.size());
    return;
  }
  const std::string sender_key = tx_->mail.sender.lookup_key();
  for (const auto& text : facts.from_addresses) {
    auto address = mail::parse_mailbox(text, mail::ParseOptions{true});
    if (!address) {
      refuse_message(reply(550, "5.6.0", "Bad address in the From: field"), "bad_from", tx_->message.size());
      return;
    }
    if (address->lookup_key() != sender_key) tx_->header_senders.push_back(std::move(*address));
  }
  check_next_header_sender();
}

void Session::refuse_message(const Reply& r, std::string_view reason, std::uint64_t size) {
  TransactionSummary summary;
  summary.sender = tx_->mail.sender;
  for (const auto& rcpt : tx_->recipients) summary.recipients.push_back(rcpt.address);
  summary.size = size;
  summary.code = r.code;
  summary.enhanced = r.enhanced;
  summary.reason = std::string(reason);
  finished_.push_back(std::move(summary));
  tx_->settled = true;
  // reject() may close the session (too many errors), which drops the transaction: summary first.
  reject(r);
  reset_transaction();
}

std::vector<TransactionSummary> Session::take_finished_transactions() { return std::exchange(finished_, {}); }

void Session::check_next_header_sender() {
  if (tx_->next_header_sender < tx_->header_senders.size()) {
    post(Waiting::header_sender, CheckSender{account_, tx_->header_senders[tx_->next_header_sender], true});
    return;
  }
  deliver();
}

void Session::deliver() {
  Envelope envelope;
  envelope.id = fmt::format("{:016X}", env_.random());
  mail::DateTime now = env_.now();
  std::string date = mail::format_rfc5322_date(now.unix_seconds, now.zone_minutes);

  ReceivedInfo info;
  info.helo = helo_;
  info.peer_ip = peer_.ip;
  info.peer_name = peer_.host_name;
  info.hostname = config_.hostname;
  info.protocol = protocol_name();
  info.id = envelope.id;
  if (tls_) {
    info.tls_version = sanitize_text(tls_->version, 40);
    info.tls_cipher = sanitize_text(tls_->cipher, 80);
  }
  if (config_.received_shows_user) info.user = sanitize_text(account_, 255);
  // A "for" clause only with one recipient: it would disclose the others (RFC 5321 7.2).
  if (tx_->recipients.size() == 1) info.for_address = tx_->recipients.front().address.to_string();
  info.date = date;

  std::string prefix = received_field(info);
  if (config_.listener != ListenerKind::mx) {
    // RFC 6409 8.2 and 8.3: an MSA may add a missing Date and Message-ID.
    if (!tx_->has_date) prefix += "Date: " + date + "\r\n";
    if (!tx_->has_message_id) {
      prefix += fmt::format("Message-ID: <{:016x}.{}@{}>\r\n", env_.random(), now.unix_seconds, config_.hostname);
    }
  }

  envelope.sender = tx_->mail.sender;
  envelope.recipients = tx_->recipients;
  envelope.body = tx_->mail.body;
  envelope.smtputf8 = tx_->mail.smtputf8;
  envelope.listener = config_.listener;
  envelope.helo = helo_;
  envelope.account = account_;
  envelope.tls = tls_;
  envelope.peer = peer_;
  // In place: the message may be near the size limit, so no second copy of it is made.
  tx_->message.insert(0, prefix);
  tx_->settled = true;
  Deliver request{std::move(envelope), std::move(tx_->message)};
  tx_->message.clear();
  post(Waiting::deliver, std::move(request));
}

void Session::on_deliver_result(const DeliverResult& r) {
  if (r.queue_id.ok()) {
    send(reply(250, "2.0.0", "Ok: queued as " + r.queue_id.value()));
  } else {
    send(reply_for_store_error(r.queue_id.error()));
  }
  reset_transaction();
}

}  // namespace roost::smtp
