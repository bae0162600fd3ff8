// Online backup of the store into a new file (roostctl backup), consistent while daemons write.
// SQLite's backup API copies the pages of one read snapshot, a few hundred pages per step; the
// snapshot is pinned with a read transaction on the source, so writers (WAL mode) go on undisturbed
// and the copy never restarts. The copy is a single file (journal_mode DELETE), mode 0600, and must
// pass PRAGMA integrity_check before the backup counts as done.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "storage/options.h"
#include "storage/store_error.h"

namespace roost::store {

struct BackupOptions {
  // Pages copied per sqlite3_backup_step; between steps the source's locks are free for a moment.
  int pages_per_step = 256;
  std::chrono::milliseconds pause_between_steps{1};
  // Called after each step with the pages copied so far and the total.
  std::function<void(std::int64_t copied, std::int64_t total)> progress;
};

struct BackupReport {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;  // size of the copy
};

// Copies the database at source.db_path into dest_path, which must not exist (exists otherwise:
// nothing is overwritten). The copy holds every transaction committed before the backup began.
// io when a file cannot be created or written, corrupt when the copy fails its integrity check,
// busy when the source stayed locked past source.retry_budget. On failure no partial file is left.
StoreResult<BackupReport> backup_database(const StoreOptions& source, const std::string& dest_path,
                                          const BackupOptions& options = {});

// PRAGMA integrity_check on a database file opened read-only: true when SQLite answers "ok".
StoreResult<bool> database_file_is_sound(const std::string& path);

}  // namespace roost::store
