// Messages: delivery, APPEND, COPY/MOVE, STORE, EXPUNGE, listing and streamed reads (see messages.h).
#include "storage/messages.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>

#include "storage/mailboxes.h"
#include "storage/message_parse.h"
#include "storage/quota.h"
#include "storage/try.h"

namespace roost::store {
namespace {

constexpr std::uint32_t kMaxUid = 0xffffffffu;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Keywords deduplicated and sorted case-insensitively (RFC 9051 2.3.2: flag names are not case-sensitive).
std::vector<std::string> normalize_keywords(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& k : in) {
    auto key = lower_ascii(k);
    bool dup = std::any_of(out.begin(), out.end(), [&](const std::string& o) { return lower_ascii(o) == key; });
    if (!dup) out.push_back(k);
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return lower_ascii(a) < lower_ascii(b); });
  return out;
}

std::string join_keywords(const std::vector<std::string>& keywords) {
  std::string out;
  for (const auto& k : keywords) {
    if (!out.empty()) out += ' ';
    out += k;
  }
  return out;
}

std::vector<std::string> split_keywords(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

StoreResult<void> check_flags(const Flags& flags) {
  if (flags.system & ~kAllSystemFlags) return fail(StoreError::invalid);
  if (flags.keywords.size() > kMaxKeywords) return fail(StoreError::invalid);
  for (const auto& k : flags.keywords) {
    if (!valid_keyword(k)) return fail(StoreError::invalid);
  }
  return {};
}

// Sorted, merged ranges.
UidSet merge_ranges(UidSet set) {
  for (auto& r : set) {
    if (r.first > r.last) std::swap(r.first, r.last);  // IMAP allows "4:1"
  }
  std::sort(set.begin(), set.end(), [](const UidRange& a, const UidRange& b) { return a.first < b.first; });
  UidSet out;
  for (const auto& r : set) {
    if (!out.empty() && static_cast<std::uint64_t>(out.back().last) + 1 >= r.first) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

MessageInfo message_from_row(const Stmt& s) {
  MessageInfo m;
  m.id = s.col_int(0);
  m.mailbox_id = s.col_int(1);
  m.uid = static_cast<std::uint32_t>(s.col_int(2));
  m.modseq = s.col_int(3);
  m.flags.system = static_cast<std::uint32_t>(s.col_int(4));
  m.flags.keywords = split_keywords(s.col_text(5));
  m.internal_date = s.col_int(6);
  m.size = s.col_int(7);
  m.blob_id = s.col_int(8);
  return m;
}

constexpr const char* kMessageColumns =
    "SELECT id, mailbox_id, uid, modseq, flags, keywords, internal_date, size, blob_id FROM messages ";

std::string message_sql(const char* where) { return std::string(kMessageColumns) + where; }

struct Allocation {
  std::int64_t account_id = 0;
  std::uint32_t uidvalidity = 0;
  std::uint32_t first_uid = 0;
  std::int64_t modseq = 0;
};

// Takes `count` UIDs and one new modseq of a selectable mailbox.
StoreResult<Allocation> allocate(WriteCtx& w, std::int64_t mailbox_id, std::uint32_t count) {
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE mailboxes SET uidnext = uidnext + ?2, highest_modseq = highest_modseq + 1 "
                                 "WHERE id = ?1 AND noselect = 0 AND uidnext + ?2 <= ?3 "
                                 "RETURNING account_id, uidvalidity, uidnext - ?2, highest_modseq"));
  q->bind(1, mailbox_id).bind(2, static_cast<std::int64_t>(count)).bind(3, static_cast<std::int64_t>(kMaxUid));
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) {
    // Unknown, \Noselect, or out of UIDs (a new UIDVALIDITY would be needed: refuse instead).
    auto exists = get_mailbox(w.db, mailbox_id);
    return fail(exists.ok() ? StoreError::invalid : exists.error());
  }
  Allocation a;
  a.account_id = q->col_int(0);
  a.uidvalidity = static_cast<std::uint32_t>(q->col_int(1));
  a.first_uid = static_cast<std::uint32_t>(q->col_int(2));
  a.modseq = q->col_int(3);
  ROOST_TRY(q->run());
  w.changes.add(a.account_id, mailbox_id, a.modseq);
  return a;
}

