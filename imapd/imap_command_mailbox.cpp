// The mailbox commands of the authenticated state (RFC 9051 6.3): SELECT/EXAMINE with CONDSTORE and
// QRESYNC parameters, CREATE with USE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (LIST-EXTENDED,
// LIST-STATUS, SPECIAL-USE), LSUB, STATUS, APPEND (BINARY, MULTIAPPEND), GETQUOTA, GETQUOTAROOT.
#include "imapd/imap_command_parts.h"

namespace roost::imap::detail {
namespace {

std::optional<std::string> mailbox_arg(Lexer& lx) {
  if (!lx.sp()) return std::nullopt;
  return lx.astring();
}

// seq-match-data = "(" known-sequence-set SP known-uid-set ")"; known-uids: "*" is not allowed
// (RFC 7162 7).
bool no_star(Lexer& lx, const SequenceSet& set) {
  for (const SeqRange& r : set.ranges) {
    if (r.first == kLargest || r.last == kLargest) return lx.fail("\"*\" is not allowed here");
  }
  return true;
}

std::optional<QresyncParams> parse_qresync(Lexer& lx) {
  QresyncParams q;
  if (!lx.sp() || !lx.expect('(')) return std::nullopt;
  auto uidvalidity = lx.nz_number();
  if (!uidvalidity || !lx.sp()) return std::nullopt;
  auto modseq = lx.mod_sequence_value();
  if (!modseq) return std::nullopt;
  q.uidvalidity = *uidvalidity;
  q.modseq = *modseq;
  if (lx.consume(' ') && lx.peek() != '(') {
    auto known = lx.sequence_set(false);
    if (!known || !no_star(lx, *known)) return std::nullopt;
    q.known_uids = std::move(*known);
    if (!lx.consume(' ') && lx.peek() != ')') {
      lx.fail("Bad QRESYNC parameters");
      return std::nullopt;
    }
  }
  if (lx.consume('(')) {
    auto seqs = lx.sequence_set(false);
    if (!seqs || !no_star(lx, *seqs) || !lx.sp()) return std::nullopt;
    auto uids = lx.sequence_set(false);
    if (!uids || !no_star(lx, *uids) || !lx.expect(')')) return std::nullopt;
    q.seq_match = std::make_pair(std::move(*seqs), std::move(*uids));
  }
  if (!lx.expect(')')) return std::nullopt;
  return q;
}

std::optional<CommandBody> parse_select(Lexer& lx, bool read_only) {
  Select s;
  s.read_only = read_only;
  auto mailbox = mailbox_arg(lx);
  if (!mailbox) return std::nullopt;
  s.mailbox = std::move(*mailbox);
  if (!lx.consume(' ')) return s;
  if (!lx.expect('(')) return std::nullopt;
  do {
    if (lx.keyword("CONDSTORE")) {
      s.condstore = true;
    } else if (lx.keyword("QRESYNC")) {
      if (s.qresync) {
        lx.fail("QRESYNC given twice");
        return std::nullopt;
      }
      s.qresync = parse_qresync(lx);
      if (!s.qresync) return std::nullopt;
    } else {
      lx.fail("Unknown SELECT parameter");
      return std::nullopt;
    }
  } while (lx.consume(' '));
  if (!lx.expect(')')) return std::nullopt;
  return s;
}

std::optional<CommandBody> parse_create(Lexer& lx) {
  Create c;
  auto mailbox = mailbox_arg(lx);
  if (!mailbox) return std::nullopt;
  c.mailbox = std::move(*mailbox);
  if (!lx.consume(' ')) return c;
  // RFC 6154 3 / RFC 4466 2.2: create-param = "USE" SP "(" [use-attr *(SP use-attr)] ")".
  if (!lx.expect('(')) return std::nullopt;
  if (!lx.keyword("USE")) {
    lx.fail("Unknown CREATE parameter");
    return std::nullopt;
  }
  if (!lx.sp()) return std::nullopt;
  auto uses = lx.flag_list();
  if (!uses || !lx.expect(')')) return std::nullopt;
  c.special_use = std::move(*uses);
  return c;
}

// Selection options (RFC 5258 3.1, RFC 6154 3).
bool parse_list_selection(Lexer& lx, List& l) {
  if (!lx.expect('(')) return false;
  if (!lx.consume(')')) {
    do {
      if (lx.keyword("SUBSCRIBED")) l.subscribed = true;
      else if (lx.keyword("REMOTE")) l.remote = true;
      else if (lx.keyword("RECURSIVEMATCH")) l.recursive_match = true;
      else if (lx.keyword("SPECIAL-USE")) l.special_use = true;
      else return lx.fail("Unknown LIST selection option");  // RFC 5258 3: BAD for unknown options
    } while (lx.consume(' '));
    if (!lx.expect(')')) return false;
  }
  // RFC 5258 3.1: RECURSIVEMATCH alone is a syntax error; it only modifies another option.
  if (l.recursive_match && !l.subscribed && !l.special_use) return lx.fail("RECURSIVEMATCH needs another option");
  return lx.sp();
}

bool parse_list_return(Lexer& lx, List& l, const GrammarLimits& limits) {
  if (!lx.keyword("RETURN") || !lx.sp() || !lx.expect('(')) return lx.fail("Expected RETURN options");
  if (lx.consume(')')) return true;
  do {
    if (lx.keyword("SUBSCRIBED")) {
      l.return_subscribed = true;
    } else if (lx.keyword("CHILDREN")) {
      l.return_children = true;
    } else if (lx.keyword("SPECIAL-USE")) {
      l.return_special_use = true;
    } else if (lx.keyword("STATUS")) {  // RFC 5819 2
      if (!lx.sp()) return false;
      auto items = parse_status_items(lx, limits);
      if (!items) return false;
      l.return_status = std::move(*items);
    } else {
      return lx.fail("Unknown LIST return option");
    }
  } while (lx.consume(' '));
  return lx.expect(')');
}

std::optional<CommandBody> parse_list(Lexer& lx, const GrammarLimits& limits) {
  List l;
  if (!lx.sp()) return std::nullopt;
  if (lx.peek() == '(' && !parse_list_selection(lx, l)) return std::nullopt;
  auto reference = lx.astring();
  if (!reference || !lx.sp()) return std::nullopt;
  l.reference = std::move(*reference);
  if (lx.consume('(')) {  // RFC 5258 3: several patterns
    do {
      auto p = lx.list_mailbox();
      if (!p) return std::nullopt;
      if (l.patterns.size() >= limits.max_items) {
        lx.fail("Too many patterns");
        return std::nullopt;
      }
      l.patterns.push_back(std::move(*p));
    } while (lx.consume(' '));
    if (!lx.expect(')')) return std::nullopt;
  } else {
    auto p = lx.list_mailbox();
    if (!p) return std::nullopt;
    l.patterns.push_back(std::move(*p));
  }
  if (lx.consume(' ') && !parse_list_return(lx, l, limits)) return std::nullopt;
  return l;
}

std::optional<CommandBody> parse_lsub(Lexer& lx) {
  List l;
  l.lsub = true;
  auto reference = mailbox_arg(lx);
  if (!reference || !lx.sp()) return std::nullopt;
  auto p = lx.list_mailbox();
  if (!p) return std::nullopt;
  l.reference = std::move(*reference);
  l.patterns.push_back(std::move(*p));
  return l;
}

std::optional<CommandBody> parse_status(Lexer& lx, const GrammarLimits& limits) {
  Status s;
  auto mailbox = mailbox_arg(lx);
  if (!mailbox || !lx.sp()) return std::nullopt;
  auto items = parse_status_items(lx, limits);
  if (!items) return std::nullopt;
  s.mailbox = std::move(*mailbox);
  s.items = std::move(*items);
  return s;
}

// append = "APPEND" SP mailbox 1*append-message (RFC 3502 6; RFC 9051 9 allows one message):
// append-message = SP [flag-list SP] [date-time SP] literal / literal8 (RFC 3516 4.3).
std::optional<CommandBody> parse_append(Lexer& lx) {
  Append a;
  auto mailbox = mailbox_arg(lx);
  if (!mailbox) return std::nullopt;
  a.mailbox = std::move(*mailbox);
  do {
    if (!lx.sp()) return std::nullopt;
    AppendMessage m;
    if (lx.peek() == '(') {
      auto flags = lx.flag_list();
      if (!flags || !lx.sp()) return std::nullopt;
      m.flags = std::move(*flags);
    }
    if (lx.peek() == '"') {
      auto date = lx.string();
      if (!date) return std::nullopt;
      auto parsed = mail::parse_imap_date_time(*date);
      if (!parsed) {
        lx.fail("Bad date-time");
        return std::nullopt;
      }
      m.internal_date = *parsed;
      if (!lx.sp()) return std::nullopt;
    }
    if (lx.peek() != '{' && lx.peek() != '~') {
      lx.fail("Expected the message as a literal");
      return std::nullopt;
    }
    auto data = lx.string(true, &m.binary);
    if (!data) return std::nullopt;
    m.data = std::move(*data);
    a.messages.push_back(std::move(m));
  } while (!lx.at_end());
  return a;
}

}  // namespace

std::optional<std::vector<StatusItem>> parse_status_items(Lexer& lx, const GrammarLimits& limits) {
  std::vector<StatusItem> items;
  if (!lx.expect('(')) return std::nullopt;
  do {
    auto name = lx.upper_atom();
    if (!name) return std::nullopt;
    StatusItem item;
    if (*name == "MESSAGES") item = StatusItem::messages;
    else if (*name == "UIDNEXT") item = StatusItem::uidnext;
    else if (*name == "UIDVALIDITY") item = StatusItem::uidvalidity;
    else if (*name == "UNSEEN") item = StatusItem::unseen;
    else if (*name == "DELETED") item = StatusItem::deleted;  // RFC 9051 6.3.11
    else if (*name == "SIZE") item = StatusItem::size;        // RFC 8438
    else if (*name == "RECENT") item = StatusItem::recent;    // RFC 3501 only
    else if (*name == "HIGHESTMODSEQ") item = StatusItem::highestmodseq;  // RFC 7162 3.1.9
    else if (*name == "APPENDLIMIT") item = StatusItem::appendlimit;      // RFC 7889 3
    else {
      lx.fail("Unknown STATUS item");
      return std::nullopt;
    }
    if (items.size() >= limits.max_items) {
      lx.fail("Too many STATUS items");
      return std::nullopt;
    }
    items.push_back(item);
  } while (lx.consume(' '));
  if (!lx.expect(')')) return std::nullopt;
  return items;
}

std::optional<CommandBody> parse_mailbox_command(std::string_view name, Lexer& lx, const GrammarLimits& limits) {
  if (name == "SELECT" || name == "EXAMINE") return parse_select(lx, name == "EXAMINE");
  if (name == "CREATE") return parse_create(lx);
  if (name == "DELETE") {
    auto m = mailbox_arg(lx);
    if (!m) return std::nullopt;
    return Delete{std::move(*m)};
  }
  if (name == "RENAME") {
    auto from = mailbox_arg(lx);
    if (!from) return std::nullopt;
    auto to = mailbox_arg(lx);
    if (!to) return std::nullopt;
    return Rename{std::move(*from), std::move(*to)};
  }
  if (name == "SUBSCRIBE" || name == "UNSUBSCRIBE") {
    auto m = mailbox_arg(lx);
    if (!m) return std::nullopt;
    return Subscribe{std::move(*m), name == "SUBSCRIBE"};
  }
  if (name == "LIST") return parse_list(lx, limits);
  if (name == "LSUB") return parse_lsub(lx);
  if (name == "STATUS") return parse_status(lx, limits);
  if (name == "APPEND") return parse_append(lx);
  if (name == "GETQUOTA") {  // RFC 9208 4.2
    auto root = mailbox_arg(lx);
    if (!root) return std::nullopt;
    return GetQuota{std::move(*root)};
  }
  if (name == "GETQUOTAROOT") {
    auto m = mailbox_arg(lx);
    if (!m) return std::nullopt;
    return GetQuotaRoot{std::move(*m)};
  }
  lx.fail("Unknown command");
  return std::nullopt;
}

}  // namespace roost::imap::detail
