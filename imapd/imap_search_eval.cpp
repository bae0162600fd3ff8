// SEARCH key evaluation (RFC 9051 6.4.4, RFC 3501 6.4.4, RFC 7162 3.1.5): keys that need only the
// message's metadata are checked first, a message's header or body is read only when a key still
// undecided needs it, and AND/OR stop at the first key that decides.
#include "imapd/imap_search_eval.h"

#include <algorithm>
#include <memory>

#include "common/mail/date.h"
#include "common/mail/header_fields.h"
#include "common/mail/rfc2047.h"
#include "imapd/imap_search_eval_text.h"
#include "imapd/text_search.h"

namespace roost::imap {
namespace {

using Kind = SearchKey::Kind;
constexpr std::int64_t kSecondsPerDay = 86400;

// What evaluating a key costs, in the order keys are tried.
enum class Cost { metadata = 0, header = 1, body = 2 };

Cost cost_of_leaf(Kind kind) {
  switch (kind) {
    case Kind::bcc: case Kind::cc: case Kind::from: case Kind::subject: case Kind::to: case Kind::header:
    case Kind::sent_before: case Kind::sent_on: case Kind::sent_since:
      return Cost::header;
    case Kind::body: case Kind::text:
      return Cost::body;
    default:
      return Cost::metadata;
  }
}

// Days since 1970-01-01 of a unix time. BEFORE/ON/SINCE compare the internal date's day in UTC: the
// server's time zone is UTC for this purpose (RFC 9051 6.4.4 leaves the zone to the server; Dovecot
// takes its local zone, which a server in a container usually has as UTC anyway).
std::int64_t day_of(std::int64_t unix_seconds) {
  std::int64_t day = unix_seconds / kSecondsPerDay;
  if (unix_seconds % kSecondsPerDay < 0) --day;
  return day;
}

// A key prepared for evaluation: children ordered by cost, needles folded once.
struct Node {
  const SearchKey* key = nullptr;
  Cost cost = Cost::metadata;
  std::vector<Node> children;
  std::unique_ptr<TextMatcher> needle;
  std::int64_t day = 0;  // date keys
};

Node prepare(const SearchKey& key, bool& uses_modseq) {
  Node node;
  node.key = &key;
  if (key.kind == Kind::modseq) uses_modseq = true;
  if (key.kind == Kind::all_of || key.kind == Kind::any_of || key.kind == Kind::negate) {
    for (const auto& child : key.children) {
      node.children.push_back(prepare(child, uses_modseq));
      node.cost = std::max(node.cost, node.children.back().cost);
    }
    // Cheap keys first, so AND/OR decide before any message text is read.
    std::stable_sort(node.children.begin(), node.children.end(),
                     [](const Node& a, const Node& b) { return a.cost < b.cost; });
    return node;
  }
  node.cost = cost_of_leaf(key.kind);
  switch (key.kind) {
    case Kind::bcc: case Kind::cc: case Kind::from: case Kind::subject: case Kind::to: case Kind::header:
    case Kind::body: case Kind::text:
      node.needle = std::make_unique<TextMatcher>(key.text);
      break;
    case Kind::before: case Kind::on: case Kind::since:
    case Kind::sent_before: case Kind::sent_on: case Kind::sent_since:
      node.day = mail::days_from_civil(key.date.year, key.date.month, key.date.day);
      break;
    default:
      break;
  }
  return node;
}

std::string_view field_for(const SearchKey& key) {
  switch (key.kind) {
    case Kind::bcc: return "Bcc";
    case Kind::cc: return "Cc";
    case Kind::from: return "From";
    case Kind::subject: return "Subject";
    case Kind::to: return "To";
    default: return key.field;
  }
}

bool has_keyword(const store::Flags& flags, const std::string& keyword) {
  // Keywords compare case-insensitively, as the store keeps them.
  return std::any_of(flags.keywords.begin(), flags.keywords.end(),
                     [&](const std::string& k) { return mail::header_name_equals(k, keyword); });
}

struct Evaluator {
  const SearchContext& context;
  std::vector<std::uint32_t> saved;  // sorted saved UIDs
  bool has_saved = false;

