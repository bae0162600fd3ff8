// The server side of a SASL exchange (RFC 4422) for PLAIN (RFC 4616) and LOGIN
// (draft-murchison-sasl-login), sans-I/O: the daemon frames challenges (334 / + ) and replies itself.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/base/result.h"

namespace roost::sasl {

constexpr std::size_t kMaxIdentityLength = 255;   // authzid, authcid / LOGIN user name, octets
constexpr std::size_t kMaxPasswordLength = 1024;  // octets

// A string whose bytes are overwritten with zeros when it is destroyed or moved from. Holds a
// password; it has no operator<< and no implicit conversion, so it cannot end up in a log by accident.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string_view value);
  SecretString(const SecretString& other);
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(const SecretString& other);
  SecretString& operator=(SecretString&& other) noexcept;
  ~SecretString();

  std::string_view view() const { return value_; }
  std::size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }
  void clear();

 private:
  std::string value_;
};

struct Credentials {
  std::string authzid;  // empty, or equal to authcid (a different one is reported as ForeignAuthzid)
  std::string authcid;  // the user name as sent (the daemon normalises it for lookup)
  SecretString password;
};

// What the exchange wants next. The daemon answers:
struct Challenge {
  std::string data;  // raw bytes: base64-encode them and send "334 " / "+ " + text
};
struct Done {
  Credentials credentials;  // verify them off the loop
};
struct Cancelled {};  // the client sent "*" (RFC 4954 4: reply 501; RFC 3501 6.2.2: BAD)
struct Malformed {
  std::string reason;  // a fixed sentence; never holds the password or other input
};
// PLAIN with an authzid that differs from the authcid: a request for proxy authorisation, which
// Roost does not grant. No password is kept.
struct ForeignAuthzid {
  std::string authzid;
  std::string authcid;
};
using Step = std::variant<Challenge, Done, Cancelled, Malformed, ForeignAuthzid>;

enum class Mechanism { plain, login };

struct UnknownMechanism {
  std::string message;
};

class SaslServer {
 public:
  // The mechanism name as given in AUTH/AUTHENTICATE, case-insensitive ("PLAIN", "login").
  static Result<SaslServer, UnknownMechanism> create(std::string_view mechanism);

  // Call once, with the text after the mechanism name: nullopt when there was none, "=" for an empty
  // initial response (RFC 4954 4, RFC 4959 3), else base64. Returns the first step.
  Step start(std::optional<std::string_view> initial_response);
  // Call with each client line (CRLF stripped) after a Challenge. "*" cancels (RFC 4954 4).
  Step receive(std::string_view line);

  Mechanism mechanism() const { return mechanism_; }
  // True once a step other than Challenge has been returned.
  bool finished() const { return state_ == State::finished; }

 private:
  enum class State { initial, plain_response, login_user, login_password, finished };
  explicit SaslServer(Mechanism mechanism) : mechanism_(mechanism) {}

  Step on_response(std::string_view base64_text);
  Step finish(Step step);

  Mechanism mechanism_;
  State state_ = State::initial;
  std::string login_user_;
};

}  // namespace roost::sasl
