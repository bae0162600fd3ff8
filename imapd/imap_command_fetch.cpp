// The message commands of the selected state: FETCH (every data item, BODY[section]<partial>,
// BINARY (RFC 3516), CONDSTORE/QRESYNC modifiers), STORE (UNCHANGEDSINCE), COPY and MOVE.
#include "imapd/imap_command_parts.h"

namespace roost::imap::detail {
namespace {

using Kind = FetchItem::Kind;

// A fetch-att name: letters, digits, "." and "-" up to "[", SP, ")" or the end.
std::string item_name(Lexer& lx) {
  std::string name;
  while (true) {
    char c = lx.peek();
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok || lx.at_end()) break;
    lx.consume(c);
    name += c;
  }
  return to_upper(name);
}

// section-part = nz-number *("." nz-number); returns false on error. Stops before a "." that is
// followed by a section-text.
bool parse_section_part(Lexer& lx, std::vector<std::uint32_t>& part) {
  while (lx.peek() >= '0' && lx.peek() <= '9') {
    auto n = lx.nz_number();
    if (!n) return false;
    if (part.size() >= 100) return lx.fail("Section part too deep");
    part.push_back(*n);
    if (lx.peek() != '.') break;
    lx.consume('.');
    if (!(lx.peek() >= '0' && lx.peek() <= '9')) return true;  // "1.HEADER": the text follows
  }
  return true;
}

// section = "[" [section-spec] "]" (RFC 9051 9).
bool parse_section(Lexer& lx, BodySection& s, const GrammarLimits& limits) {
  if (!lx.expect('[')) return false;
  if (lx.consume(']')) return true;
  if (lx.peek() >= '0' && lx.peek() <= '9') {
    if (!parse_section_part(lx, s.part)) return false;
    if (lx.consume(']')) return true;
  }
  using Text = BodySection::Text;
  if (lx.keyword("HEADER.FIELDS.NOT")) {
    s.text = Text::header_fields_not;
  } else if (lx.keyword("HEADER.FIELDS")) {
    s.text = Text::header_fields;
  } else if (lx.keyword("HEADER")) {
    s.text = Text::header;
  } else if (lx.keyword("TEXT")) {
    s.text = Text::text;
  } else if (lx.keyword("MIME")) {
    // RFC 9051 6.4.5: MIME only follows a part number.
    if (s.part.empty()) return lx.fail("MIME needs a part number");
    s.text = Text::mime;
  } else {
    return lx.fail("Bad section");
  }
  if (s.text == Text::header_fields || s.text == Text::header_fields_not) {
    if (!lx.sp() || !lx.expect('(')) return false;
    do {
      auto field = lx.astring();
      if (!field) return false;
      if (s.fields.size() >= limits.max_items) return lx.fail("Too many header fields");
      s.fields.push_back(to_upper(*field));
    } while (lx.consume(' '));
    if (!lx.expect(')')) return false;
  }
  return lx.expect(']');
}

// partial = "<" number "." nz-number ">" (RFC 9051 9).
bool parse_partial(Lexer& lx, std::optional<Partial>& partial) {
  if (!lx.consume('<')) return true;
  auto offset = lx.number();
  if (!offset || !lx.expect('.')) return false;
  auto length = lx.nz_number();
  if (!length || !lx.expect('>')) return false;
  partial = Partial{*offset, *length};
  return true;
}

bool parse_fetch_att(Lexer& lx, std::vector<FetchItem>& items, const GrammarLimits& limits) {
  std::string name = item_name(lx);
  FetchItem item;
  if (name == "ENVELOPE") item.kind = Kind::envelope;
  else if (name == "FLAGS") item.kind = Kind::flags;
  else if (name == "INTERNALDATE") item.kind = Kind::internal_date;
  else if (name == "RFC822") item.kind = Kind::rfc822;
  else if (name == "RFC822.HEADER") item.kind = Kind::rfc822_header;
  else if (name == "RFC822.SIZE") item.kind = Kind::rfc822_size;
  else if (name == "RFC822.TEXT") item.kind = Kind::rfc822_text;
  else if (name == "BODYSTRUCTURE") item.kind = Kind::body_structure;
  else if (name == "UID") item.kind = Kind::uid;
  else if (name == "MODSEQ") item.kind = Kind::modseq;  // RFC 7162 3.1.4
  else if (name == "BODY" || name == "BODY.PEEK") {
    item.peek = name == "BODY.PEEK";
    if (lx.peek() != '[') {
      if (item.peek) return lx.fail("BODY.PEEK needs a section");
      item.kind = Kind::body_structure_basic;
    } else {
      item.kind = Kind::body_section;
      if (!parse_section(lx, item.section, limits) || !parse_partial(lx, item.partial)) return false;
    }
  } else if (name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE") {
    // RFC 3516 4.1: section-binary = "[" [section-part] "]"; BINARY.SIZE has no partial.
    item.kind = name == "BINARY.SIZE" ? Kind::binary_size : Kind::binary;
    item.peek = name == "BINARY.PEEK";
    if (!lx.expect('[')) return false;
    if (!lx.consume(']')) {
      if (!parse_section_part(lx, item.section.part) || !lx.expect(']')) return false;
    }
    if (item.kind == Kind::binary && !parse_partial(lx, item.partial)) return false;
  } else {
    return lx.fail(name.empty() ? "Expected a fetch item" : "Unknown fetch item " + name);
  }
  if (items.size() >= limits.max_items) return lx.fail("Too many fetch items");
  items.push_back(std::move(item));
  return true;
}

void add_macro(std::vector<FetchItem>& items, std::initializer_list<Kind> kinds) {
  for (Kind k : kinds) {
    FetchItem item;
    item.kind = k;
    items.push_back(item);
  }
}

bool parse_fetch_modifiers(Lexer& lx, Fetch& f) {
  if (!lx.expect('(')) return false;
  do {
    if (lx.keyword("CHANGEDSINCE")) {  // RFC 7162 3.1.4.1
      if (!lx.sp()) return false;
      auto modseq = lx.number64();
      if (!modseq) return false;
      f.changed_since = *modseq;
    } else if (lx.keyword("VANISHED")) {
      f.vanished = true;
    } else {
      return lx.fail("Unknown FETCH modifier");
    }
  } while (lx.consume(' '));
  if (!lx.expect(')')) return false;
  // RFC 7162 3.2.6: VANISHED only in UID FETCH and only with CHANGEDSINCE; BAD otherwise.
  if (f.vanished && (!f.uid || !f.changed_since)) return lx.fail("VANISHED needs UID FETCH and CHANGEDSINCE");
  return true;
}

}  // namespace

