// SMTP envelope addresses: the Reverse-path and Forward-path of MAIL FROM / RCPT TO (RFC 5321 4.1.2),
// with SMTPUTF8 (RFC 6531 3.3), and the ESMTP parameters that follow them. Sans-I/O, never logs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace roost::mail {

constexpr std::size_t kMaxLocalPartLength = 64;  // RFC 5321 4.5.3.1.1, octets as sent

struct AddressError {
  enum class Kind {
    syntax,               // not a path/mailbox per RFC 5321 4.1.2 (brackets, '@', dots, quoting)
    local_part_too_long,  // over 64 octets (RFC 5321 4.5.3.1.1)
    bad_domain,           // domain syntax, label/total length, or IDNA failure
    bad_address_literal,  // [..] that is not a valid IPv4 or IPv6 address
    needs_smtputf8,       // 8-bit bytes but the client did not give SMTPUTF8 (RFC 6531 3.3)
    bad_utf8,             // 8-bit bytes that are not well-formed UTF-8
    bad_parameter,        // ESMTP parameter syntax (RFC 5321 4.1.2 esmtp-param)
  };
  Kind kind;
  std::string message;  // a sentence for the reply text; it never echoes the input
};

struct ParseOptions {
  // The client gave SMTPUTF8 on MAIL FROM: UTF-8 local parts and U-label domains are allowed.
  bool smtputf8 = false;
};

struct Address {
  std::string local;      // the local part's value: quotes removed and quoted-pairs decoded
  std::string local_raw;  // the local part exactly as sent (with quotes and backslashes)
  std::string domain;     // as sent: a domain, or an address literal with its brackets; empty for <>
                          // and <Postmaster>
  bool quoted = false;           // the local part was a Quoted-string
  bool domain_is_literal = false;
  bool null_path = false;        // the Reverse-path "<>"
  bool postmaster = false;       // the Forward-path "<Postmaster>" without a domain (any case)
  bool source_route = false;     // an A-d-l route was present and ignored (RFC 5321 4.1.2, App. C)
  bool needs_smtputf8 = false;   // the local part or domain holds non-ASCII characters

  // local@domain with the minimum quoting (RFC 5321 4.1.2: a sender SHOULD use the form with the
  // least quoting); "Postmaster" for <Postmaster>; "" for the null path.
  std::string to_string() const;
  // The same in angle brackets, for an SMTP command: "<a@b.example>", "<>".
  std::string to_path() const;
  // The key accounts and aliases are looked up by: local part with ASCII lower-cased, '@', the domain
  // normalised to lower-case A-labels (address literals in canonical form). "postmaster" for a bare
  // <Postmaster>, "" for <>.
  std::string lookup_key() const;
  // The domain as lower-case A-labels (or the canonical literal); "" when there is none.
  std::string ascii_domain() const;
  // True when the local part holds '%', '!' or '@' (the last only possible quoted): old source-routing
  // syntax that a server must not honour for relaying (RFC 5321 3.6.1, 2.3.11).
  bool local_part_has_routing_chars() const;
};

// Parses a Reverse-path: "<>" or "<" [A-d-l ":"] Mailbox ">". No surrounding spaces.
Result<Address, AddressError> parse_reverse_path(std::string_view path, ParseOptions options = {});
// Parses a Forward-path: "<Postmaster>" (any case) or "<" [A-d-l ":"] Mailbox ">". No surrounding spaces.
Result<Address, AddressError> parse_forward_path(std::string_view path, ParseOptions options = {});
// Parses a bare Mailbox, "local@domain" (configuration, the admin CLI, headers already unfolded).
Result<Address, AddressError> parse_mailbox(std::string_view mailbox, ParseOptions options = {});

// What follows "MAIL FROM:" or "RCPT TO:", split into the path (from '<' to its matching '>', quotes
// respected) and the parameter text after the spaces that follow it. Spaces before '<' are tolerated.
struct PathArgs {
  std::string_view path;    // "<...>", a view into the input
  std::string_view params;  // "SIZE=1000 BODY=8BITMIME" or ""
};
Result<PathArgs, AddressError> split_path_args(std::string_view args);

// One ESMTP parameter: keyword upper-cased, value as sent (none for "SMTPUTF8").
struct EsmtpParam {
  std::string keyword;
  std::optional<std::string> value;
  bool operator==(const EsmtpParam&) const = default;
};
// Parses Mail-parameters / Rcpt-parameters (RFC 5321 4.1.2): esmtp-param *(SP esmtp-param), where
// keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") and value = 1*(%d33-60 / %d62-126). Runs of spaces
// and trailing spaces are tolerated. Duplicates are returned as sent; the caller decides.
Result<std::vector<EsmtpParam>, AddressError> parse_esmtp_params(std::string_view text);

// True when `local` (a decoded local part) can be written as an RFC 5321 Dot-string without quoting;
// with `utf8`, non-ASCII UTF-8 counts as atext (RFC 6531 3.3).
bool is_dot_string(std::string_view local, bool utf8 = false);

}  // namespace roost::mail
