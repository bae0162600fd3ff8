// The SMTP command table: for each verb, the conditions checked before its handler runs, in the
// Postfix manner (one row per command, flags instead of scattered if-statements).
#pragma once

#include <cstdint>
#include <string_view>

#include "smtpd/smtp_parser.h"

namespace roost::smtp {

enum CommandFlag : std::uint32_t {
  // Allowed before STARTTLS on the submission listener (RFC 3207 4, RFC 8314 3.3: submission
  // without TLS may only negotiate it). Others get 530 5.7.0 there (AUTH: 538 5.7.11, RFC 4954 6).
  kBeforeTls = 1u << 0,
  // Needs EHLO/HELO first (RFC 5321 4.1.4): 503 5.5.1 otherwise.
  kNeedsHelo = 1u << 1,
  // Needs a successful AUTH first on submission (RFC 6409 4.3, RFC 4954 6): 530 5.7.0 otherwise.
  kNeedsAuthOnSubmission = 1u << 2,
  // Not inside a mail transaction (RFC 3207 4: STARTTLS; RFC 4954 4: AUTH): 503 5.5.1 otherwise.
  kOutsideTransaction = 1u << 3,
  // Must be the last command of a pipelined group (RFC 2920 3.1): what follows it is not acted on
  // before its reply is decided. The session honours this for every command by answering in order;
  // the flag documents the RFC's list and marks where the server glue should flush output.
  kLastInGroup = 1u << 4,
};

struct CommandSpec {
  Verb verb;
  std::string_view name;
  std::uint32_t flags;
};

// The row for `verb` (every Verb but unknown has one).
const CommandSpec& command_spec(Verb verb);

}  // namespace roost::smtp