  bool in_saved(std::uint32_t uid) const {
    return has_saved && std::binary_search(saved.begin(), saved.end(), uid);
  }

  // The message's Date: day in its own zone (RFC 9051 6.4.4 SENTBEFORE: "disregarding time and
  // timezone"), or nullopt when it has no valid Date: field.
  static store::StoreResult<std::optional<std::int64_t>> sent_day(MessageText& text) {
    auto fields = text.fields();
    if (!fields.ok()) return fail(fields.error());
    const auto* date = mail::find_header_field(**fields, "Date");
    if (!date) return std::optional<std::int64_t>();
    auto parsed = mail::parse_rfc5322_date(mail::unfold_header_value(date->value));
    if (!parsed.ok()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(day_of(parsed->unix_seconds + std::int64_t{parsed->zone_minutes} * 60));
  }

  static store::StoreResult<bool> header_field_contains(MessageText& text, const Node& node) {
    auto fields = text.fields();
    if (!fields.ok()) return fail(fields.error());
    std::string_view name = field_for(*node.key);
    bool any_text = node.needle->size() == 0;  // RFC 9051 6.4.4: "" matches any message with the field
    for (const auto& field : **fields) {
      if (!mail::header_name_equals(field.name, name)) continue;
      if (any_text) return true;
      // Only the fields asked for are decoded (RFC 2047); address fields match as decoded text, display
      // names and addresses alike.
      if (node.needle->found_in(mail::decode_rfc2047(field.value))) return true;
    }
    return false;
  }

  store::StoreResult<bool> text_key(const Node& node, MessageText& text) const {
    const SearchKey& key = *node.key;
    switch (key.kind) {
      case Kind::bcc: case Kind::cc: case Kind::from: case Kind::subject: case Kind::to: case Kind::header:
        return header_field_contains(text, node);
      case Kind::sent_before: case Kind::sent_on: case Kind::sent_since: {
        auto day = sent_day(text);
        if (!day.ok()) return fail(day.error());
        if (!*day) return false;
        if (key.kind == Kind::sent_before) return **day < node.day;
        if (key.kind == Kind::sent_on) return **day == node.day;
        return **day >= node.day;
      }
      case Kind::body:
        if (node.needle->size() == 0) return true;
        return text.body_contains(*node.needle);
      case Kind::text: {
        if (node.needle->size() == 0) return true;
        auto header = text.header_contains(*node.needle);
        if (!header.ok() || *header) return header;
        return text.body_contains(*node.needle);
      }
      default:
        return false;
    }
  }

  store::StoreResult<bool> eval(const Node& node, std::uint32_t seq, const store::MessageInfo& info,
                                MessageText* text) const {
    const SearchKey& key = *node.key;
    std::uint32_t system = info.flags.system;
    switch (key.kind) {
      case Kind::all_of:
        for (const auto& child : node.children) {
          auto r = eval(child, seq, info, text);
          if (!r.ok() || !*r) return r;
        }
        return true;
      case Kind::any_of:
        for (const auto& child : node.children) {
          auto r = eval(child, seq, info, text);
          if (!r.ok() || *r) return r;
        }
        return false;
      case Kind::negate: {
        auto r = eval(node.children.front(), seq, info, text);
        if (!r.ok()) return r;
        return !*r;
      }
      case Kind::all: return true;
      case Kind::sequence_set:
        // RFC 5182 2.1: "$" as a sequence set means the messages whose UIDs were saved.
        if (key.set.saved) return in_saved(info.uid);
        return key.set.contains(seq, context.max_seq);
      case Kind::uid:
        if (key.set.saved) return in_saved(info.uid);
        return key.set.contains(info.uid, context.max_uid);
      case Kind::answered: return (system & store::kAnswered) != 0;
      case Kind::deleted: return (system & store::kDeleted) != 0;
      case Kind::draft: return (system & store::kDraft) != 0;
      case Kind::flagged: return (system & store::kFlagged) != 0;
      case Kind::seen: return (system & store::kSeen) != 0;
      case Kind::unanswered: return (system & store::kAnswered) == 0;
      case Kind::undeleted: return (system & store::kDeleted) == 0;
      case Kind::undraft: return (system & store::kDraft) == 0;
      case Kind::unflagged: return (system & store::kFlagged) == 0;
      case Kind::unseen: return (system & store::kSeen) == 0;
      // \Recent is not kept (IMAP4rev2 dropped it): no message is recent, so NEW (RECENT UNSEEN) never
      // matches and OLD (NOT RECENT) always does.
      case Kind::recent: return false;
      case Kind::new_: return false;
      case Kind::old: return true;
      case Kind::keyword: return has_keyword(info.flags, key.text);
      case Kind::unkeyword: return !has_keyword(info.flags, key.text);
      case Kind::before: return day_of(info.internal_date) < node.day;
      case Kind::on: return day_of(info.internal_date) == node.day;
      case Kind::since: return day_of(info.internal_date) >= node.day;
      case Kind::larger: return info.size >= 0 && static_cast<std::uint64_t>(info.size) > key.number;
      case Kind::smaller: return info.size >= 0 && static_cast<std::uint64_t>(info.size) < key.number;
      // RFC 7162 3.1.5: messages whose mod-sequence is equal to or greater than the value.
      case Kind::modseq: return info.modseq >= 0 && static_cast<std::uint64_t>(info.modseq) >= key.number;
      default: {
        if (!text) return false;
        auto r = text_key(node, *text);
        // The message was expunged and its blob removed since the view was taken: nothing to match.
        if (!r.ok() && r.error() == store::StoreError::not_found) return false;
        return r;
      }
    }
  }
};

}  // namespace

bool search_uses_modseq(const SearchKey& key) {
  if (key.kind == Kind::modseq) return true;
  return std::any_of(key.children.begin(), key.children.end(), [](const SearchKey& k) { return search_uses_modseq(k); });
}

bool search_charset_supported(std::string_view charset) {
  return mail::header_name_equals(charset, "UTF-8") || mail::header_name_equals(charset, "US-ASCII");
}

store::StoreResult<SearchOutcome> search_messages(store::Store& store, const SearchKey& key,
                                                  std::span<const store::MessageInfo> view,
                                                  const SearchContext& context) {
  if (context.charset && !search_charset_supported(*context.charset)) return fail(store::StoreError::invalid);
  bool uses_modseq = false;
  Node root = prepare(key, uses_modseq);
  Evaluator evaluator{context, {}, false};
  if (context.saved_uids) {
    evaluator.saved = *context.saved_uids;
    std::sort(evaluator.saved.begin(), evaluator.saved.end());
    evaluator.has_saved = true;
  }

  auto run = [&](store::Db* db) -> store::StoreResult<SearchOutcome> {
    SearchOutcome outcome;
    ScanBuffers buffers;
    for (std::size_t i = 0; i < view.size(); ++i) {
      auto seq = static_cast<std::uint32_t>(i + 1);
      std::optional<MessageText> text;
      if (db) text.emplace(*db, view[i], buffers);
      auto matched = evaluator.eval(root, seq, view[i], text ? &*text : nullptr);
      if (!matched.ok()) return fail(matched.error());
      if (!*matched) continue;
      outcome.seqs.push_back(seq);
      if (uses_modseq && view[i].modseq > 0) {
        outcome.highest_modseq = std::max(outcome.highest_modseq, static_cast<std::uint64_t>(view[i].modseq));
      }
    }
    return outcome;
  };
  // Keys on flags, sizes, dates and numbers need no store access at all.
  if (root.cost == Cost::metadata) return run(nullptr);
  return store.read<SearchOutcome>([&](store::Db& db) { return run(&db); });
}

}  // namespace roost::imap
