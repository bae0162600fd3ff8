// Mailboxes: hierarchy, special-use, subscriptions and the UID/MODSEQ counters (see mailboxes.h).
#include "storage/mailboxes.h"

#include <algorithm>
#include <set>

#include "storage/messages.h"
#include "storage/quota.h"
#include "storage/try.h"

namespace roost::store {
namespace {

constexpr const char* kMailboxColumns =
    "SELECT m.id, m.account_id, m.name, m.special_use, m.uidvalidity, m.uidnext, m.highest_modseq, m.noselect, "
    "EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = m.account_id AND s.name = m.name) "
    "FROM mailboxes m ";

std::string mailbox_sql(const char* where) { return std::string(kMailboxColumns) + where; }

Mailbox mailbox_from_row(const Stmt& s) {
  Mailbox m;
  m.id = s.col_int(0);
  m.account_id = s.col_int(1);
  m.name = s.col_text(2);
  m.special_use = s.col_text(3);
  m.uidvalidity = static_cast<std::uint32_t>(s.col_int(4));
  m.uidnext = static_cast<std::uint32_t>(s.col_int(5));
  m.highest_modseq = s.col_int(6);
  m.noselect = s.col_int(7) != 0;
  m.subscribed = s.col_int(8) != 0;
  return m;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629 3).
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool valid_special_use(std::string_view s) {
  static constexpr std::string_view kKnown[] = {"",       "\\All",  "\\Archive", "\\Drafts",
                                                "\\Flagged", "\\Junk", "\\Sent",    "\\Trash"};
  return std::find(std::begin(kKnown), std::end(kKnown), s) != std::end(kKnown);
}

// Rows of the account whose name is `name` + "/" + anything: the range ["name/", "name0") on the
// unique index ('0' follows '/' in ASCII), so no LIKE and no escaping.
constexpr const char* kChildrenRange = "name > ?2 || '/' AND name < ?2 || '0'";

StoreResult<bool> has_children(Db& db, std::int64_t account_id, const std::string& name) {
  ROOST_TRY_ASSIGN(q, db.query(std::string("SELECT 1 FROM mailboxes WHERE account_id = ?1 AND ") + kChildrenRange +
                               " LIMIT 1"));
  q->bind(1, account_id).bind(2, name);
  ROOST_TRY_ASSIGN(row, q->step());
  return row;
}

StoreResult<std::uint32_t> next_uidvalidity(WriteCtx& w, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE accounts SET last_uidvalidity = max(last_uidvalidity + 1, ?2) "
                                 "WHERE id = ?1 RETURNING last_uidvalidity"));
  q->bind(1, account_id).bind(2, w.now());
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  auto v = q->col_int(0);
  ROOST_TRY(q->run());
  if (v <= 0 || v > 0xffffffffLL) return fail(StoreError::invalid);
  return static_cast<std::uint32_t>(v);
}

StoreResult<std::int64_t> insert_mailbox(WriteCtx& w, std::int64_t account_id, const std::string& name,
                                         std::string_view special_use) {
  ROOST_TRY_ASSIGN(uidvalidity, next_uidvalidity(w, account_id));
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO mailboxes (account_id, name, special_use, uidvalidity, created) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)"));
  q->bind(1, account_id).bind(2, name).bind(3, special_use).bind(4, static_cast<std::int64_t>(uidvalidity));
  q->bind(5, w.now());
  ROOST_TRY(q->run());
  return w.db.last_insert_rowid();
}

// Creates every missing parent of `name` (not `name` itself) as a plain mailbox.
StoreResult<void> create_parents(WriteCtx& w, std::int64_t account_id, const std::string& name) {
  for (std::size_t pos = name.find(kHierarchyDelimiter); pos != std::string::npos;
       pos = name.find(kHierarchyDelimiter, pos + 1)) {
    std::string parent = name.substr(0, pos);
    auto existing = find_mailbox(w.db, account_id, parent);
    if (existing.ok()) continue;
    if (existing.error() != StoreError::not_found) return fail(existing.error());
    ROOST_TRY(insert_mailbox(w, account_id, parent, ""));
  }
  return {};
}

// Removes every message of the mailbox, giving the bytes back to the quota. No expunge records:
// the mailbox itself goes away or becomes \Noselect.
StoreResult<void> clear_messages(WriteCtx& w, const Mailbox& mailbox) {
  std::int64_t bytes = 0;
  {
    ROOST_TRY_ASSIGN(q, w.db.query("SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox_id = ?1"));
    q->bind(1, mailbox.id);
    ROOST_TRY(q->step());
    bytes = q->col_int(0);
  }
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM messages WHERE mailbox_id = ?1"));
  q->bind(1, mailbox.id);
  ROOST_TRY(q->run());
  return release_quota(w, mailbox.account_id, bytes);
}

}  // namespace

