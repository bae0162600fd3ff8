// ReaderPool: reusable read connections (see readers.h).
#include "storage/readers.h"

#include "storage/try.h"

namespace roost::store {

ReaderPool::Lease::~Lease() {
  if (db_ && pool_) pool_->release(std::move(db_));
}

ReaderPool::ReaderPool(StoreOptions options, std::size_t idle) : options_(std::move(options)), max_idle_(idle) {}

StoreResult<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  ROOST_TRY_ASSIGN(db, Db::open(options_));
  return Lease(this, std::move(db));
}

void ReaderPool::release(std::unique_ptr<Db> db) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
}

}  // namespace roost::store