std::optional<CommandBody> parse_fetch(Lexer& lx, bool uid, const GrammarLimits& limits) {
  Fetch f;
  f.uid = uid;
  if (!lx.sp()) return std::nullopt;
  auto set = lx.sequence_set();
  if (!set || !lx.sp()) return std::nullopt;
  f.set = std::move(*set);
  // RFC 9051 6.4.5: the macros ALL, FAST and FULL stand alone.
  if (lx.keyword("ALL")) {
    add_macro(f.items, {Kind::flags, Kind::internal_date, Kind::rfc822_size, Kind::envelope});
  } else if (lx.keyword("FAST")) {
    add_macro(f.items, {Kind::flags, Kind::internal_date, Kind::rfc822_size});
  } else if (lx.keyword("FULL")) {
    add_macro(f.items, {Kind::flags, Kind::internal_date, Kind::rfc822_size, Kind::envelope,
                        Kind::body_structure_basic});
  } else if (lx.consume('(')) {
    do {
      if (!parse_fetch_att(lx, f.items, limits)) return std::nullopt;
    } while (lx.consume(' '));
    if (!lx.expect(')')) return std::nullopt;
  } else if (!parse_fetch_att(lx, f.items, limits)) {
    return std::nullopt;
  }
  if (lx.consume(' ') && !parse_fetch_modifiers(lx, f)) return std::nullopt;
  return f;
}

std::optional<CommandBody> parse_store(Lexer& lx, bool uid, const GrammarLimits& limits) {
  Store s;
  s.uid = uid;
  if (!lx.sp()) return std::nullopt;
  auto set = lx.sequence_set();
  if (!set || !lx.sp()) return std::nullopt;
  s.set = std::move(*set);
  if (lx.consume('(')) {  // RFC 7162 3.1.3
    if (!lx.keyword("UNCHANGEDSINCE") || !lx.sp()) {
      lx.fail("Unknown STORE modifier");
      return std::nullopt;
    }
    auto modseq = lx.number64();
    if (!modseq || !lx.expect(')') || !lx.sp()) return std::nullopt;
    s.unchanged_since = *modseq;
  }
  if (lx.consume('+')) s.mode = Store::Mode::add;
  else if (lx.consume('-')) s.mode = Store::Mode::remove;
  if (lx.keyword("FLAGS.SILENT")) {
    s.silent = true;
  } else if (!lx.keyword("FLAGS")) {
    lx.fail("Expected FLAGS");
    return std::nullopt;
  }
  if (!lx.sp()) return std::nullopt;
  if (lx.peek() == '(') {
    auto flags = lx.flag_list();
    if (!flags) return std::nullopt;
    s.flags = std::move(*flags);
  } else {
    do {
      auto f = lx.flag();
      if (!f) return std::nullopt;
      if (s.flags.size() >= limits.max_items) {
        lx.fail("Too many flags");
        return std::nullopt;
      }
      s.flags.push_back(std::move(*f));
    } while (lx.consume(' '));
  }
  return s;
}

std::optional<CommandBody> parse_copy(Lexer& lx, bool uid, bool move) {
  Copy c;
  c.uid = uid;
  c.move = move;
  if (!lx.sp()) return std::nullopt;
  auto set = lx.sequence_set();
  if (!set || !lx.sp()) return std::nullopt;
  auto mailbox = lx.astring();
  if (!mailbox) return std::nullopt;
  c.set = std::move(*set);
  c.mailbox = std::move(*mailbox);
  return c;
}

}  // namespace roost::imap::detail
