// ReaderPool: read connections, one per thread at a time, never the writer's. A lease returns its
// connection to the pool when destroyed; at most `idle` connections are kept open for reuse.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "storage/db.h"

namespace roost::store {

class ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Db& db() const { return *db_; }
    Db* operator->() const { return db_.get(); }
    Db& operator*() const { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Db> db_;
  };

  ReaderPool(StoreOptions options, std::size_t idle);
  // A connection (opening one when none is idle). The pool must outlive its leases.
  StoreResult<Lease> acquire();

 private:
  void release(std::unique_ptr<Db> db);
  StoreOptions options_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Db>> idle_;
};

}  // namespace roost::store
