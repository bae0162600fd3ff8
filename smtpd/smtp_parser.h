// Bytes to SMTP commands, sans-I/O: a bounded command-line reader that stays in step after an
// over-long line, and parsers for the command verb and the arguments of MAIL, RCPT, BDAT and AUTH.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/mail/address.h"
#include "smtpd/smtp_reply.h"

namespace roost::smtp {

// Reads command lines (and SASL response lines) out of a byte buffer.
// A line ends at LF; one CR before the LF is dropped. A line longer than the limit (counting its
// CRLF) is reported once as too_long, and the rest of it is skipped up to and including the next LF
// (the Postfix habit), so the client and the server stay in step. The result never depends on how
// the bytes were split across calls.
class LineReader {
 public:
  explicit LineReader(std::size_t max_line_length) : max_(max_line_length) {}

  enum class Kind {
    need_more,  // no complete line in `input`: call again with more bytes
    line,       // `line` holds a complete line without its line ending
    too_long,   // an over-long line began; answer it; the reader skips the rest by itself
  };
  struct Step {
    Kind kind = Kind::need_more;
    std::string_view line;  // a view into `input`, valid while it is
    std::size_t consumed = 0;  // bytes of `input` used up; drop them before the next call
    bool bare_lf = false;      // the line ended with LF alone
  };
  // `input`: the bytes not yet consumed.
  Step next(std::string_view input);
  // Forgets a pending skip (after STARTTLS everything before is forgotten).
  void reset() { skipping_ = false; }

 private:
  std::size_t max_;
  bool skipping_ = false;
};

enum class Verb { helo, ehlo, mail, rcpt, data, bdat, rset, noop, quit, vrfy, expn, help, starttls, auth, unknown };

struct Command {
  Verb verb = Verb::unknown;
  std::string_view args;  // the text after the verb and one space; a view into the parsed line
};

// Splits a command line into verb and arguments (verbs are case-insensitive, RFC 5321 2.4).
// Error replies: 500 5.5.2 for an empty line, a control byte (NUL, bare CR, ...) or an unknown verb.
// Known but unimplemented verbs (EXPN and the like) come back as their Verb; the session answers.
Result<Command, Reply> parse_command(std::string_view line);

enum class BodyType { seven_bit, eight_bit_mime };

struct MailFrom {
  mail::Address sender;
  std::optional<std::uint64_t> size;  // SIZE= (RFC 1870)
  BodyType body = BodyType::seven_bit;  // BODY= (RFC 6152)
  bool smtputf8 = false;               // SMTPUTF8 (RFC 6531 3.4)
};

// Parses the arguments of MAIL: "FROM:<path> [params]". Known parameters: SIZE, BODY=7BIT|8BITMIME,
// SMTPUTF8, AUTH= (RFC 4954 5, accepted and ignored). Errors: 501 5.5.4 syntax, 501 5.1.7 bad path,
// 553 5.6.7 non-ASCII without SMTPUTF8, 555 5.5.4 unknown parameter or value (RFC 5321 4.1.1.11).
Result<MailFrom, Reply> parse_mail_from(std::string_view args);

// Parses the arguments of RCPT: "TO:<path> [params]". No RCPT parameters are supported (no DSN),
// so any is 555 5.5.4. `smtputf8`: the transaction's MAIL had SMTPUTF8.
Result<mail::Address, Reply> parse_rcpt_to(std::string_view args, bool smtputf8);

struct BdatArgs {
  std::uint64_t size = 0;
  bool last = false;
};
// Parses "chunk-size [LAST]" (RFC 3030 2). Overflow-safe: sizes past 2^64-1 are a syntax error.
Result<BdatArgs, Reply> parse_bdat(std::string_view args);

struct AuthArgs {
  std::string_view mechanism;
  std::optional<std::string_view> initial_response;  // "=" for an empty one (RFC 4954 4)
};
// Parses "mechanism [initial-response]". Error: 501 5.5.4.
Result<AuthArgs, Reply> parse_auth(std::string_view args);

// Decimal digits to an unsigned number; nullopt on anything else, an empty text or overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// ASCII case-insensitive comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace roost::smtp