// The blob holds prefix + bytes. With a prefix, the row gets a zero-filled value of the full size and
// both pieces are written into it, so the message is never copied to join them.
StoreResult<std::int64_t> insert_blob(WriteCtx& w, std::string_view bytes, std::string_view prefix = {}) {
  auto size = static_cast<std::int64_t>(prefix.size() + bytes.size());
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO blobs (size, created, data) VALUES (?1, ?2, ?3)"));
  q->bind(1, size).bind(2, w.now());
  if (prefix.empty()) q->bind_static_blob(3, bytes);
  else q->bind_zeroblob(3, size);
  ROOST_TRY(q->run());
  std::int64_t blob_id = w.db.last_insert_rowid();
  if (prefix.empty()) return blob_id;
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(w.db.raw(), "main", "blobs", "data", blob_id, 1, &blob);
  if (rc == SQLITE_OK) rc = sqlite3_blob_write(blob, prefix.data(), static_cast<int>(prefix.size()), 0);
  if (rc == SQLITE_OK && !bytes.empty()) {
    rc = sqlite3_blob_write(blob, bytes.data(), static_cast<int>(bytes.size()), static_cast<int>(prefix.size()));
  }
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) return fail(error_from_sqlite(rc));
  return blob_id;
}

// A blob and its message_parts row, from the parse of the bytes without the prefix.
StoreResult<std::int64_t> insert_parsed_blob(WriteCtx& w, std::string_view bytes, const mail::ParsedMessage& parsed,
                                             std::string_view prefix = {}) {
  ROOST_TRY_ASSIGN(blob_id, insert_blob(w, bytes, prefix));
  MessageParts parts = prefix.empty() ? encode_parts(parsed, blob_id)
                                      : encode_parts(with_prefix(parsed, prefix.size()), blob_id);
  ROOST_TRY(set_message_parts(w, parts));
  return blob_id;
}

StoreResult<void> insert_message(WriteCtx& w, std::int64_t mailbox_id, std::uint32_t uid, std::int64_t modseq,
                                 std::int64_t blob_id, const Flags& flags, std::int64_t internal_date,
                                 std::int64_t size) {
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO messages (mailbox_id, uid, modseq, blob_id, flags, keywords, "
                                 "internal_date, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  q->bind(1, mailbox_id).bind(2, static_cast<std::int64_t>(uid)).bind(3, modseq).bind(4, blob_id);
  q->bind(5, static_cast<std::int64_t>(flags.system)).bind(6, join_keywords(normalize_keywords(flags.keywords)));
  q->bind(7, internal_date).bind(8, size);
  return q->run();
}

StoreResult<std::vector<MessageInfo>> select_messages(Db& db, std::int64_t mailbox_id, const UidSet& uids) {
  std::vector<MessageInfo> out;
  for (const auto& r : merge_ranges(uids)) {
    ROOST_TRY_ASSIGN(q, db.query(message_sql("WHERE mailbox_id = ?1 AND uid BETWEEN ?2 AND ?3 ORDER BY uid")));
    q->bind(1, mailbox_id).bind(2, static_cast<std::int64_t>(r.first)).bind(3, static_cast<std::int64_t>(r.last));
    for (;;) {
      ROOST_TRY_ASSIGN(row, q->step());
      if (!row) break;
      out.push_back(message_from_row(*q));
    }
  }
  return out;
}

// Deletes the messages (already selected) and records them as expunged at a new modseq.
StoreResult<void> remove_messages(WriteCtx& w, std::int64_t mailbox_id, const std::vector<MessageInfo>& messages,
                                  bool give_back_quota) {
  if (messages.empty()) return {};
  ROOST_TRY_ASSIGN(modseq, bump_modseq(w, mailbox_id));
  std::int64_t bytes = 0;
  for (const auto& m : messages) {
    {
      ROOST_TRY_ASSIGN(q, w.db.query("INSERT OR REPLACE INTO expunges (mailbox_id, uid, modseq) VALUES (?1, ?2, ?3)"));
      q->bind(1, mailbox_id).bind(2, static_cast<std::int64_t>(m.uid)).bind(3, modseq);
      ROOST_TRY(q->run());
    }
    ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM messages WHERE id = ?1"));
    q->bind(1, m.id);
    ROOST_TRY(q->run());
    bytes += m.size;
  }
  if (give_back_quota) {
    ROOST_TRY_ASSIGN(mailbox, get_mailbox(w.db, mailbox_id));
    ROOST_TRY(release_quota(w, mailbox.account_id, bytes));
  }
  return {};
}

StoreResult<CopyResult> copy_impl(WriteCtx& w, std::int64_t from_mailbox, const UidSet& uids, std::int64_t to_mailbox,
                                  bool is_move) {
  ROOST_TRY_ASSIGN(source_box, get_mailbox(w.db, from_mailbox));
  ROOST_TRY_ASSIGN(dest_box, get_mailbox(w.db, to_mailbox));
  if (source_box.noselect || dest_box.noselect) return fail(StoreError::invalid);
  ROOST_TRY_ASSIGN(messages, select_messages(w.db, from_mailbox, uids));
  CopyResult result;
  result.uidvalidity = dest_box.uidvalidity;
  if (messages.empty()) return result;
  std::int64_t bytes = 0;
  for (const auto& m : messages) bytes += m.size;
  // A move within one account does not change what the account holds.
  bool same_account = source_box.account_id == dest_box.account_id;
  if (!(is_move && same_account)) ROOST_TRY(charge_quota(w, dest_box.account_id, bytes));
  ROOST_TRY_ASSIGN(alloc, allocate(w, to_mailbox, static_cast<std::uint32_t>(messages.size())));
  std::uint32_t uid = alloc.first_uid;
  for (const auto& m : messages) {
    ROOST_TRY(insert_message(w, to_mailbox, uid, alloc.modseq, m.blob_id, m.flags, m.internal_date, m.size));
    result.source.push_back(m.uid);
    result.dest.push_back(uid);
    ++uid;
  }
  if (is_move) ROOST_TRY(remove_messages(w, from_mailbox, messages, !same_account));
  return result;
}

}  // namespace

