// The SMTP session outside the mail transaction: EHLO/HELO, STARTTLS (RFC 3207) and AUTH with its
// SASL exchange (RFC 4954).
#include <utility>

#include "common/mail/base64.h"
#include "smtpd/smtp_session.h"

namespace roost::smtp {

void Session::do_helo(const Command& cmd, bool extended) {
  std::string_view name = cmd.args;
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty() || name.size() > 255) {
    reject(reply(501, "5.5.4", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
    return;
  }
  // RFC 5321 4.1.4: EHLO/HELO in the middle of a transaction resets it, like RSET.
  reset_transaction();
  helo_ = sanitize_text(name, 255);
  extended_ = extended;
  state_ = State::ready;
  // RFC 2034 3: no enhanced codes in replies to EHLO/HELO.
  Reply r;
  r.code = 250;
  r.lines = extended ? ehlo_lines() : std::vector<std::string>{config_.hostname};
  send(r);
}

void Session::do_starttls(const Command& cmd) {
  if (!cmd.args.empty()) {
    reject(reply(501, "5.5.4", "Syntax: STARTTLS"));
    return;
  }
  if (tls_) {
    reject(reply(503, "5.5.1", "TLS already active"));
    return;
  }
  if (!config_.tls_available) {
    send(server_reply(454, "4.7.0", "TLS not available due to temporary reason"));
    return;
  }
  send(reply(220, "2.0.0", "Ready to start TLS"));
  // RFC 3207 4.2 / DESIGN.md: plaintext pipelined behind STARTTLS is discarded, never acted on.
  in_pos_ = in_.size();
  input_ = Input::tls_handshake;
  post(Waiting::starttls, StartTls{});
}

void Session::do_auth(const Command& cmd) {
  if (!auth_offered()) {
    if (config_.listener != ListenerKind::mx || config_.auth_on_mx) {
      reject(reply(538, "5.7.11", "Encryption required for requested authentication mechanism"));
    } else {
      reject(reply(503, "5.5.1", "Authentication not enabled"));
    }
    return;
  }
  if (!account_.empty()) {
    // RFC 4954 4: no AUTH after a successful one.
    reject(reply(503, "5.5.1", "Already authenticated"));
    return;
  }
  auto args = parse_auth(cmd.args);
  if (!args) {
    reject(args.error());
    return;
  }
  auto server = sasl::SaslServer::create(args->mechanism);
  if (!server) {
    reject(reply(504, "5.5.4", "Unrecognized authentication type"));
    return;
  }
  sasl_.emplace(std::move(*server));
  on_sasl_step(sasl_->start(args->initial_response));
}

void Session::on_sasl_line(std::string_view line) { on_sasl_step(sasl_->receive(line)); }

void Session::on_sasl_step(sasl::Step step) {
  if (auto* challenge = std::get_if<sasl::Challenge>(&step)) {
    // RFC 4954 4: "334" SP base64 challenge, no enhanced code.
    Reply r;
    r.code = 334;
    r.lines = {mail::base64_encode(challenge->data)};
    send(r);
    input_ = Input::sasl;
    return;
  }
  input_ = Input::command;
  sasl_.reset();
  if (auto* done = std::get_if<sasl::Done>(&step)) {
    auth_user_ = done->credentials.authcid;
    post(Waiting::auth, Authenticate{done->credentials.authcid, std::move(done->credentials.password)});
  } else if (std::holds_alternative<sasl::Cancelled>(step)) {
    // RFC 4954 4: a "*" response cancels with 501.
    reject(reply(501, "5.7.0", "Authentication cancelled"));
  } else if (std::holds_alternative<sasl::Malformed>(step)) {
    reject(reply(501, "5.5.2", "Cannot decode authentication response"));
  } else {
    // ForeignAuthzid: proxy authorisation is not granted (RFC 4954 6: 535 5.7.8).
    reject(reply(535, "5.7.8", "Authentication credentials invalid"));
  }
}

void Session::on_auth_result(const AuthResult& r) {
  switch (r.verdict) {
    case AuthVerdict::ok:
      account_ = r.account.empty() ? auth_user_ : r.account;
      auth_user_.clear();
      send(reply(235, "2.7.0", "Authentication successful"));
      return;
    case AuthVerdict::bad_credentials:
      auth_user_.clear();
      reject(reply(535, "5.7.8", "Authentication credentials invalid"));
      return;
    case AuthVerdict::temporary_failure:
      auth_user_.clear();
      send(server_reply(454, "4.7.0", "Temporary authentication failure"));
      return;
  }
}

}  // namespace roost::smtp
