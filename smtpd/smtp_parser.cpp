// SMTP command framing and argument parsing (RFC 5321 4.1, RFC 1870, RFC 6152, RFC 6531, RFC 3030,
// RFC 4954). Never reads a socket, never logs.
#include "smtpd/smtp_parser.h"

#include <array>
#include <limits>
#include <utility>

namespace roost::smtp {

namespace {

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

Reply syntax(std::string_view text) { return reply(501, "5.5.4", text); }

Reply address_reply(const mail::AddressError& e, bool sender) {
  using Kind = mail::AddressError::Kind;
  switch (e.kind) {
    case Kind::needs_smtputf8:
      // RFC 6531 3.5 / RFC 6533: 5.6.7, non-ASCII addresses not permitted without SMTPUTF8.
      return reply(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    case Kind::bad_parameter:
      return syntax("Bad parameter syntax");
    default:
      // RFC 3463 X.1.7 bad sender mailbox syntax, X.1.3 bad destination mailbox syntax.
      return reply(501, sender ? "5.1.7" : "5.1.3", std::string(sender ? "Bad sender address: " : "Bad recipient address: ") + e.message);
  }
}

struct VerbName {
  std::string_view name;
  Verb verb;
};
constexpr std::array kVerbs{
    VerbName{"HELO", Verb::helo}, VerbName{"EHLO", Verb::ehlo}, VerbName{"MAIL", Verb::mail},
    VerbName{"RCPT", Verb::rcpt}, VerbName{"DATA", Verb::data}, VerbName{"BDAT", Verb::bdat},
    VerbName{"RSET", Verb::rset}, VerbName{"NOOP", Verb::noop}, VerbName{"QUIT", Verb::quit},
    VerbName{"VRFY", Verb::vrfy}, VerbName{"EXPN", Verb::expn}, VerbName{"HELP", Verb::help},
    VerbName{"STARTTLS", Verb::starttls}, VerbName{"AUTH", Verb::auth},
};

// Strips "FROM:" / "TO:" (case-insensitive) from the front of MAIL / RCPT arguments.
std::optional<std::string_view> strip_keyword(std::string_view args, std::string_view keyword) {
  if (args.size() < keyword.size() || !iequals(args.substr(0, keyword.size()), keyword)) return std::nullopt;
  return args.substr(keyword.size());
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  }
  return true;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

LineReader::Step LineReader::next(std::string_view input) {
  Step step;
  std::size_t lf = input.find('\n');
  if (skipping_) {
    if (lf == std::string_view::npos) {
      step.consumed = input.size();
      return step;
    }
    skipping_ = false;
    input.remove_prefix(lf + 1);
    Step rest = next(input);
    rest.consumed += lf + 1;
    return rest;
  }
  if (lf == std::string_view::npos) {
    if (input.size() >= max_) {
      // No LF within the limit: the line is too long whatever follows. Skip to the next LF.
      step.kind = Kind::too_long;
      step.consumed = input.size();
      skipping_ = true;
    }
    return step;
  }
  if (lf + 1 > max_) {
    step.kind = Kind::too_long;
    step.consumed = lf + 1;
    return step;
  }
  step.kind = Kind::line;
  step.consumed = lf + 1;
  if (lf > 0 && input[lf - 1] == '\r') {
    step.line = input.substr(0, lf - 1);
  } else {
    step.line = input.substr(0, lf);
    step.bare_lf = true;
  }
  return step;
}

Result<Command, Reply> parse_command(std::string_view line) {
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    // RFC 5321 2.3.8: CR and LF only as CRLF; a NUL or other control byte is no command.
    if ((u < 0x20 && c != '\t') || u == 0x7f) return fail(reply(500, "5.5.2", "Syntax error: control character in command"));
  }
  if (line.empty()) return fail(reply(500, "5.5.2", "Syntax error: empty command"));
  std::size_t space = line.find(' ');
  std::string_view name = line.substr(0, space);
  Command cmd;
  for (const auto& v : kVerbs) {
    if (iequals(name, v.name)) cmd.verb = v.verb;
  }
  if (cmd.verb == Verb::unknown) return fail(reply(500, "5.5.2", "Syntax error: command unrecognized"));
  if (space != std::string_view::npos) cmd.args = line.substr(space + 1);
  return cmd;
}

Result<MailFrom, Reply> parse_mail_from(std::string_view args) {
  auto rest = strip_keyword(args, "FROM:");
  if (!rest) return fail(syntax("Syntax: MAIL FROM:<address>"));
  auto split = mail::split_path_args(*rest);
  if (!split) return fail(address_reply(split.error(), true));
  auto params = mail::parse_esmtp_params(split->params);
  if (!params) return fail(syntax("Syntax error in MAIL parameters"));
  MailFrom out;
  bool seen_size = false, seen_body = false, seen_utf8 = false, seen_auth = false;
  for (const auto& p : *params) {
    auto duplicate = [](bool& seen) {
      bool was = seen;
      seen = true;
      return was;
    };
    if (p.keyword == "SIZE") {
      if (duplicate(seen_size)) return fail(syntax("Duplicate SIZE parameter"));
      auto n = p.value ? parse_decimal(*p.value) : std::nullopt;
      if (!n) return fail(syntax("Syntax: SIZE=<number>"));
      out.size = *n;
    } else if (p.keyword == "BODY") {
      if (duplicate(seen_body)) return fail(syntax("Duplicate BODY parameter"));
      if (p.value && iequals(*p.value, "7BIT")) {
        out.body = BodyType::seven_bit;
      } else if (p.value && iequals(*p.value, "8BITMIME")) {
        out.body = BodyType::eight_bit_mime;
      } else {
        // BINARYMIME (RFC 3030 3) is not offered.
        return fail(reply(555, "5.5.4", "Unsupported BODY type"));
      }
    } else if (p.keyword == "SMTPUTF8") {
      if (duplicate(seen_utf8)) return fail(syntax("Duplicate SMTPUTF8 parameter"));
      // RFC 6531 3.4: SMTPUTF8 takes no value.
      if (p.value) return fail(reply(555, "5.5.4", "SMTPUTF8 takes no value"));
      out.smtputf8 = true;
    } else if (p.keyword == "AUTH") {
      // RFC 4954 5: the server may ignore AUTH=; we do, the session knows who authenticated.
      if (duplicate(seen_auth)) return fail(syntax("Duplicate AUTH parameter"));
      if (!p.value) return fail(syntax("Syntax: AUTH=<mailbox>"));
    } else {
      return fail(reply(555, "5.5.4", "Unsupported MAIL parameter"));
    }
  }
  auto sender = mail::parse_reverse_path(split->path, mail::ParseOptions{out.smtputf8});
  if (!sender) return fail(address_reply(sender.error(), true));
  out.sender = std::move(*sender);
  return out;
}

Result<mail::Address, Reply> parse_rcpt_to(std::string_view args, bool smtputf8) {
  auto rest = strip_keyword(args, "TO:");
  if (!rest) return fail(syntax("Syntax: RCPT TO:<address>"));
  auto split = mail::split_path_args(*rest);
  if (!split) return fail(address_reply(split.error(), false));
  auto params = mail::parse_esmtp_params(split->params);
  if (!params) return fail(syntax("Syntax error in RCPT parameters"));
  if (!params->empty()) return fail(reply(555, "5.5.4", "Unsupported RCPT parameter"));
  auto rcpt = mail::parse_forward_path(split->path, mail::ParseOptions{smtputf8});
  if (!rcpt) return fail(address_reply(rcpt.error(), false));
  return std::move(*rcpt);
}

Result<BdatArgs, Reply> parse_bdat(std::string_view args) {
  std::size_t space = args.find(' ');
  auto size = parse_decimal(args.substr(0, space));
  if (!size) return fail(syntax("Syntax: BDAT <size> [LAST]"));
  BdatArgs out;
  out.size = *size;
  if (space != std::string_view::npos) {
    if (!iequals(args.substr(space + 1), "LAST")) return fail(syntax("Syntax: BDAT <size> [LAST]"));
    out.last = true;
  }
  return out;
}

Result<AuthArgs, Reply> parse_auth(std::string_view args) {
  if (args.empty()) return fail(syntax("Syntax: AUTH <mechanism> [initial-response]"));
  AuthArgs out;
  std::size_t space = args.find(' ');
  out.mechanism = args.substr(0, space);
  if (space != std::string_view::npos) {
    std::string_view ir = args.substr(space + 1);
    if (ir.empty() || ir.find(' ') != std::string_view::npos) return fail(syntax("Syntax: AUTH <mechanism> [initial-response]"));
    out.initial_response = ir;
  }
  if (out.mechanism.empty()) return fail(syntax("Syntax: AUTH <mechanism> [initial-response]"));
  return out;
}

}  // namespace roost::smtp
