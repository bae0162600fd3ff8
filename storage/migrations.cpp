// Schema migrations keyed on PRAGMA user_version (see migrations.h). A step, once released, never
// changes: a new need is a new step.
#include "storage/migrations.h"

#include <sqlite3.h>

#include "common/base/log.h"

namespace roost::store {
namespace {

// 1: the first schema.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE domains (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  local TEXT NOT NULL,
  local_key TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  quota_bytes INTEGER NOT NULL DEFAULT 0,
  used_bytes INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  created INTEGER NOT NULL,
  last_uidvalidity INTEGER NOT NULL DEFAULT 0,
  UNIQUE (domain_id, local_key)
);
CREATE TABLE aliases (
  id INTEGER PRIMARY KEY,
  domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
  local_key TEXT NOT NULL,
  local TEXT NOT NULL,
  target TEXT NOT NULL,
  UNIQUE (domain_id, local_key, target)
);
CREATE TABLE mailboxes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  special_use TEXT NOT NULL DEFAULT '',
  uidvalidity INTEGER NOT NULL,
  uidnext INTEGER NOT NULL DEFAULT 1,
  highest_modseq INTEGER NOT NULL DEFAULT 1,
  noselect INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  UNIQUE (account_id, name)
);
CREATE TABLE subscriptions (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  refs INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  flags INTEGER NOT NULL DEFAULT 0,
  keywords TEXT NOT NULL DEFAULT '',
  internal_date INTEGER NOT NULL,
  size INTEGER NOT NULL,
  UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_by_modseq ON messages (mailbox_id, modseq);
CREATE INDEX messages_by_blob ON messages (blob_id);
CREATE TABLE expunges (
  mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
  uid INTEGER NOT NULL,
  modseq INTEGER NOT NULL,
  PRIMARY KEY (mailbox_id, uid)
) WITHOUT ROWID;
CREATE INDEX expunges_by_modseq ON expunges (mailbox_id, modseq);
CREATE TABLE queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  blob_id INTEGER NOT NULL REFERENCES blobs(id),
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  created INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX queue_by_next_attempt ON queue (next_attempt);
CREATE INDEX queue_by_blob ON queue (blob_id);

-- Blob reference counts: every message or queue row holding a blob counts once; the blob is
-- deleted with its last reference. Triggers also run for rows removed by ON DELETE CASCADE.
CREATE TRIGGER messages_blob_ref AFTER INSERT ON messages BEGIN
  UPDATE blobs SET refs = refs + 1 WHERE id = new.blob_id;
END;
CREATE TRIGGER messages_blob_unref AFTER DELETE ON messages BEGIN
  UPDATE blobs SET refs = refs - 1 WHERE id = old.blob_id;
  DELETE FROM blobs WHERE id = old.blob_id AND refs <= 0;
END;
CREATE TRIGGER queue_blob_ref AFTER INSERT ON queue BEGIN
  UPDATE blobs SET refs = refs + 1 WHERE id = new.blob_id;
END;
CREATE TRIGGER queue_blob_unref AFTER DELETE ON queue BEGIN
  UPDATE blobs SET refs = refs - 1 WHERE id = old.blob_id;
  DELETE FROM blobs WHERE id = old.blob_id AND refs <= 0;
END;
)sql";

// 2: what imapd parses once at delivery, per blob (the same bytes parse the same way).
constexpr const char* kMigration2 = R"sql(
CREATE TABLE message_parts (
  blob_id INTEGER PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
  parser_version INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  body_structure BLOB NOT NULL,
  part_offsets BLOB NOT NULL
);
)sql";

constexpr const char* kMigrations[] = {kMigration1, kMigration2};
constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

StoreResult<void> run_step(Db& db, int version) {
  auto txn = Txn::begin(db, Txn::Kind::write);
  if (!txn.ok()) return fail(txn.error());
  auto current = db.user_version();
  if (!current.ok()) return fail(current.error());
  if (*current >= version) return {};  // another process got there first
  if (*current != version - 1) return fail(StoreError::corrupt);
  auto r = db.exec(kMigrations[version - 1]);
  if (!r.ok()) return r;
  // user_version takes no bound parameter; the value is our own integer.
  std::string pragma = "PRAGMA user_version=" + std::to_string(version);
  r = db.exec(pragma.c_str());
  if (!r.ok()) return r;
  r = txn->commit();
  if (!r.ok()) return r;
  log::info("store.migrated").kv("path", db.options().db_path).kv("version", version);
  return {};
}

}  // namespace

int latest_schema_version() { return kLatest; }

StoreResult<void> migrate(Db& db, int target) {
  if (target < 0 || target > kLatest) target = kLatest;
  auto current = with_retry(db.options(), [&] { return db.user_version(); });
  if (!current.ok()) return fail(current.error());
  if (*current > kLatest) {
    log::error("store.schema_too_new")
        .kv("path", db.options().db_path)
        .kv("version", *current)
        .kv("supported", kLatest)
        .kv("error", "the database was written by a newer Roost; upgrade Roost or restore a backup");
    return fail(StoreError::schema_too_new);
  }
  for (int v = *current + 1; v <= target; ++v) {
    auto r = with_retry(db.options(), [&] { return run_step(db, v); });
    if (!r.ok()) return r;
  }
  return {};
}

}  // namespace roost::store
