// Schema migrations: numbered steps keyed on PRAGMA user_version.
//   1: domains, accounts, aliases, mailboxes, subscriptions, blobs, messages, expunges, queue.
//   2: message_parts, the data parsed at delivery (envelope, body structure, part offsets) per blob.
// Every step runs in one BEGIN IMMEDIATE transaction that re-reads user_version, so several processes
// starting at once upgrade the file exactly once.
#pragma once

#include "storage/db.h"

namespace roost::store {

// The schema version this build writes.
int latest_schema_version();

// Upgrades the database to `target` (default: latest) step by step. A database newer than this build
// knows fails with StoreError::schema_too_new (and an error log line that says so); it is never touched.
// Tests pass a lower target to build an old database.
StoreResult<void> migrate(Db& db, int target = -1);

}  // namespace roost::store
