// SQLite connection wrappers: Db (one connection, used by one thread at a time), Stmt (a prepared
// statement, finalised on destruction), Query (a cached statement in use), Txn (rolls back unless
// committed) and with_retry (bounded retry of a unit of work on SQLITE_BUSY/LOCKED).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/options.h"
#include "storage/store_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace roost::store {

// Maps an SQLite result code (primary or extended) to a StoreError.
StoreError error_from_sqlite(int code);

// A prepared statement. Parameters are 1-based (as in SQLite), columns 0-based. Text and blob
// parameters are bound SQLITE_TRANSIENT (copied) unless bound with bind_static, in which case the
// caller keeps the bytes alive until the statement is reset.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind_blob(int index, std::string_view bytes);
  Stmt& bind_static_blob(int index, std::string_view bytes);
  Stmt& bind_zeroblob(int index, std::int64_t size);
  Stmt& bind_null(int index);

  // One step: true when a row is available, false when done; an error otherwise.
  StoreResult<bool> step();
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE).
  StoreResult<void> run();
  void reset();

  std::int64_t col_int(int col) const;
  std::string col_text(int col) const;
  std::string col_blob(int col) const;
  bool col_is_null(int col) const;

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// A statement taken from a Db's cache; reset and cleared of bindings when it goes out of scope.
class Query {
 public:
  explicit Query(Stmt* stmt) : stmt_(stmt) {}
  Query(Query&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;
  ~Query();
  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  Stmt* stmt_;
};

// One SQLite connection, configured for the store: WAL, synchronous=FULL, foreign_keys=ON,
// busy_timeout. Not thread-safe: one thread uses it at a time (the writer owns one, each reader
// lease owns one). open() does not run migrations (see migrations.h and Store::open).
class Db {
 public:
  static StoreResult<std::unique_ptr<Db>> open(const StoreOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A new statement owned by the caller. SQL is a literal; user data goes in bound parameters only.
  StoreResult<Stmt> prepare(std::string_view sql);
  // A cached statement: prepared once per connection, keyed by the SQL text.
  StoreResult<Query> query(std::string_view sql);
  // Runs SQL without parameters (pragmas, DDL, BEGIN/COMMIT). Never pass user data here.
  StoreResult<void> exec(const char* sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  // PRAGMA data_version: changes when another connection commits (a cheap "anything new?" probe).
  StoreResult<std::int64_t> data_version();
  // PRAGMA user_version: the schema version (see migrations.h).
  StoreResult<int> user_version();

  std::int64_t now() const;
  const StoreOptions& options() const { return options_; }
  sqlite3* raw() const { return db_; }

 private:
  Db(sqlite3* db, StoreOptions options) : db_(db), options_(std::move(options)) {}
  sqlite3* db_;
  StoreOptions options_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

// A transaction. Write transactions start with BEGIN IMMEDIATE so the write lock is taken up front
// (a deferred read-then-write upgrade can fail with SQLITE_BUSY that no wait resolves). Rolls back
// on destruction unless commit() succeeded.
class Txn {
 public:
  enum class Kind { read, write };
  static StoreResult<Txn> begin(Db& db, Kind kind);
  Txn(Txn&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  Txn& operator=(Txn&&) = delete;
  ~Txn();
  StoreResult<void> commit();

 private:
  explicit Txn(Db* db) : db_(db) {}
  Db* db_;
};

// Runs fn() (which returns StoreResult<T>) again while it fails with StoreError::busy, sleeping with
// a growing, jittered backoff (1 ms doubling to 100 ms) until options.retry_budget is spent; then the
// busy error is returned. fn must be safe to re-run: it starts its own transaction each time.
template <typename F>
auto with_retry(const StoreOptions& options, F&& fn) -> decltype(fn());

namespace detail {
// Sleeps for the backoff of the given attempt; false when the budget since `start` is spent.
bool backoff(const StoreOptions& options, int attempt, std::chrono::steady_clock::time_point start);
}  // namespace detail

template <typename F>
auto with_retry(const StoreOptions& options, F&& fn) -> decltype(fn()) {
  auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    auto result = fn();
    if (result.ok() || result.error() != StoreError::busy) return result;
    if (!detail::backoff(options, attempt, start)) return result;
  }
}

}  // namespace roost::store
