// The outbound queue: one row per (message, remote recipient), referencing the message's blob.
// smtpd's queue runner lists due entries, tries them, and marks the attempt or removes the entry.
// deliver() (messages.h) inserts entries in the same write as local copies; enqueue() is for the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

struct QueueEntry {
  std::int64_t id = 0;
  std::int64_t blob_id = 0;
  std::string sender;      // envelope sender, "" = null sender (never bounced)
  std::string recipient;
  std::int64_t created = 0;
  std::int64_t next_attempt = 0;
  std::int64_t attempts = 0;
  std::string last_error;
  std::int64_t size = 0;   // of the message
};

// Stores the bytes in a new blob and one entry per recipient, due now. Returns the entry ids.
StoreResult<std::vector<std::int64_t>> enqueue(WriteCtx& w, std::string_view bytes, std::string_view sender,
                                               const std::vector<std::string>& recipients);
// Adds entries for an existing blob (a bounce of a stored message, a re-queue).
StoreResult<std::vector<std::int64_t>> enqueue_blob(WriteCtx& w, std::int64_t blob_id, std::string_view sender,
                                                    const std::vector<std::string>& recipients);
// Entries with next_attempt <= now, oldest first, at most `limit`.
StoreResult<std::vector<QueueEntry>> list_due(Db& db, std::int64_t now, std::size_t limit);
// Every entry (roostctl queue list), by next attempt.
StoreResult<std::vector<QueueEntry>> list_queue(Db& db);
StoreResult<QueueEntry> get_queue_entry(Db& db, std::int64_t id);
// Records a failed attempt: attempts + 1, the next time to try and the error text. not_found if gone.
StoreResult<void> mark_attempt(WriteCtx& w, std::int64_t id, std::int64_t next_attempt, std::string_view last_error);
// Removes the entry (delivered, bounced or expired); the blob goes with its last reference.
StoreResult<void> remove_queue_entry(WriteCtx& w, std::int64_t id);

}  // namespace roost::store