StoreResult<std::string> normalize_mailbox_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxMailboxNameLength || !valid_utf8(name)) return fail(StoreError::invalid);
  int depth = 1;
  char prev = kHierarchyDelimiter;  // so a leading '/' is an empty component
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '*' || c == '%') return fail(StoreError::invalid);
    if (c == kHierarchyDelimiter) {
      if (prev == kHierarchyDelimiter) return fail(StoreError::invalid);
      ++depth;
    }
    prev = c;
  }
  if (prev == kHierarchyDelimiter || depth > kMaxMailboxDepth) return fail(StoreError::invalid);
  std::string out(name);
  // RFC 3501 5.1: INBOX is case-insensitive; so is it as the first component of a child.
  auto first_end = out.find(kHierarchyDelimiter);
  std::string first = out.substr(0, first_end);
  if (first.size() == 5) {
    std::string upper = first;
    for (auto& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (upper == "INBOX") out.replace(0, 5, "INBOX");
  }
  return out;
}

StoreResult<std::int64_t> create_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view name,
                                         std::string_view special_use) {
  ROOST_TRY_ASSIGN(normalized, normalize_mailbox_name(name));
  if (!valid_special_use(special_use)) return fail(StoreError::invalid);
  auto existing = find_mailbox(w.db, account_id, normalized);
  if (existing.ok()) {
    if (!existing->noselect) return fail(StoreError::exists);
    // A \Noselect placeholder becomes a real mailbox again, under a new UIDVALIDITY.
    ROOST_TRY_ASSIGN(uidvalidity, next_uidvalidity(w, account_id));
    ROOST_TRY_ASSIGN(q, w.db.query("UPDATE mailboxes SET noselect = 0, uidvalidity = ?2, special_use = ?3 "
                                   "WHERE id = ?1"));
    q->bind(1, existing->id).bind(2, static_cast<std::int64_t>(uidvalidity)).bind(3, special_use);
    ROOST_TRY(q->run());
    ROOST_TRY(bump_modseq(w, existing->id));
    return existing->id;
  }
  if (existing.error() != StoreError::not_found) return fail(existing.error());
  ROOST_TRY(create_parents(w, account_id, normalized));
  return insert_mailbox(w, account_id, normalized, special_use);
}

StoreResult<void> delete_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view name) {
  ROOST_TRY_ASSIGN(normalized, normalize_mailbox_name(name));
  if (normalized == "INBOX") return fail(StoreError::invalid);
  ROOST_TRY_ASSIGN(mailbox, find_mailbox(w.db, account_id, normalized));
  ROOST_TRY_ASSIGN(children, has_children(w.db, account_id, normalized));
  ROOST_TRY(clear_messages(w, mailbox));
  if (children) {
    // RFC 3501 6.3.4: the name stays, as \Noselect, while it has inferiors.
    if (mailbox.noselect) return fail(StoreError::invalid);
    ROOST_TRY_ASSIGN(q, w.db.query("UPDATE mailboxes SET noselect = 1 WHERE id = ?1"));
    q->bind(1, mailbox.id);
    ROOST_TRY(q->run());
    {
      ROOST_TRY_ASSIGN(e, w.db.query("DELETE FROM expunges WHERE mailbox_id = ?1"));
      e->bind(1, mailbox.id);
      ROOST_TRY(e->run());
    }
    ROOST_TRY(bump_modseq(w, mailbox.id));
    return {};
  }
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM mailboxes WHERE id = ?1"));
  q->bind(1, mailbox.id);
  ROOST_TRY(q->run());
  // Sessions that have it selected learn that it is gone.
  w.changes.add(account_id, mailbox.id, mailbox.highest_modseq + 1);
  return {};
}

StoreResult<void> rename_mailbox(WriteCtx& w, std::int64_t account_id, std::string_view from, std::string_view to) {
  ROOST_TRY_ASSIGN(old_name, normalize_mailbox_name(from));
  ROOST_TRY_ASSIGN(new_name, normalize_mailbox_name(to));
  if (old_name == new_name) return fail(StoreError::exists);
  if (new_name.starts_with(old_name + kHierarchyDelimiter)) return fail(StoreError::invalid);
  ROOST_TRY_ASSIGN(source, find_mailbox(w.db, account_id, old_name));

  if (old_name == "INBOX") {
    // RFC 3501 6.3.5: renaming INBOX moves its messages to the new name; INBOX stays, empty.
    ROOST_TRY_ASSIGN(target_id, create_mailbox(w, account_id, new_name));
    ROOST_TRY(move_messages(w, source.id, all_uids(), target_id));
    return {};
  }

  // Every row to rename: the mailbox and its children, with their new names.
  std::vector<std::pair<Mailbox, std::string>> rows;
  {
    ROOST_TRY_ASSIGN(q, w.db.query(mailbox_sql("WHERE m.account_id = ?1 AND (m.name = ?2 OR (m.name > ?2 || '/' "
                                               "AND m.name < ?2 || '0'))")));
    q->bind(1, account_id).bind(2, old_name);
    for (;;) {
      ROOST_TRY_ASSIGN(row, q->step());
      if (!row) break;
      Mailbox m = mailbox_from_row(*q);
      std::string renamed = new_name + m.name.substr(old_name.size());
      rows.emplace_back(std::move(m), std::move(renamed));
    }
  }
  for (const auto& [m, renamed] : rows) {
    ROOST_TRY(normalize_mailbox_name(renamed));  // depth and length bounds still hold
    auto clash = find_mailbox(w.db, account_id, renamed);
    if (clash.ok()) return fail(StoreError::exists);
    if (clash.error() != StoreError::not_found) return fail(clash.error());
  }
  ROOST_TRY(create_parents(w, account_id, new_name));
  for (const auto& [m, renamed] : rows) {
    {
      ROOST_TRY_ASSIGN(q, w.db.query("UPDATE mailboxes SET name = ?2 WHERE id = ?1"));
      q->bind(1, m.id).bind(2, renamed);
      ROOST_TRY(q->run());
    }
    {
      ROOST_TRY_ASSIGN(q, w.db.query("UPDATE OR REPLACE subscriptions SET name = ?3 WHERE account_id = ?1 AND name = ?2"));
      q->bind(1, account_id).bind(2, m.name).bind(3, renamed);
      ROOST_TRY(q->run());
    }
    ROOST_TRY(bump_modseq(w, m.id));
  }
  return {};
}

