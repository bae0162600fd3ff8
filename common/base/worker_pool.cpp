// WorkerPool: fixed threads over a bounded job queue (see worker_pool.h).
#include "common/base/worker_pool.h"

namespace roost {

WorkerPool::WorkerPool(unsigned threads, std::size_t max_queued) : max_queued_(max_queued) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  room_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::try_post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  work_cv_.notify_one();
  return true;
}

bool WorkerPool::post(Job job) {
  {
    std::unique_lock lock(mutex_);
    room_cv_.wait(lock, [this] { return stopping_ || queue_.size() < max_queued_; });
    if (stopping_) return false;
    queue_.push_back(std::move(job));
  }
  work_cv_.notify_one();
  return true;
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerPool::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Jobs queued before the destructor still run: their callers wait for a completion.
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    room_cv_.notify_one();
    job();
  }
}

}  // namespace roost
