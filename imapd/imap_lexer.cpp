// IMAP tokens (RFC 9051 9).
#include "imapd/imap_lexer.h"

#include <limits>

namespace roost::imap {

// ATOM-CHAR = any CHAR except atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
bool is_atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\' && c != ']';
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
  return out;
}

bool Lexer::fail(std::string reason) {
  if (error_.empty()) error_ = std::move(reason);
  return false;
}

bool Lexer::consume(char c) {
  if (peek() != c || at_end()) return false;
  ++pos_;
  return true;
}

bool Lexer::sp() { return consume(' ') || fail("Expected a space"); }

bool Lexer::expect(char c) { return consume(c) || fail(std::string("Expected '") + c + "'"); }

bool Lexer::expect_end() { return at_end() || fail("Unexpected text at the end of the command"); }

bool Lexer::keyword(std::string_view word) {
  if (text_.size() - pos_ < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = text_[pos_ + i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != word[i]) return false;
  }
  std::size_t after = pos_ + word.size();
  if (after < text_.size() && is_atom_char(text_[after]) && is_atom_char(word.back())) return false;
  pos_ = after;
  return true;
}

bool Lexer::enter() {
  if (depth_ >= max_depth_) return fail("Nesting too deep");
  ++depth_;
  return true;
}

std::optional<std::string_view> Lexer::atom() {
  std::size_t start = pos_;
  while (!at_end() && is_atom_char(text_[pos_])) ++pos_;
  if (pos_ == start) {
    fail("Expected an atom");
    return std::nullopt;
  }
  return text_.substr(start, pos_ - start);
}

std::optional<std::string> Lexer::upper_atom() {
  auto a = atom();
  if (!a) return std::nullopt;
  return to_upper(*a);
}

std::optional<std::string> Lexer::quoted() {
  ++pos_;  // the opening DQUOTE
  std::string out;
  while (!at_end()) {
    char c = text_[pos_++];
    if (c == '"') return out;
    if (c == '\r' || c == '\n' || c == '\0') break;
    if (c == '\\') {
      // RFC 9051 9: only quoted-specials (DQUOTE, "\") may follow a backslash.
      char e = peek();
      if (e != '"' && e != '\\') {
        fail("Bad escape in a quoted string");
        return std::nullopt;
      }
      ++pos_;
      out += e;
      continue;
    }
    out += c;
  }
  fail("Unterminated quoted string");
  return std::nullopt;
}

std::optional<std::string> Lexer::literal(bool allow_literal8, bool* binary) {
  bool is8 = false;
  if (consume('~')) {
    if (!allow_literal8) {
      fail("literal8 is allowed only in APPEND");
      return std::nullopt;
    }
    is8 = true;
  }
  if (!expect('{')) return std::nullopt;
  auto n = number64();
  if (!n) return std::nullopt;
  consume('+');
  if (!expect('}') || !expect('\r') || !expect('\n')) return std::nullopt;
  if (*n > text_.size() - pos_) {
    fail("Literal shorter than announced");
    return std::nullopt;
  }
  std::string out(text_.substr(pos_, static_cast<std::size_t>(*n)));
  pos_ += static_cast<std::size_t>(*n);
  // RFC 9051 4.3: a literal is CHAR8 (no NUL); only literal8 may carry any octet (RFC 3516 4.2).
  if (!is8 && out.find('\0') != std::string::npos) {
    fail("NUL in a literal");
    return std::nullopt;
  }
  if (binary) *binary = is8;
  return out;
}

std::optional<std::string> Lexer::string(bool allow_literal8, bool* binary) {
  if (binary) *binary = false;
  char c = peek();
  if (c == '"') return quoted();
  if (c == '{' || c == '~') return literal(allow_literal8, binary);
  fail("Expected a string");
  return std::nullopt;
}

std::optional<std::string> Lexer::astring() {
  char c = peek();
  if (c == '"' || c == '{') return string();
  std::size_t start = pos_;
  // ASTRING-CHAR = ATOM-CHAR / resp-specials ("]").
  while (!at_end() && (is_atom_char(text_[pos_]) || text_[pos_] == ']')) ++pos_;
  if (pos_ == start) {
    fail("Expected an astring");
    return std::nullopt;
  }
  return std::string(text_.substr(start, pos_ - start));
}

bool Lexer::nil_or_string(std::optional<std::string>& out) {
  if (keyword("NIL")) {
    out.reset();
    return true;
  }
  auto s = string();
  if (!s) return false;
  out = std::move(*s);
  return true;
}

std::optional<std::string> Lexer::list_mailbox() {
  char c = peek();
  if (c == '"' || c == '{') return string();
  std::size_t start = pos_;
  // list-char = ATOM-CHAR / list-wildcards ("%" "*") / resp-specials ("]").
  while (!at_end()) {
    char d = text_[pos_];
    if (!is_atom_char(d) && d != '%' && d != '*' && d != ']') break;
    ++pos_;
  }
  if (pos_ == start) {
    fail("Expected a mailbox pattern");
    return std::nullopt;
  }
  return std::string(text_.substr(start, pos_ - start));
}

std::optional<std::uint64_t> Lexer::number64() {
  std::size_t start = pos_;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
    auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
    if (value > (kMax - digit) / 10) {
      fail("Number too large");
      return std::nullopt;
    }
    value = value * 10 + digit;
    ++pos_;
  }
  if (pos_ == start) {
    fail("Expected a number");
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint32_t> Lexer::number() {
  auto n = number64();
  if (!n) return std::nullopt;
  if (*n > 0xffffffffULL) {
    fail("Number too large");
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(*n);
}

std::optional<std::uint32_t> Lexer::nz_number() {
  auto n = number();
  if (n && *n == 0) {
    fail("Expected a non-zero number");
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint64_t> Lexer::mod_sequence_value() {
  auto n = number64();
  if (n && *n == 0) {
    fail("Expected a non-zero mod-sequence");
    return std::nullopt;
  }
  return n;
}

std::optional<SequenceSet> Lexer::sequence_set(bool allow_saved) {
  std::size_t start = pos_;
  while (!at_end()) {
    char c = text_[pos_];
    if (!((c >= '0' && c <= '9') || c == '*' || c == ':' || c == ',' || c == '$')) break;
    ++pos_;
  }
  auto set = parse_sequence_set(text_.substr(start, pos_ - start), allow_saved);
  if (!set) fail("Bad sequence set");
  return set;
}

std::optional<std::string> Lexer::flag() {
  bool system = consume('\\');
  auto a = atom();
  if (!a) return std::nullopt;
  if (!system) return std::string(*a);
  // System flags are case-insensitive (RFC 9051 2.3.2); they are returned in their usual spelling.
  std::string upper = to_upper(*a);
  for (std::string_view known : {"Seen", "Answered", "Flagged", "Deleted", "Draft", "Recent"}) {
    if (upper == to_upper(known)) return "\\" + std::string(known);
  }
  return "\\" + std::string(*a);  // a flag-extension; the session decides whether it is allowed
}

std::optional<std::vector<std::string>> Lexer::flag_list() {
  if (!expect('(')) return std::nullopt;
  std::vector<std::string> flags;
  if (consume(')')) return flags;
  while (true) {
    auto f = flag();
    if (!f) return std::nullopt;
    flags.push_back(std::move(*f));
    if (consume(')')) return flags;
    if (!sp()) return std::nullopt;
  }
}

}  // namespace roost::imap
