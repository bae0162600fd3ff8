// The command dispatcher and the commands of the any and not-authenticated states (RFC 9051 6.1,
// 6.2): CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE (SASL-IR), LOGIN, ENABLE, ID, COMPRESS,
// and the argument-less commands of the authenticated and selected states.
#include "imapd/imap_command.h"

#include "imapd/imap_command_parts.h"
#include "imapd/imap_lexer.h"

namespace roost::imap {
namespace {

using detail::parse_copy;
using detail::parse_fetch;
using detail::parse_mailbox_command;
using detail::parse_search;
using detail::parse_store;

// RFC 2971 3.3: at most 30 field-value pairs; fields up to 30 octets, values up to 1024.
constexpr std::size_t kMaxIdPairs = 30;

bool is_base64_or_empty(std::string_view text) {
  if (text == "=") return true;  // RFC 4959 3: an empty initial response
  if (text.empty() || text.size() % 4 != 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') {
      ++pad;
    } else if (!alnum || pad > 0) {
      return false;
    }
  }
  return pad <= 2;
}

std::optional<CommandBody> parse_authenticate(Lexer& lx) {
  if (!lx.sp()) return std::nullopt;
  auto mechanism = lx.upper_atom();
  if (!mechanism) return std::nullopt;
  Authenticate a{*mechanism, std::nullopt};
  if (lx.consume(' ')) {
    auto ir = lx.atom();
    if (!ir) return std::nullopt;
    if (!is_base64_or_empty(*ir)) {
      lx.fail("Bad initial response");
      return std::nullopt;
    }
    a.initial_response = std::string(*ir);
  }
  return a;
}

std::optional<CommandBody> parse_login(Lexer& lx) {
  Login l;
  if (!lx.sp()) return std::nullopt;
  auto user = lx.astring();
  if (!user || !lx.sp()) return std::nullopt;
  auto password = lx.astring();
  if (!password) return std::nullopt;
  l.user = std::move(*user);
  l.password = std::move(*password);
  return l;
}

std::optional<CommandBody> parse_enable(Lexer& lx, const GrammarLimits& limits) {
  Enable e;
  // RFC 5161 3.1: ENABLE takes one or more capability names.
  do {
    if (!lx.sp()) return std::nullopt;
    auto cap = lx.upper_atom();
    if (!cap) return std::nullopt;
    if (e.capabilities.size() >= limits.max_items) {
      lx.fail("Too many capabilities");
      return std::nullopt;
    }
    e.capabilities.push_back(std::move(*cap));
  } while (!lx.at_end());
  return e;
}

std::optional<CommandBody> parse_id(Lexer& lx) {
  Id id;
  if (!lx.sp()) return std::nullopt;
  if (lx.keyword("NIL")) return id;
  if (!lx.expect('(')) return std::nullopt;
  if (lx.consume(')')) return id;
  while (true) {
    auto field = lx.string();
    if (!field || !lx.sp()) return std::nullopt;
    std::optional<std::string> value;
    if (!lx.nil_or_string(value)) return std::nullopt;
    if (id.params.size() >= kMaxIdPairs || field->size() > 30 || (value && value->size() > 1024)) {
      lx.fail("ID parameters too large");
      return std::nullopt;
    }
    id.params.emplace_back(std::move(*field), std::move(value));
    if (lx.consume(')')) return id;
    if (!lx.sp()) return std::nullopt;
  }
}

std::optional<CommandBody> parse_compress(Lexer& lx) {
  if (!lx.sp()) return std::nullopt;
  auto mechanism = lx.upper_atom();
  if (!mechanism) return std::nullopt;
  return Compress{*mechanism};
}

// The commands without arguments.
std::optional<CommandBody> bare(std::string_view name) {
  if (name == "CAPABILITY") return Capability{};
  if (name == "NOOP") return Noop{};
  if (name == "LOGOUT") return Logout{};
  if (name == "STARTTLS") return StartTls{};
  if (name == "NAMESPACE") return Namespace{};
  if (name == "IDLE") return Idle{};
  if (name == "CHECK") return Check{};
  if (name == "CLOSE") return Close{};
  if (name == "UNSELECT") return Unselect{};
  if (name == "EXPUNGE") return Expunge{};
  return std::nullopt;
}

std::optional<CommandBody> parse_uid_command(Lexer& lx, const GrammarLimits& limits) {
  if (!lx.sp()) return std::nullopt;
  auto name = lx.upper_atom();
  if (!name) return std::nullopt;
  if (*name == "FETCH") return parse_fetch(lx, true, limits);
  if (*name == "STORE") return parse_store(lx, true, limits);
  if (*name == "COPY") return parse_copy(lx, true, false);
  if (*name == "MOVE") return parse_copy(lx, true, true);
  if (*name == "SEARCH") return parse_search(lx, true, limits);
  if (*name == "EXPUNGE") {  // RFC 4315 2.1
    if (!lx.sp()) return std::nullopt;
    auto set = lx.sequence_set(false);
    if (!set) return std::nullopt;
    return Expunge{std::move(*set)};
  }
  lx.fail("Unknown UID command");
  return std::nullopt;
}

}  // namespace

Result<Command, Reply> parse_command(const RawCommand& raw, const GrammarLimits& limits) {
  if (raw.tag.empty() || raw.text.compare(0, raw.tag.size(), raw.tag) != 0) {
    return fail(bad("*", "Missing or invalid tag"));
  }
  Lexer lx(std::string_view(raw.text).substr(raw.tag.size()), limits.max_depth);
  std::optional<CommandBody> body;
  std::string name;
  if (lx.consume(' ') && is_atom_char(lx.peek())) name = *lx.upper_atom();
  if (!name.empty()) {
    if (auto b = bare(name)) {
      body = std::move(b);
    } else if (name == "AUTHENTICATE") {
      body = parse_authenticate(lx);
    } else if (name == "LOGIN") {
      body = parse_login(lx);
    } else if (name == "ENABLE") {
      body = parse_enable(lx, limits);
    } else if (name == "ID") {
      body = parse_id(lx);
    } else if (name == "COMPRESS") {
      body = parse_compress(lx);
    } else if (name == "UID") {
      body = parse_uid_command(lx, limits);
    } else if (name == "FETCH") {
      body = parse_fetch(lx, false, limits);
    } else if (name == "STORE") {
      body = parse_store(lx, false, limits);
    } else if (name == "COPY" || name == "MOVE") {
      body = parse_copy(lx, false, name == "MOVE");
    } else if (name == "SEARCH") {
      body = parse_search(lx, false, limits);
    } else {
      body = parse_mailbox_command(name, lx, limits);  // answers "Unknown command" for the rest
    }
  } else {
    lx.fail("Missing command");
  }
  if (body && !lx.expect_end()) body.reset();
  if (!body) {
    std::string reason = lx.failed() ? lx.error() : std::string("Syntax error");
    return fail(bad(raw.tag, name.empty() || reason == "Unknown command" ? reason : name + ": " + reason));
  }
  return Command{raw.tag, std::move(*body)};
}

}  // namespace roost::imap
