// The SMTP command table (see smtp_commands.h).
#include "smtpd/smtp_commands.h"

#include <array>
#include <cstdlib>

namespace roost::smtp {

namespace {

constexpr std::array kCommands{
    CommandSpec{Verb::ehlo, "EHLO", kBeforeTls | kLastInGroup},
    CommandSpec{Verb::helo, "HELO", kBeforeTls | kLastInGroup},
    CommandSpec{Verb::starttls, "STARTTLS", kBeforeTls | kNeedsHelo | kOutsideTransaction | kLastInGroup},
    CommandSpec{Verb::auth, "AUTH", kNeedsHelo | kOutsideTransaction | kLastInGroup},
    CommandSpec{Verb::mail, "MAIL", kNeedsHelo | kNeedsAuthOnSubmission},
    CommandSpec{Verb::rcpt, "RCPT", kNeedsHelo | kNeedsAuthOnSubmission},
    CommandSpec{Verb::data, "DATA", kNeedsHelo | kNeedsAuthOnSubmission | kLastInGroup},
    CommandSpec{Verb::bdat, "BDAT", kNeedsHelo | kNeedsAuthOnSubmission},
    CommandSpec{Verb::rset, "RSET", kBeforeTls},
    CommandSpec{Verb::noop, "NOOP", kBeforeTls | kLastInGroup},
    CommandSpec{Verb::quit, "QUIT", kBeforeTls | kLastInGroup},
    CommandSpec{Verb::help, "HELP", kBeforeTls},
    CommandSpec{Verb::vrfy, "VRFY", kLastInGroup},
    CommandSpec{Verb::expn, "EXPN", kLastInGroup},
};

}  // namespace

const CommandSpec& command_spec(Verb verb) {
  for (const auto& spec : kCommands) {
    if (spec.verb == verb) return spec;
  }
  std::abort();  // a Verb without a row is a programming error
}

}  // namespace roost::smtp
