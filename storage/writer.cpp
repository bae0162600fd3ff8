// Writer: the process's single write path with group commit (see writer.h).
#include "storage/writer.h"

#include "common/base/log.h"
#include "storage/notify.h"
#include "storage/try.h"

namespace roost::store {

StoreResult<std::unique_ptr<Writer>> Writer::start(const StoreOptions& options, std::string notify_dir) {
  ROOST_TRY_ASSIGN(db, Db::open(options));
  std::unique_ptr<Writer> writer(new Writer(std::move(db), std::move(notify_dir)));
  writer->thread_ = std::thread([w = writer.get()] { w->loop(); });
  return writer;
}

Writer::Writer(std::unique_ptr<Db> db, std::string notify_dir) : db_(std::move(db)), notify_dir_(std::move(notify_dir)) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Writer::submit(Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < db_->options().max_pending_writes) {
      queue_.push_back({std::move(work), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(fail(StoreError::busy));
}

StoreResult<void> Writer::run(Work work) {
  if (std::this_thread::get_id() == thread_.get_id()) return fail(StoreError::invalid);  // would deadlock
  std::promise<StoreResult<void>> promise;
  auto future = promise.get_future();
  submit(std::move(work), [&promise](StoreResult<void> r) { promise.set_value(std::move(r)); });
  return future.get();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Writer::loop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been committed
      std::size_t n = std::min(queue_.size(), std::max<std::size_t>(1, db_->options().max_batch));
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(batch);
    batch.clear();
  }
}

namespace {

// Runs every write of the batch in one transaction, a savepoint each. On success, results holds each
// write's outcome and changes what the committed writes changed. A failure of BEGIN, a savepoint
// statement or COMMIT fails the batch as a whole (busy: the caller retries it).
StoreResult<void> run_batch(Db& db, std::vector<Writer::Work*>& works, std::vector<StoreResult<void>>& results,
                            Changes& changes) {
  results.clear();
  changes.clear();
  ROOST_TRY_ASSIGN(txn, Txn::begin(db, Txn::Kind::write));
  for (auto* work : works) {
    ROOST_TRY(db.exec("SAVEPOINT write"));
    Changes own;
    WriteCtx ctx{db, own};
    auto r = (*work)(ctx);
    if (r.ok()) {
      ROOST_TRY(db.exec("RELEASE write"));
      changes.merge(own);
    } else {
      if (r.error() == StoreError::busy) return r;  // a lock we did not expect: retry the batch
      ROOST_TRY(db.exec("ROLLBACK TO write"));
      ROOST_TRY(db.exec("RELEASE write"));
    }
    results.push_back(std::move(r));
  }
  return txn.commit();
}

}  // namespace

void Writer::commit_batch(std::vector<Pending>& batch) {
  std::vector<Work*> works;
  works.reserve(batch.size());
  for (auto& p : batch) works.push_back(&p.work);
  std::vector<StoreResult<void>> results;
  Changes changes;
  auto start = std::chrono::steady_clock::now();
  std::uint64_t retries = 0;
  StoreResult<void> outcome;
  for (int attempt = 0;; ++attempt) {
    outcome = run_batch(*db_, works, results, changes);
    if (outcome.ok() || outcome.error() != StoreError::busy) break;
    if (!detail::backoff(db_->options(), attempt, start)) break;
    ++retries;
  }
  {
    std::lock_guard lock(mutex_);
    stats_.writes += batch.size();
    stats_.retries += retries;
    if (outcome.ok()) stats_.commits += 1;
  }
  if (!outcome.ok()) {
    log::error("store.commit_failed").kv("writes", batch.size()).kv("error", store_error_name(outcome.error()));
    for (auto& p : batch) p.done(fail(outcome.error()));
    return;
  }
  announce(notify_dir_, changes.list());
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

}  // namespace roost::store
