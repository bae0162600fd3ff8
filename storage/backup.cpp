// backup_database (see backup.h): sqlite3_backup_* from a pinned read snapshot into a file created
// with O_EXCL and mode 0600, then the integrity check of the copy.
#include "storage/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <thread>

#include <sqlite3.h>

#include "common/base/log.h"
#include "storage/db.h"

namespace roost::store {
namespace {

struct CloseConnection {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

StoreResult<Connection> open_connection(const std::string& path, int flags, std::chrono::milliseconds busy) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return fail(error_from_sqlite(rc));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy.count()));
  return db;
}

StoreResult<void> exec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(error_from_sqlite(rc));
  return {};
}

// Removes the partial copy (and any journal SQLite left beside it) unless released.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)) {}
  ~PartialFile() {
    if (path_.empty()) return;
    ::unlink(path_.c_str());
    ::unlink((path_ + "-journal").c_str());
    ::unlink((path_ + "-wal").c_str());
    ::unlink((path_ + "-shm").c_str());
  }
  void keep() { path_.clear(); }

 private:
  std::string path_;
};

// Copies every page from the pinned snapshot of `src` into `dst`.
StoreResult<std::int64_t> copy_pages(sqlite3* src, sqlite3* dst, const StoreOptions& source,
                                     const BackupOptions& options) {
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  if (!backup) return fail(error_from_sqlite(sqlite3_errcode(dst)));
  auto start = std::chrono::steady_clock::now();
  int attempt = 0;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, options.pages_per_step);
    if (options.progress) {
      int total = sqlite3_backup_pagecount(backup);
      options.progress(total - sqlite3_backup_remaining(backup), total);
    }
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      attempt = 0;
      std::this_thread::sleep_for(options.pause_between_steps);
      continue;
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (detail::backoff(source, attempt++, start)) continue;
    }
    break;
  }
  std::int64_t pages = sqlite3_backup_pagecount(backup);
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return fail(error_from_sqlite(rc));
  if (finish != SQLITE_OK) return fail(error_from_sqlite(finish));
  return pages;
}

}  // namespace

StoreResult<bool> database_file_is_sound(const std::string& path) {
  auto db = open_connection(path, SQLITE_OPEN_READONLY, std::chrono::milliseconds(5000));
  if (!db.ok()) return fail(db.error());
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db->get(), "PRAGMA integrity_check", -1, &raw, nullptr);
  if (rc != SQLITE_OK) return fail(error_from_sqlite(rc));
  Stmt stmt(raw);
  auto row = stmt.step();
  if (!row.ok()) {
    if (row.error() == StoreError::corrupt) return false;
    return fail(row.error());
  }
  return *row && stmt.col_text(0) == "ok";
}

StoreResult<BackupReport> backup_database(const StoreOptions& source, const std::string& dest_path,
                                          const BackupOptions& options) {
  // O_EXCL: an existing file is never overwritten, even one created a moment ago. The mode is set
  // here so the copy is never readable by others, not even while it is being written.
  int fd = ::open(dest_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(errno == EEXIST ? StoreError::exists : StoreError::io);
  ::close(fd);
  PartialFile partial(dest_path);

  auto src = open_connection(source.db_path, SQLITE_OPEN_READWRITE, source.busy_timeout);
  if (!src.ok()) return fail(src.error());
  auto dst = open_connection(dest_path, SQLITE_OPEN_READWRITE, source.busy_timeout);
  if (!dst.ok()) return fail(dst.error());

  // Pin one snapshot: with a read transaction open on the source connection, the backup reads the
  // same snapshot at every step, so commits by other processes neither restart it nor wait for it.
  auto began = with_retry(source, [&] { return exec(src->get(), "BEGIN"); });
  if (!began.ok()) return fail(began.error());
  auto pinned = with_retry(source, [&] { return exec(src->get(), "SELECT count(*) FROM sqlite_schema"); });
  if (!pinned.ok()) return fail(pinned.error());
  auto pages = copy_pages(src->get(), dst->get(), source, options);
  (void)exec(src->get(), "COMMIT");
  src.value().reset();
  if (!pages.ok()) return fail(pages.error());

  // The pages carry the source's WAL mode; a backup is one self-contained file.
  if (auto r = exec(dst->get(), "PRAGMA journal_mode=DELETE"); !r.ok()) return fail(r.error());
  dst.value().reset();

  auto sound = database_file_is_sound(dest_path);
  if (!sound.ok()) return fail(sound.error());
  if (!*sound) return fail(StoreError::corrupt);

  struct stat st {};
  if (::stat(dest_path.c_str(), &st) != 0) return fail(StoreError::io);
  partial.keep();
  log::info("store.backup").kv("path", dest_path).kv("pages", *pages).kv("bytes", static_cast<std::int64_t>(st.st_size));
  return BackupReport{*pages, static_cast<std::int64_t>(st.st_size)};
}

}  // namespace roost::store