bool valid_keyword(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > kMaxKeywordLength) return false;
  for (char c : keyword) {
    auto u = static_cast<unsigned char>(c);
    // RFC 9051 9: atom-specials and non-ASCII are not allowed in a flag keyword.
    if (u <= 0x20 || u >= 0x7f || c == '(' || c == ')' || c == '{' || c == '%' || c == '*' || c == '"' ||
        c == '\\' || c == ']') {
      return false;
    }
  }
  return true;
}

StoreResult<DeliveryResult> deliver(WriteCtx& w, const Delivery& d) {
  std::int64_t internal_date = d.internal_date ? d.internal_date : w.now();
  std::optional<mail::ParsedMessage> own_parse;
  if (!d.parsed) own_parse = parse_for_store(d.bytes);
  const mail::ParsedMessage& parsed = d.parsed ? *d.parsed : *own_parse;

  // One blob per distinct prefix, made when the first target that needs it is accepted.
  std::map<std::string, std::int64_t> blobs;
  auto blob_for = [&](const std::string& prefix) -> StoreResult<std::int64_t> {
    if (auto it = blobs.find(prefix); it != blobs.end()) return it->second;
    ROOST_TRY_ASSIGN(id, insert_parsed_blob(w, d.bytes, parsed, prefix));
    blobs.emplace(prefix, id);
    return id;
  };

  DeliveryResult result;
  for (const auto& target : d.local) {
    TargetOutcome outcome;
    if (auto c = check_flags(target.flags); !c.ok()) {
      outcome.error = c.error();
      result.local.push_back(outcome);
      continue;
    }
    std::int64_t mailbox_id = 0;
    if (!target.mailbox.empty()) {
      auto m = find_mailbox(w.db, target.account_id, target.mailbox);
      if (m.ok() && !m->noselect) mailbox_id = m->id;
      else if (!m.ok() && m.error() != StoreError::not_found && m.error() != StoreError::invalid) return fail(m.error());
    }
    if (mailbox_id == 0) {
      auto inbox = find_mailbox(w.db, target.account_id, "INBOX");
      if (!inbox.ok()) {
        if (inbox.error() != StoreError::not_found) return fail(inbox.error());
        outcome.error = StoreError::not_found;
        result.local.push_back(outcome);
        continue;
      }
      mailbox_id = inbox->id;
    }
    auto size = static_cast<std::int64_t>(target.prefix.size() + d.bytes.size());
    if (auto charged = charge_quota(w, target.account_id, size, true); !charged.ok()) {
      if (charged.error() != StoreError::over_quota && charged.error() != StoreError::account_disabled &&
          charged.error() != StoreError::not_found) {
        return fail(charged.error());
      }
      outcome.error = charged.error();
      result.local.push_back(outcome);
      continue;
    }
    ROOST_TRY_ASSIGN(blob_id, blob_for(target.prefix));
    if (result.blob_id == 0) result.blob_id = blob_id;
    ROOST_TRY_ASSIGN(alloc, allocate(w, mailbox_id, 1));
    ROOST_TRY(insert_message(w, mailbox_id, alloc.first_uid, alloc.modseq, blob_id, target.flags, internal_date, size));
    outcome.mailbox_id = mailbox_id;
    outcome.uid = alloc.first_uid;
    result.local.push_back(outcome);
  }
  if (!d.outbound.empty()) {
    ROOST_TRY_ASSIGN(blob_id, blob_for(std::string()));
    if (result.blob_id == 0) result.blob_id = blob_id;
    for (const auto& target : d.outbound) {
      ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO queue (blob_id, sender, recipient, created, next_attempt) "
                                     "VALUES (?1, ?2, ?3, ?4, ?4)"));
      q->bind(1, blob_id).bind(2, d.sender).bind(3, target.recipient).bind(4, w.now());
      ROOST_TRY(q->run());
      result.queue_ids.push_back(w.db.last_insert_rowid());
    }
  }
  return result;
}