StoreResult<void> subscribe(WriteCtx& w, std::int64_t account_id, std::string_view name) {
  ROOST_TRY_ASSIGN(normalized, normalize_mailbox_name(name));
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?1, ?2)"));
  q->bind(1, account_id).bind(2, normalized);
  return q->run();
}

StoreResult<void> unsubscribe(WriteCtx& w, std::int64_t account_id, std::string_view name) {
  ROOST_TRY_ASSIGN(normalized, normalize_mailbox_name(name));
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM subscriptions WHERE account_id = ?1 AND name = ?2"));
  q->bind(1, account_id).bind(2, normalized);
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

StoreResult<std::vector<std::string>> list_subscriptions(Db& db, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT name FROM subscriptions WHERE account_id = ?1 ORDER BY name"));
  q->bind(1, account_id);
  std::vector<std::string> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(q->col_text(0));
  }
  return out;
}

StoreResult<std::vector<Mailbox>> list_mailboxes(Db& db, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, db.query(mailbox_sql("WHERE m.account_id = ?1 ORDER BY m.name")));
  q->bind(1, account_id);
  std::vector<Mailbox> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(mailbox_from_row(*q));
  }
  std::set<std::string> parents;
  for (const auto& m : out) {
    auto pos = m.name.rfind(kHierarchyDelimiter);
    if (pos != std::string::npos) parents.insert(m.name.substr(0, pos));
  }
  for (auto& m : out) m.has_children = parents.count(m.name) != 0;
  return out;
}

StoreResult<Mailbox> find_mailbox(Db& db, std::int64_t account_id, std::string_view name) {
  ROOST_TRY_ASSIGN(normalized, normalize_mailbox_name(name));
  ROOST_TRY_ASSIGN(q, db.query(mailbox_sql("WHERE m.account_id = ?1 AND m.name = ?2")));
  q->bind(1, account_id).bind(2, normalized);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return mailbox_from_row(*q);
}

StoreResult<Mailbox> get_mailbox(Db& db, std::int64_t mailbox_id) {
  ROOST_TRY_ASSIGN(q, db.query(mailbox_sql("WHERE m.id = ?1")));
  q->bind(1, mailbox_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return mailbox_from_row(*q);
}

StoreResult<Mailbox> find_special_mailbox(Db& db, std::int64_t account_id, std::string_view special_use) {
  ROOST_TRY_ASSIGN(q, db.query(mailbox_sql("WHERE m.account_id = ?1 AND m.special_use = ?2 AND m.noselect = 0 "
                                           "ORDER BY m.id LIMIT 1")));
  q->bind(1, account_id).bind(2, special_use);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return mailbox_from_row(*q);
}

StoreResult<MailboxStatus> mailbox_status(Db& db, std::int64_t mailbox_id) {
  ROOST_TRY_ASSIGN(mailbox, get_mailbox(db, mailbox_id));
  ROOST_TRY_ASSIGN(q, db.query("SELECT count(*), coalesce(sum((flags & 1) = 0), 0), coalesce(sum((flags & 8) != 0), 0), "
                               "coalesce(sum(size), 0) FROM messages WHERE mailbox_id = ?1"));
  q->bind(1, mailbox_id);
  ROOST_TRY(q->step());
  MailboxStatus s;
  s.messages = static_cast<std::uint32_t>(q->col_int(0));
  s.unseen = static_cast<std::uint32_t>(q->col_int(1));
  s.deleted = static_cast<std::uint32_t>(q->col_int(2));
  s.size = q->col_int(3);
  s.uidvalidity = mailbox.uidvalidity;
  s.uidnext = mailbox.uidnext;
  s.highest_modseq = mailbox.highest_modseq;
  return s;
}

StoreResult<std::int64_t> bump_modseq(WriteCtx& w, std::int64_t mailbox_id) {
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ?1 "
                                 "RETURNING highest_modseq, account_id"));
  q->bind(1, mailbox_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  std::int64_t modseq = q->col_int(0);
  std::int64_t account_id = q->col_int(1);
  ROOST_TRY(q->run());
  w.changes.add(account_id, mailbox_id, modseq);
  return modseq;
}

}  // namespace roost::store
