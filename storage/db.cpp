// SQLite connection wrappers (see db.h).
#include "storage/db.h"

#include <sqlite3.h>

#include <ctime>
#include <random>
#include <thread>

#include "common/base/log.h"

namespace roost::store {

StoreError error_from_sqlite(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreError::busy;
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) return StoreError::exists;
      return StoreError::invalid;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreError::corrupt;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_ERROR:
      return StoreError::invalid;
    default:
      return StoreError::io;
  }
}

// --- Stmt

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Stmt& Stmt::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data() ? bytes.data() : "", bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_static_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data() ? bytes.data() : "", bytes.size(), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bind_zeroblob(int index, std::int64_t size) {
  sqlite3_bind_zeroblob64(stmt_, index, static_cast<sqlite3_uint64>(size));
  return *this;
}

Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

StoreResult<bool> Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // With the v2 interfaces, sqlite3_step returns the extended code.
  int ext = sqlite3_extended_errcode(sqlite3_db_handle(stmt_));
  StoreError error = error_from_sqlite(ext);
  if (error != StoreError::busy && error != StoreError::exists) {
    log::warn("store.sql_error").kv("code", ext).kv("error", sqlite3_errmsg(sqlite3_db_handle(stmt_)));
  }
  return fail(error);
}

StoreResult<void> Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r.ok()) return fail(r.error());
    if (!*r) return {};
  }
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Stmt::col_int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Stmt::col_text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::string Stmt::col_blob(int col) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

bool Stmt::col_is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

Query::~Query() {
  if (stmt_) stmt_->reset();
}

// --- Db

StoreResult<std::unique_ptr<Db>> Db::open(const StoreOptions& options) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(options.db_path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    log::error("store.open_failed").kv("path", options.db_path).kv("error", raw ? sqlite3_errmsg(raw) : "out of memory");
    sqlite3_close_v2(raw);
    return fail(StoreError::io);
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<Db> db(new Db(raw, options));
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  // journal_mode=WAL persists in the file; setting it needs a moment of exclusive access, so retry.
  auto wal = with_retry(options, [&]() -> StoreResult<void> {
    auto st = db->prepare("PRAGMA journal_mode=WAL");
    if (!st.ok()) return fail(st.error());
    auto row = st->step();
    if (!row.ok()) return fail(row.error());
    if (!*row || st->col_text(0) != "wal") return fail(StoreError::io);
    return {};
  });
  if (!wal.ok()) {
    log::error("store.wal_failed").kv("path", options.db_path).kv("error", store_error_name(wal.error()));
    return fail(wal.error());
  }
  for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    auto r = db->exec(pragma);
    if (!r.ok()) return fail(r.error());
  }
  if (options.mmap_size > 0) {
    std::string pragma = "PRAGMA mmap_size=" + std::to_string(options.mmap_size);
    auto r = db->exec(pragma.c_str());
    if (!r.ok()) return fail(r.error());
  }
  // The writer checkpoints (passively) itself after commits; see Writer.
  sqlite3_wal_autocheckpoint(raw, options.wal_autocheckpoint_pages);
  return db;
}

Db::~Db() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

StoreResult<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) {
    StoreError error = error_from_sqlite(rc);
    if (error != StoreError::busy) {
      log::error("store.prepare_failed").kv("error", sqlite3_errmsg(db_)).kv("sql", sql);
    }
    return fail(error);
  }
  return Stmt(stmt);
}

StoreResult<Query> Db::query(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    auto st = prepare(sql);
    if (!st.ok()) return fail(st.error());
    it = cache_.emplace(std::string(sql), std::make_unique<Stmt>(std::move(*st))).first;
  }
  return Query(it->second.get());
}

StoreResult<void> Db::exec(const char* sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    StoreError error = error_from_sqlite(sqlite3_extended_errcode(db_));
    if (error != StoreError::busy) log::error("store.exec_failed").kv("error", msg ? msg : "").kv("sql", sql);
    sqlite3_free(msg);
    return fail(error);
  }
  return {};
}

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

StoreResult<std::int64_t> Db::data_version() {
  auto q = query("PRAGMA data_version");
  if (!q.ok()) return fail(q.error());
  auto row = (*q)->step();
  if (!row.ok()) return fail(row.error());
  return (*q)->col_int(0);
}

StoreResult<int> Db::user_version() {
  auto q = query("PRAGMA user_version");
  if (!q.ok()) return fail(q.error());
  auto row = (*q)->step();
  if (!row.ok()) return fail(row.error());
  return static_cast<int>((*q)->col_int(0));
}

std::int64_t Db::now() const {
  if (options_.clock) return options_.clock();
  return static_cast<std::int64_t>(std::time(nullptr));
}

// --- Txn

StoreResult<Txn> Txn::begin(Db& db, Kind kind) {
  auto r = db.exec(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!r.ok()) return fail(r.error());
  return Txn(&db);
}

Txn::~Txn() {
  if (db_ && !sqlite3_get_autocommit(db_->raw())) (void)db_->exec("ROLLBACK");
}

StoreResult<void> Txn::commit() {
  auto r = db_->exec("COMMIT");
  if (!r.ok()) return r;  // still open: the destructor rolls back
  db_ = nullptr;
  return {};
}

namespace detail {

bool backoff(const StoreOptions& options, int attempt, std::chrono::steady_clock::time_point start) {
  using namespace std::chrono;
  if (steady_clock::now() - start >= options.retry_budget) return false;
  thread_local std::minstd_rand rng(std::random_device{}());
  int base_ms = attempt >= 7 ? 100 : (1 << attempt);
  int sleep_ms = base_ms / 2 + static_cast<int>(rng() % static_cast<unsigned>(base_ms / 2 + 1));
  std::this_thread::sleep_for(milliseconds(sleep_ms));
  return true;
}

}  // namespace detail

}  // namespace roost::store