StoreResult<AppendResult> append(WriteCtx& w, std::int64_t mailbox_id, std::string_view bytes, const Flags& flags,
                                 std::int64_t internal_date, const mail::ParsedMessage* parsed) {
  ROOST_TRY(check_flags(flags));
  ROOST_TRY_ASSIGN(mailbox, get_mailbox(w.db, mailbox_id));
  if (mailbox.noselect) return fail(StoreError::invalid);
  auto size = static_cast<std::int64_t>(bytes.size());
  ROOST_TRY(charge_quota(w, mailbox.account_id, size));
  std::optional<mail::ParsedMessage> own_parse;
  if (!parsed) own_parse = parse_for_store(bytes);
  ROOST_TRY_ASSIGN(blob_id, insert_parsed_blob(w, bytes, parsed ? *parsed : *own_parse));
  ROOST_TRY_ASSIGN(alloc, allocate(w, mailbox_id, 1));
  ROOST_TRY(insert_message(w, mailbox_id, alloc.first_uid, alloc.modseq, blob_id, flags,
                           internal_date ? internal_date : w.now(), size));
  return AppendResult{alloc.uidvalidity, alloc.first_uid, blob_id};
}

StoreResult<CopyResult> copy_messages(WriteCtx& w, std::int64_t from_mailbox, const UidSet& uids,
                                      std::int64_t to_mailbox) {
  return copy_impl(w, from_mailbox, uids, to_mailbox, false);
}

StoreResult<CopyResult> move_messages(WriteCtx& w, std::int64_t from_mailbox, const UidSet& uids,
                                      std::int64_t to_mailbox) {
  if (from_mailbox == to_mailbox) return fail(StoreError::invalid);
  return copy_impl(w, from_mailbox, uids, to_mailbox, true);
}

StoreResult<StoreFlagsResult> store_flags(WriteCtx& w, std::int64_t mailbox_id, const UidSet& uids, FlagOp op,
                                          const Flags& flags, std::optional<std::int64_t> unchanged_since) {
  ROOST_TRY(check_flags(flags));
  ROOST_TRY_ASSIGN(messages, select_messages(w.db, mailbox_id, uids));
  StoreFlagsResult result;
  std::vector<MessageInfo> to_change;
  auto wanted = normalize_keywords(flags.keywords);
  for (auto& m : messages) {
    if (unchanged_since && m.modseq > *unchanged_since) {
      result.failed.push_back(m.uid);
      continue;
    }
    Flags next = m.flags;
    switch (op) {
      case FlagOp::set:
        next.system = flags.system;
        next.keywords = wanted;
        break;
      case FlagOp::add:
        next.system |= flags.system;
        next.keywords.insert(next.keywords.end(), wanted.begin(), wanted.end());
        break;
      case FlagOp::remove:
        next.system &= ~flags.system;
        std::erase_if(next.keywords, [&](const std::string& k) {
          return std::any_of(wanted.begin(), wanted.end(),
                             [&](const std::string& x) { return lower_ascii(x) == lower_ascii(k); });
        });
        break;
    }
    next.keywords = normalize_keywords(next.keywords);
    if (next.keywords.size() > kMaxKeywords) return fail(StoreError::invalid);
    if (next == m.flags) continue;
    m.flags = std::move(next);
    to_change.push_back(std::move(m));
  }
  if (to_change.empty()) return result;
  ROOST_TRY_ASSIGN(modseq, bump_modseq(w, mailbox_id));
  for (auto& m : to_change) {
    ROOST_TRY_ASSIGN(q, w.db.query("UPDATE messages SET flags = ?2, keywords = ?3, modseq = ?4 WHERE id = ?1"));
    q->bind(1, m.id).bind(2, static_cast<std::int64_t>(m.flags.system)).bind(3, join_keywords(m.flags.keywords));
    q->bind(4, modseq);
    ROOST_TRY(q->run());
    m.modseq = modseq;
  }
  result.changed = std::move(to_change);
  return result;
}

