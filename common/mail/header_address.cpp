// Address-list parsing for IMAP ENVELOPE: a tokenizer for RFC 5322 3.2 lexical tokens, then a
// tolerant reading of address / group / mailbox (RFC 5322 3.4) and the obsolete forms (4.4).
#include "common/mail/header_address.h"

#include <cstddef>

namespace roost::mail {
namespace {

enum class Tok { word, quoted, special, literal, comment };

struct Token {
  Tok kind;
  std::string text;        // atom, unquoted string, special char, [literal], or comment text
  bool space_before = false;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  // RFC 5322 3.2.3 specials, less '"', '(' and '[' which open their own tokens.
  return c == ')' || c == '<' || c == '>' || c == ']' || c == ':' || c == ';' || c == '@' ||
         c == '\\' || c == ',' || c == '.';
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    char c = s[i];
    if (is_space(c)) {
      space = true;
      ++i;
      continue;
    }
    Token t{Tok::word, {}, space};
    space = false;
    if (c == '"') {
      t.kind = Tok::quoted;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (s[i] != '\r' && s[i] != '\n') t.text += s[i];
        ++i;
      }
      ++i;  // closing quote (or past the end)
    } else if (c == '(') {
      t.kind = Tok::comment;
      int depth = 0;
      while (i < s.size()) {
        char d = s[i++];
        if (d == '\\' && i < s.size()) {
          t.text += s[i++];
          continue;
        }
        if (d == '(') {
          if (depth++ == 0) continue;
        } else if (d == ')') {
          if (--depth == 0) break;
        }
        if (d != '\r' && d != '\n') t.text += d;
      }
    } else if (c == '[') {
      t.kind = Tok::literal;
      while (i < s.size()) {
        char d = s[i++];
        if (d != '\r' && d != '\n') t.text += d;
        if (d == ']') break;
      }
    } else if (is_special(c)) {
      t.kind = Tok::special;
      t.text = std::string(1, c);
      ++i;
    } else {
      while (i < s.size() && !is_space(s[i]) && !is_special(s[i]) && s[i] != '"' && s[i] != '(' &&
             s[i] != '[') {
        t.text += s[i++];
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

class ListParser {
 public:
  ListParser(std::vector<Token> tokens, std::size_t max) : toks_(std::move(tokens)), max_(max) {}

  std::vector<ImapAddress> run() {
    while (pos_ < toks_.size() && out_.size() < max_) {
      std::size_t before = pos_;
      parse_element(false);
      if (pos_ == before) ++pos_;  // a stray ';' or '>': skipped
    }
    return std::move(out_);
  }

 private:
  bool at_special(char c) const {
    return pos_ < toks_.size() && toks_[pos_].kind == Tok::special && toks_[pos_].text[0] == c;
  }
  bool at_any_special(std::string_view set) const {
    return pos_ < toks_.size() && toks_[pos_].kind == Tok::special &&
           set.find(toks_[pos_].text[0]) != std::string_view::npos;
  }
  void push(ImapAddress a) {
    if (out_.size() < max_) out_.push_back(std::move(a));
  }

  // Words up to a special in `stops`: as a phrase (joined by single spaces, RFC 5322 3.2.5) and as a
  // dot-atom / obs-local-part (joined as written). Comments are remembered, not included.
  struct Words {
    std::string phrase;
    std::string joined;
    std::string comment;
    bool any = false;
  };
  Words read_words(std::string_view stops) {
    Words w;
    while (pos_ < toks_.size()) {
      const Token& t = toks_[pos_];
      if (t.kind == Tok::special && stops.find(t.text[0]) != std::string_view::npos) break;
      ++pos_;
      if (t.kind == Tok::comment) {
        if (w.comment.empty()) w.comment = t.text;
        continue;
      }
      if (t.kind == Tok::special && t.text[0] != '.') continue;  // stray ')', ']', '\\': skipped
      w.any = true;
      if (t.kind == Tok::special) {  // '.' in an obs-phrase ("John Q. Public") or a dot-atom
        w.phrase += '.';
        w.joined += '.';
        continue;
      }
      if (!w.phrase.empty() && t.space_before) w.phrase += ' ';
      else if (!w.phrase.empty() && w.phrase.back() != '.') w.phrase += ' ';
      w.phrase += t.text;
      w.joined += t.text;
    }
    return w;
  }

  std::string read_domain(std::string_view stops, std::string* comment = nullptr) {
    std::string d;
    while (pos_ < toks_.size()) {
      const Token& t = toks_[pos_];
      if (t.kind == Tok::special && stops.find(t.text[0]) != std::string_view::npos) break;
      ++pos_;
      if (t.kind == Tok::comment) {
        if (comment && comment->empty()) *comment = t.text;
        continue;
      }
      if (t.kind == Tok::special && t.text[0] != '.') continue;
      d += t.text;
    }
    return d;
  }

  static std::optional<std::string> nonempty(std::string s) {
    if (s.empty()) return std::nullopt;
    return s;
  }

  // angle-addr after '<' (RFC 5322 3.4, obs-angle-addr with obs-route in 4.4).
  void parse_angle(std::optional<std::string> name) {
    ++pos_;  // '<'
    ImapAddress a;
    a.name = std::move(name);
    if (at_special('@')) {
      std::size_t start = pos_;
      std::string route;
      while (pos_ < toks_.size() && !at_special(':') && !at_special('>')) {
        if (toks_[pos_].kind != Tok::comment) route += toks_[pos_].text;
        ++pos_;
      }
      if (at_special(':')) {
        ++pos_;
        a.adl = nonempty(route);
      } else {
        pos_ = start;  // "<@domain>": no route, a missing local part
      }
    }
    Words local = read_words("@>,;<");
    std::string domain;
    if (at_special('@')) {
      ++pos_;
      domain = read_domain(">,;<");
    }
    if (at_special('>')) ++pos_;
    if (!local.any && domain.empty() && !a.name) return;  // "<>"
    a.mailbox = local.joined.empty() ? std::string(kMissingMailbox) : local.joined;
    a.host = domain.empty() ? std::string(kMissingDomain) : domain;
    push(std::move(a));
    // Anything up to the next separator is junk, but a trailing comment may name the address.
    while (pos_ < toks_.size() && !at_any_special(",;")) ++pos_;
  }

  void parse_element(bool in_group) {
    if (at_special(',')) {
      ++pos_;
      return;
    }
    if (in_group && at_special(';')) return;
    Words w = read_words("<:@,;>");
    if (at_special('<')) {
      parse_angle(w.phrase.empty() ? std::nullopt : std::optional<std::string>(w.phrase));
      return;
    }
    if (at_special(':')) {
      ++pos_;
      if (in_group) return;  // no nested groups: the ':' is skipped
      // RFC 5322 3.4: group = display-name ":" [group-list] ";"
      push(ImapAddress{std::nullopt, std::nullopt, w.phrase, std::nullopt});
      while (pos_ < toks_.size() && !at_special(';')) {
        std::size_t before = pos_;
        parse_element(true);
        if (pos_ == before) ++pos_;
      }
      if (at_special(';')) ++pos_;
      push(ImapAddress{});
      return;
    }
    if (at_special('@')) {
      ++pos_;
      ImapAddress a;
      a.mailbox = w.joined.empty() ? std::string(kMissingMailbox) : w.joined;
      std::string domain_comment;
      std::string domain = read_domain(",;<>", &domain_comment);
      a.host = domain.empty() ? std::string(kMissingDomain) : domain;
      // "user@host (Name)": the comment stands in for the display name.
      Words tail = read_words(",;<");
      std::string comment = !w.comment.empty() ? w.comment : !domain_comment.empty() ? domain_comment : tail.comment;
      if (!comment.empty()) a.name = comment;
      if (at_special('<')) {  // "user@host <other@host>": keep the angle address, Dovecot-like
        parse_angle(std::nullopt);
        return;
      }
      push(std::move(a));
      return;
    }
    if (at_special('>')) ++pos_;
    if (w.any) {
      // A lone word: a local part with no domain.
      ImapAddress a;
      a.mailbox = w.joined;
      a.host = std::string(kMissingDomain);
      if (!w.comment.empty()) a.name = w.comment;
      push(std::move(a));
    }
  }

  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  std::size_t max_;
  std::vector<ImapAddress> out_;
};

}  // namespace

std::vector<ImapAddress> parse_address_list(std::string_view value, std::size_t max_addresses) {
  return ListParser(tokenize(value), max_addresses).run();
}

}  // namespace roost::mail
