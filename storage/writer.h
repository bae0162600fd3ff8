// Writer: the one write path of a process, with group commit. A dedicated thread owns a connection;
// callers submit writes, and the thread runs every waiting write in one BEGIN IMMEDIATE transaction,
// each inside its own SAVEPOINT (a failing write, e.g. over quota, is rolled back alone and the
// others still commit), then COMMITs once (one fsync for the whole batch with synchronous=FULL in WAL
// mode), announces the changed mailboxes (notify.h), and only then calls each write's completion.
// If BEGIN or COMMIT meets a lock held by another process, the whole batch is retried with bounded
// backoff (writes are functions and run again from the start); only after options.retry_budget does
// every write of the batch fail with busy.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

struct WriterStats {
  std::uint64_t commits = 0;  // batches committed
  std::uint64_t writes = 0;   // writes run (committed or rolled back to their savepoint)
  std::uint64_t retries = 0;  // batches retried after SQLITE_BUSY
};

class Writer {
 public:
  // A write: runs on the writer thread inside the batch transaction. It must not begin/commit, may
  // run more than once (batch retry), and reports results by returning them or through state that
  // its completion reads. A returned error rolls back this write only.
  using Work = std::function<StoreResult<void>(WriteCtx&)>;
  // Called on the writer thread once the write is durable (or failed). Keep it short: hand the
  // result to the caller's loop (uv_async_send) or wake a waiting thread.
  using Done = std::function<void(StoreResult<void>)>;

  // Opens the writer's connection (the schema must be migrated already) and starts the thread.
  // notify_dir may be empty (no announcements).
  static StoreResult<std::unique_ptr<Writer>> start(const StoreOptions& options, std::string notify_dir);
  // Commits what is queued, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a write. When max_pending_writes are waiting, done(busy) is called at once on this thread.
  void submit(Work work, Done done);
  // Blocking form for roostctl and tests; must not be called from the writer thread (a completion).
  StoreResult<void> run(Work work);
  // Typed helper: runs fn (returning StoreResult<T>) as a write and hands its result to done.
  template <typename T, typename Fn>
  void submit_for(Fn fn, std::function<void(StoreResult<T>)> done);
  template <typename T, typename Fn>
  StoreResult<T> run_for(Fn fn);

  WriterStats stats() const;

 private:
  struct Pending {
    Work work;
    Done done;
  };
  explicit Writer(std::unique_ptr<Db> db, std::string notify_dir);
  void loop();
  void commit_batch(std::vector<Pending>& batch);

  std::unique_ptr<Db> db_;
  std::string notify_dir_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
};

template <typename T, typename Fn>
void Writer::submit_for(Fn fn, std::function<void(StoreResult<T>)> done) {
  // Shared between the work (which may run several times) and the completion; both run on the
  // writer thread, one after the other.
  auto out = std::make_shared<std::optional<StoreResult<T>>>();
  submit(
      [fn = std::move(fn), out](WriteCtx& w) -> StoreResult<void> {
        out->emplace(fn(w));
        if (!(*out)->ok()) return fail((*out)->error());
        return {};
      },
      [out, done = std::move(done)](StoreResult<void> status) {
        if (!status.ok()) {
          done(fail(status.error()));
        } else {
          done(std::move(**out));
        }
      });
}

template <typename T, typename Fn>
StoreResult<T> Writer::run_for(Fn fn) {
  std::promise<StoreResult<T>> promise;
  auto future = promise.get_future();
  submit_for<T>(std::move(fn), [&promise](StoreResult<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace roost::store
