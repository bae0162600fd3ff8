// SASL PLAIN and LOGIN server exchanges: decoding, bounds and the authzid rule. No I/O, no logging.
#include "common/sasl/sasl_server.h"
#include "common/base/ascii.h"

#include <atomic>

#include "common/mail/base64.h"

namespace roost::sasl {
namespace {

// Overwrites every byte the string's buffer holds, not only the live ones, then empties it.
void wipe(std::string& s) {
  s.resize(s.capacity());
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  s.clear();
}

// Holds a decoded response (which may contain the password) and wipes it on every path out.
struct Wiped {
  std::string value;
  ~Wiped() { wipe(value); }
};

using roost::iequals;

// RFC 3629 well-formed UTF-8 (PLAIN's authzid and authcid are UTF-8, RFC 4616 2).
bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char d = s[i + k];
      if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// The longest base64 text that can hold a valid response: checked before decoding anything.
constexpr std::size_t kMaxResponseOctets = kMaxIdentityLength * 2 + kMaxPasswordLength + 2;
constexpr std::size_t kMaxResponseBase64 = (kMaxResponseOctets + 2) / 3 * 4;

Malformed malformed(const char* reason) { return Malformed{reason}; }

}  // namespace

SecretString::SecretString(std::string_view value) : value_(value) {}
SecretString::SecretString(const SecretString& other) : value_(other.value_) {}
SecretString::SecretString(SecretString&& other) noexcept : value_(other.value_) { wipe(other.value_); }
SecretString& SecretString::operator=(const SecretString& other) {
  if (this != &other) {
    wipe(value_);
    value_ = std::string(other.value_);
  }
  return *this;
}
SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_ = std::string(other.value_);
    wipe(other.value_);
  }
  return *this;
}
SecretString::~SecretString() { wipe(value_); }
void SecretString::clear() { wipe(value_); }

Result<SaslServer, UnknownMechanism> SaslServer::create(std::string_view mechanism) {
  if (iequals(mechanism, "PLAIN")) return SaslServer(Mechanism::plain);
  if (iequals(mechanism, "LOGIN")) return SaslServer(Mechanism::login);
  return fail(UnknownMechanism{"the SASL mechanism is not supported"});
}

Step SaslServer::finish(Step step) {
  if (!std::holds_alternative<Challenge>(step)) {
    state_ = State::finished;
    wipe(login_user_);
  }
  return step;
}

Step SaslServer::start(std::optional<std::string_view> initial_response) {
  if (state_ != State::initial) return finish(malformed("the exchange was already started"));
  if (mechanism_ == Mechanism::plain) {
    state_ = State::plain_response;
    // RFC 4954 4: without an initial response the server sends an empty challenge.
    if (!initial_response) return Challenge{};
  } else {
    state_ = State::login_user;
    if (!initial_response) return Challenge{"Username:"};
  }
  // RFC 4954 4 / RFC 4959 3: "=" is an initial response of zero length.
  if (*initial_response == "=") return on_response("");
  if (initial_response->empty()) return finish(malformed("the initial response is empty; send '=' for none"));
  return on_response(*initial_response);
}

Step SaslServer::receive(std::string_view line) {
  if (state_ == State::initial || state_ == State::finished) {
    return finish(malformed("no response was expected"));
  }
  // RFC 4954 4, RFC 3501 6.2.2: a single "*" cancels the exchange.
  if (line == "*") return finish(Cancelled{});
  return on_response(line);
}

Step SaslServer::on_response(std::string_view base64_text) {
  if (base64_text.size() > kMaxResponseBase64) return finish(malformed("the response is too long"));
  auto decoded_opt = mail::base64_decode(base64_text);
  if (!decoded_opt) return finish(malformed("the response is not valid base64"));
  Wiped decoded{std::move(*decoded_opt)};
  wipe(*decoded_opt);
  std::string_view data = decoded.value;

  switch (state_) {
    case State::plain_response: {
      // RFC 4616 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
      std::size_t first = data.find('\0');
      if (first == std::string_view::npos) return finish(malformed("the PLAIN response has no NUL separators"));
      std::size_t second = data.find('\0', first + 1);
      if (second == std::string_view::npos) return finish(malformed("the PLAIN response has one NUL separator, not two"));
      std::string_view authzid = data.substr(0, first);
      std::string_view authcid = data.substr(first + 1, second - first - 1);
      std::string_view password = data.substr(second + 1);
      if (password.find('\0') != std::string_view::npos) {
        return finish(malformed("the PLAIN response holds a NUL inside a field"));
      }
      if (authcid.empty()) return finish(malformed("the user name is empty"));
      if (password.empty()) return finish(malformed("the password is empty"));
      if (authzid.size() > kMaxIdentityLength || authcid.size() > kMaxIdentityLength) {
        return finish(malformed("the user name is too long"));
      }
      if (password.size() > kMaxPasswordLength) return finish(malformed("the password is too long"));
      if (!is_utf8(authzid) || !is_utf8(authcid)) return finish(malformed("the user name is not valid UTF-8"));
      if (!authzid.empty() && authzid != authcid) {
        return finish(ForeignAuthzid{std::string(authzid), std::string(authcid)});
      }
      return finish(Done{Credentials{std::string(authzid), std::string(authcid), SecretString(password)}});
    }
    case State::login_user: {
      if (data.empty()) return finish(malformed("the user name is empty"));
      if (data.size() > kMaxIdentityLength) return finish(malformed("the user name is too long"));
      if (data.find('\0') != std::string_view::npos) return finish(malformed("the user name holds a NUL"));
      if (!is_utf8(data)) return finish(malformed("the user name is not valid UTF-8"));
      login_user_ = std::string(data);
      state_ = State::login_password;
      return Challenge{"Password:"};
    }
    case State::login_password: {
      if (data.empty()) return finish(malformed("the password is empty"));
      if (data.size() > kMaxPasswordLength) return finish(malformed("the password is too long"));
      if (data.find('\0') != std::string_view::npos) return finish(malformed("the password holds a NUL"));
      Credentials c{std::string(), login_user_, SecretString(data)};
      return finish(Done{std::move(c)});
    }
    case State::initial:
    case State::finished:
      break;
  }
  return finish(malformed("no response was expected"));
}

}  // namespace roost::sasl
