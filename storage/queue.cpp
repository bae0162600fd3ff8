// The outbound queue table (see queue.h).
#include "storage/queue.h"

#include "storage/try.h"

namespace roost::store {
namespace {

constexpr const char* kEntryColumns =
    "SELECT q.id, q.blob_id, q.sender, q.recipient, q.created, q.next_attempt, q.attempts, q.last_error, b.size "
    "FROM queue q JOIN blobs b ON b.id = q.blob_id ";

std::string entry_sql(const char* where) { return std::string(kEntryColumns) + where; }

QueueEntry entry_from_row(const Stmt& s) {
  QueueEntry e;
  e.id = s.col_int(0);
  e.blob_id = s.col_int(1);
  e.sender = s.col_text(2);
  e.recipient = s.col_text(3);
  e.created = s.col_int(4);
  e.next_attempt = s.col_int(5);
  e.attempts = s.col_int(6);
  e.last_error = s.col_text(7);
  e.size = s.col_int(8);
  return e;
}

StoreResult<std::vector<QueueEntry>> collect(Query& q) {
  std::vector<QueueEntry> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(entry_from_row(*q));
  }
  return out;
}

}  // namespace

StoreResult<std::vector<std::int64_t>> enqueue(WriteCtx& w, std::string_view bytes, std::string_view sender,
                                               const std::vector<std::string>& recipients) {
  if (recipients.empty()) return fail(StoreError::invalid);
  std::int64_t blob_id = 0;
  {
    ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO blobs (size, created, data) VALUES (?1, ?2, ?3)"));
    q->bind(1, static_cast<std::int64_t>(bytes.size())).bind(2, w.now()).bind_static_blob(3, bytes);
    ROOST_TRY(q->run());
    blob_id = w.db.last_insert_rowid();
  }
  return enqueue_blob(w, blob_id, sender, recipients);
}

StoreResult<std::vector<std::int64_t>> enqueue_blob(WriteCtx& w, std::int64_t blob_id, std::string_view sender,
                                                    const std::vector<std::string>& recipients) {
  if (recipients.empty()) return fail(StoreError::invalid);
  std::vector<std::int64_t> ids;
  for (const auto& rcpt : recipients) {
    if (rcpt.empty()) return fail(StoreError::invalid);
    ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO queue (blob_id, sender, recipient, created, next_attempt) "
                                   "VALUES (?1, ?2, ?3, ?4, ?4)"));
    q->bind(1, blob_id).bind(2, sender).bind(3, rcpt).bind(4, w.now());
    auto r = q->run();
    if (!r.ok()) return fail(r.error() == StoreError::invalid ? StoreError::not_found : r.error());
    ids.push_back(w.db.last_insert_rowid());
  }
  return ids;
}

StoreResult<std::vector<QueueEntry>> list_due(Db& db, std::int64_t now, std::size_t limit) {
  ROOST_TRY_ASSIGN(q, db.query(entry_sql("WHERE q.next_attempt <= ?1 ORDER BY q.next_attempt, q.id LIMIT ?2")));
  q->bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  return collect(q);
}

StoreResult<std::vector<QueueEntry>> list_queue(Db& db) {
  ROOST_TRY_ASSIGN(q, db.query(entry_sql("ORDER BY q.next_attempt, q.id")));
  return collect(q);
}

StoreResult<QueueEntry> get_queue_entry(Db& db, std::int64_t id) {
  ROOST_TRY_ASSIGN(q, db.query(entry_sql("WHERE q.id = ?1")));
  q->bind(1, id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return entry_from_row(*q);
}

StoreResult<void> mark_attempt(WriteCtx& w, std::int64_t id, std::int64_t next_attempt, std::string_view last_error) {
  ROOST_TRY_ASSIGN(q, w.db.query("UPDATE queue SET attempts = attempts + 1, next_attempt = ?2, last_error = ?3 "
                                 "WHERE id = ?1"));
  q->bind(1, id).bind(2, next_attempt).bind(3, last_error);
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

StoreResult<void> remove_queue_entry(WriteCtx& w, std::int64_t id) {
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM queue WHERE id = ?1"));
  q->bind(1, id);
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

}  // namespace roost::store
