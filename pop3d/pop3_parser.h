// POP3 command lines to commands (RFC 1939 3, RFC 2449 3): a case-insensitive keyword, then
// arguments separated by spaces. Never reads a socket and never logs; the session frames lines.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace roost::pop3 {

enum class Verb {
  user, pass, apop, auth, stls, capa, stat, list, retr, dele, noop, rset, quit, top, uidl, unknown,
};

struct Command {
  Verb verb = Verb::unknown;
  std::string_view keyword;            // as sent
  std::vector<std::string_view> args;  // split on spaces (empty ones dropped)
  // Everything after the keyword and one space, as sent: PASS takes it whole, since a password may
  // hold spaces (RFC 1939 7, PASS discussion).
  std::string_view rest;
};

// Views point into `line`, which must outlive the Command.
Command parse_command(std::string_view line);

// A message number or TOP line count: decimal digits only, at most 10 of them (no sign, no spaces).
std::optional<std::uint64_t> parse_number(std::string_view text);

}  // namespace roost::pop3
