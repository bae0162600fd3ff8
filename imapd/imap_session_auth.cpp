// Not authenticated state (RFC 9051 6.2): STARTTLS, LOGIN and AUTHENTICATE (SASL PLAIN and LOGIN with
// SASL-IR, RFC 4959), with failed-login throttling from the server.
#include <fmt/format.h>

#include "common/mail/base64.h"
#include "imapd/imap_session_impl.h"

namespace roost::imap {

void Session::Impl::do_starttls(const Command& c) {
  if (tls_active) return client_error(bad(c.tag, "TLS is already active"));
  if (!config.tls_available) return client_error(bad(c.tag, "STARTTLS is not available"));
  out += Reply{c.tag, Condition::ok, "", "Begin TLS negotiation now"}.render();
  errors = 0;
  // RFC 9051 6.2.1: whatever the client pipelined after STARTTLS in plaintext is thrown away.
  framer.reset();
  in.clear();
  awaiting_tls = true;
  requests.push_back(StartTls{});
}

void Session::Impl::do_login(const Command& c, const Login& login) {
  // RFC 9051 6.2.3: with LOGINDISABLED advertised, LOGIN is refused.
  if (!login_allowed()) {
    return tagged_no(c.tag, "PRIVACYREQUIRED", "Use STARTTLS before logging in");
  }
  verify_login(c.tag, login.user, sasl::SecretString(login.password));
}

void Session::Impl::do_authenticate(const Command& c, const Authenticate& auth) {
  if (!login_allowed()) {
    return tagged_no(c.tag, "PRIVACYREQUIRED", "Use STARTTLS before authenticating");
  }
  auto server = sasl::SaslServer::create(auth.mechanism);
  if (!server.ok()) return tagged_no(c.tag, "CANNOT", "Unsupported authentication mechanism");
  sasl.emplace(SaslExchange{c.tag, std::move(*server)});
  std::optional<std::string_view> initial;
  if (auth.initial_response) initial = *auth.initial_response;
  handle_sasl_step(sasl->server.start(initial));
}

void Session::Impl::on_sasl_line(std::string_view line) { handle_sasl_step(sasl->server.receive(line)); }

void Session::Impl::handle_sasl_step(sasl::Step step) {
  if (auto* challenge = std::get_if<sasl::Challenge>(&step)) {
    // RFC 9051 6.2.2: "+ " and the base64 challenge; the response comes as one line.
    out += "+ " + mail::base64_encode(challenge->data) + "\r\n";
    framer.expect_line();
    return;
  }
  std::string tag = std::move(sasl->tag);
  sasl.reset();
  if (auto* done = std::get_if<sasl::Done>(&step)) {
    return verify_login(tag, done->credentials.authcid, done->credentials.password);
  }
  if (std::holds_alternative<sasl::Cancelled>(step)) {
    return client_error(bad(tag, "Authentication cancelled"));
  }
  if (auto* malformed = std::get_if<sasl::Malformed>(&step)) {
    return client_error(bad(tag, malformed->reason));
  }
  // ForeignAuthzid: acting as another user is not granted.
  tagged_no(tag, "AUTHORIZATIONFAILED", "Authorization as another user is not allowed");
}

void Session::Impl::verify_login(const std::string& tag, std::string_view login_user,
                                 const sasl::SecretString& password) {
  if (env.login_locked_out(login_user)) {
    tagged_no(tag, "UNAVAILABLE", "Too many failed logins, try again later");
  } else {
    auto result = store.authenticate_sync(std::string(login_user), std::string(password.view()));
    if (result.ok()) {
      env.login_succeeded(login_user);
      user = result->address;
      account_id = result->account_id;
      state = SessionState::authenticated;
      auth_failures = 0;
      // RFC 9051 6.2.3: the tagged OK may carry the capabilities, which change after login.
      return tagged_ok(tag, "Logged in", "CAPABILITY " + capabilities());
    }
    if (result.error() == store::StoreError::auth_failed) {
      requests.push_back(DelayOutput{env.login_failed(login_user)});
      tagged_no(tag, "AUTHENTICATIONFAILED", "Authentication failed");
    } else if (result.error() == store::StoreError::account_disabled) {
      tagged_no(tag, "AUTHORIZATIONFAILED", "Account disabled");
    } else {
      return store_failure(tag, result.error());
    }
  }
  if (++auth_failures >= config.limits.max_auth_failures) {
    bye("Too many failed logins");
    close();
  }
}

}  // namespace roost::imap