StoreResult<std::vector<std::uint32_t>> expunge(WriteCtx& w, std::int64_t mailbox_id, std::optional<UidSet> uids) {
  ROOST_TRY_ASSIGN(messages, select_messages(w.db, mailbox_id, uids ? *uids : all_uids()));
  std::erase_if(messages, [](const MessageInfo& m) { return (m.flags.system & kDeleted) == 0; });
  ROOST_TRY(remove_messages(w, mailbox_id, messages, true));
  std::vector<std::uint32_t> out;
  for (const auto& m : messages) out.push_back(m.uid);
  return out;
}

StoreResult<std::vector<MessageInfo>> list_messages(Db& db, std::int64_t mailbox_id, const UidSet& uids) {
  return select_messages(db, mailbox_id, uids);
}

StoreResult<MessageInfo> get_message(Db& db, std::int64_t mailbox_id, std::uint32_t uid) {
  ROOST_TRY_ASSIGN(q, db.query(message_sql("WHERE mailbox_id = ?1 AND uid = ?2")));
  q->bind(1, mailbox_id).bind(2, static_cast<std::int64_t>(uid));
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return message_from_row(*q);
}

StoreResult<std::vector<MessageInfo>> changed_since(Db& db, std::int64_t mailbox_id, std::int64_t since) {
  ROOST_TRY_ASSIGN(q, db.query(message_sql("WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid")));
  q->bind(1, mailbox_id).bind(2, since);
  std::vector<MessageInfo> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(message_from_row(*q));
  }
  return out;
}

StoreResult<std::vector<std::uint32_t>> expunged_since(Db& db, std::int64_t mailbox_id, std::int64_t since) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT uid FROM expunges WHERE mailbox_id = ?1 AND modseq > ?2 ORDER BY uid"));
  q->bind(1, mailbox_id).bind(2, since);
  std::vector<std::uint32_t> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(static_cast<std::uint32_t>(q->col_int(0)));
  }
  return out;
}

// --- streamed reads

StoreResult<std::unique_ptr<BlobStream>> BlobStream::open(Db& db, std::int64_t blob_id) {
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(db.raw(), "main", "blobs", "data", blob_id, 0, &blob);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob);
    // SQLITE_ERROR: no such row.
    if ((rc & 0xff) == SQLITE_ERROR) return fail(StoreError::not_found);
    return fail(error_from_sqlite(rc));
  }
  return std::unique_ptr<BlobStream>(new BlobStream(blob, sqlite3_blob_bytes(blob)));
}

BlobStream::~BlobStream() { sqlite3_blob_close(blob_); }

StoreResult<std::size_t> BlobStream::read(std::int64_t offset, std::span<char> out) {
  if (offset < 0) return fail(StoreError::invalid);
  if (offset >= size_ || out.empty()) return std::size_t{0};
  std::int64_t n = std::min<std::int64_t>(static_cast<std::int64_t>(out.size()), size_ - offset);
  int rc = sqlite3_blob_read(blob_, out.data(), static_cast<int>(n), static_cast<int>(offset));
  if (rc != SQLITE_OK) return fail(rc == SQLITE_ABORT ? StoreError::not_found : error_from_sqlite(rc));
  return static_cast<std::size_t>(n);
}

StoreResult<std::string> read_blob(Db& db, std::int64_t blob_id) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT data FROM blobs WHERE id = ?1"));
  q->bind(1, blob_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return q->col_blob(0);
}

// --- parsed data

StoreResult<void> set_message_parts(WriteCtx& w, const MessageParts& parts) {
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT OR REPLACE INTO message_parts (blob_id, parser_version, envelope, "
                                 "body_structure, part_offsets) VALUES (?1, ?2, ?3, ?4, ?5)"));
  q->bind(1, parts.blob_id).bind(2, static_cast<std::int64_t>(parts.parser_version));
  q->bind_blob(3, parts.envelope).bind_blob(4, parts.body_structure).bind_blob(5, parts.part_offsets);
  auto r = q->run();
  // A foreign key failure means the blob is gone.
  if (!r.ok() && r.error() == StoreError::invalid) return fail(StoreError::not_found);
  return r;
}

StoreResult<MessageParts> get_message_parts(Db& db, std::int64_t blob_id) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT parser_version, envelope, body_structure, part_offsets FROM message_parts "
                               "WHERE blob_id = ?1"));
  q->bind(1, blob_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  MessageParts p;
  p.blob_id = blob_id;
  p.parser_version = static_cast<int>(q->col_int(0));
  p.envelope = q->col_blob(1);
  p.body_structure = q->col_blob(2);
  p.part_offsets = q->col_blob(3);
  return p;
}

}  // namespace roost::store
