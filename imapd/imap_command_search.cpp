// SEARCH and UID SEARCH: the key grammar as a tree (RFC 9051 6.4.4), CHARSET, MODSEQ (RFC 7162
// 3.1.5) and the ESEARCH / SEARCHRES RETURN options (RFC 4731 3.1, RFC 5182 2).
#include "imapd/imap_command_parts.h"

namespace roost::imap::detail {
namespace {

using K = SearchKey::Kind;

struct Simple {
  std::string_view name;
  K kind;
};
constexpr Simple kFlagKeys[] = {
    {"ALL", K::all},           {"ANSWERED", K::answered},     {"DELETED", K::deleted},
    {"DRAFT", K::draft},       {"FLAGGED", K::flagged},       {"SEEN", K::seen},
    {"RECENT", K::recent},     {"NEW", K::new_},              {"OLD", K::old},
    {"UNANSWERED", K::unanswered}, {"UNDELETED", K::undeleted}, {"UNDRAFT", K::undraft},
    {"UNFLAGGED", K::unflagged},   {"UNSEEN", K::unseen},
};
constexpr Simple kStringKeys[] = {
    {"BCC", K::bcc}, {"BODY", K::body}, {"CC", K::cc}, {"FROM", K::from},
    {"SUBJECT", K::subject}, {"TEXT", K::text}, {"TO", K::to},
};
constexpr Simple kDateKeys[] = {
    {"BEFORE", K::before},          {"ON", K::on},           {"SINCE", K::since},
    {"SENTBEFORE", K::sent_before}, {"SENTON", K::sent_on}, {"SENTSINCE", K::sent_since},
};

// date = date-text / DQUOTE date-text DQUOTE (RFC 9051 9).
bool parse_date(Lexer& lx, mail::CivilDate& date) {
  std::string text;
  if (lx.peek() == '"') {
    auto q = lx.string();
    if (!q) return false;
    text = std::move(*q);
  } else {
    auto a = lx.atom();
    if (!a) return false;
    text = std::string(*a);
  }
  auto d = mail::parse_imap_date(text);
  if (!d) return lx.fail("Bad date");
  date = *d;
  return true;
}

bool parse_key(Lexer& lx, SearchKey& key, const GrammarLimits& limits);

// "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer (RFC 7162 3.1.5).
bool parse_modseq(Lexer& lx, SearchKey& key) {
  key.kind = K::modseq;
  if (!lx.sp()) return false;
  if (lx.peek() == '"') {
    auto entry = lx.string();
    if (!entry || !lx.sp()) return false;
    auto type = lx.upper_atom();
    if (!type) return false;
    if (*type != "PRIV" && *type != "SHARED" && *type != "ALL") return lx.fail("Bad MODSEQ entry type");
    key.field = std::move(*entry);
    key.text = std::move(*type);
    if (!lx.sp()) return false;
  }
  auto n = lx.number64();
  if (!n) return false;
  key.number = *n;
  return true;
}

bool parse_key_inner(Lexer& lx, SearchKey& key, const GrammarLimits& limits) {
  char c = lx.peek();
  if (c == '(') {
    lx.consume('(');
    key.kind = K::all_of;
    do {
      if (key.children.size() >= limits.max_items) return lx.fail("Too many search keys");
      key.children.emplace_back();
      if (!parse_key(lx, key.children.back(), limits)) return false;
    } while (lx.consume(' '));
    return lx.expect(')');
  }
  if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
    auto set = lx.sequence_set();
    if (!set) return false;
    key.kind = K::sequence_set;
    key.set = std::move(*set);
    return true;
  }
  auto name = lx.upper_atom();
  if (!name) return false;
  for (const Simple& s : kFlagKeys) {
    if (*name == s.name) {
      key.kind = s.kind;
      return true;
    }
  }
  for (const Simple& s : kStringKeys) {
    if (*name == s.name) {
      key.kind = s.kind;
      if (!lx.sp()) return false;
      auto text = lx.astring();
      if (!text) return false;
      key.text = std::move(*text);
      return true;
    }
  }
  for (const Simple& s : kDateKeys) {
    if (*name == s.name) {
      key.kind = s.kind;
      return lx.sp() && parse_date(lx, key.date);
    }
  }
  if (*name == "KEYWORD" || *name == "UNKEYWORD") {
    key.kind = *name == "KEYWORD" ? K::keyword : K::unkeyword;
    if (!lx.sp()) return false;
    auto flag = lx.atom();  // flag-keyword = "$MDNSent" / ... / atom
    if (!flag) return false;
    key.text = std::string(*flag);
    return true;
  }
  if (*name == "HEADER") {
    key.kind = K::header;
    if (!lx.sp()) return false;
    auto field = lx.astring();
    if (!field || !lx.sp()) return false;
    auto text = lx.astring();
    if (!text) return false;
    key.field = to_upper(*field);
    key.text = std::move(*text);
    return true;
  }
  if (*name == "LARGER" || *name == "SMALLER") {
    key.kind = *name == "LARGER" ? K::larger : K::smaller;
    if (!lx.sp()) return false;
    auto n = lx.number64();
    if (!n) return false;
    key.number = *n;
    return true;
  }
  if (*name == "UID") {
    key.kind = K::uid;
    if (!lx.sp()) return false;
    auto set = lx.sequence_set();
    if (!set) return false;
    key.set = std::move(*set);
    return true;
  }
  if (*name == "NOT") {
    key.kind = K::negate;
    key.children.emplace_back();
    return lx.sp() && parse_key(lx, key.children.back(), limits);
  }
  if (*name == "OR") {
    key.kind = K::any_of;
    key.children.resize(2);
    return lx.sp() && parse_key(lx, key.children[0], limits) && lx.sp() && parse_key(lx, key.children[1], limits);
  }
  if (*name == "MODSEQ") return parse_modseq(lx, key);
  return lx.fail("Unknown search key " + *name);
}

// Every key counts one level of nesting, so NOT NOT NOT ... is bounded like parentheses.
bool parse_key(Lexer& lx, SearchKey& key, const GrammarLimits& limits) {
  if (!lx.enter()) return false;
  bool ok = parse_key_inner(lx, key, limits);
  lx.leave();
  return ok;
}

bool parse_return(Lexer& lx, Search& s) {
  std::vector<SearchReturn> options;
  if (!lx.sp() || !lx.expect('(')) return false;
  if (!lx.consume(')')) {
    do {
      auto name = lx.upper_atom();
      if (!name) return false;
      if (*name == "MIN") options.push_back(SearchReturn::min);
      else if (*name == "MAX") options.push_back(SearchReturn::max);
      else if (*name == "COUNT") options.push_back(SearchReturn::count);
      else if (*name == "ALL") options.push_back(SearchReturn::all);
      else if (*name == "SAVE") options.push_back(SearchReturn::save);
      else return lx.fail("Unknown RETURN option");
      if (options.size() > 16) return lx.fail("Too many RETURN options");
    } while (lx.consume(' '));
    if (!lx.expect(')')) return false;
  }
  s.return_options = std::move(options);
  return true;
}

}  // namespace

std::optional<CommandBody> parse_search(Lexer& lx, bool uid, const GrammarLimits& limits) {
  Search s;
  s.uid = uid;
  s.key.kind = K::all_of;
  if (!lx.sp()) return std::nullopt;
  if (lx.keyword("RETURN")) {
    if (!parse_return(lx, s) || !lx.sp()) return std::nullopt;
  }
  if (lx.keyword("CHARSET")) {
    if (!lx.sp()) return std::nullopt;
    std::string charset;
    if (lx.peek() == '"') {
      auto q = lx.string();
      if (!q) return std::nullopt;
      charset = std::move(*q);
    } else {
      auto a = lx.atom();
      if (!a) return std::nullopt;
      charset = std::string(*a);
    }
    s.charset = to_upper(charset);
    if (!lx.sp()) return std::nullopt;
  }
  do {
    if (s.key.children.size() >= limits.max_items) {
      lx.fail("Too many search keys");
      return std::nullopt;
    }
    s.key.children.emplace_back();
    if (!parse_key(lx, s.key.children.back(), limits)) return std::nullopt;
  } while (lx.consume(' '));
  return s;
}

}  // namespace roost::imap::detail
