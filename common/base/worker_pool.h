// WorkerPool: a fixed number of threads running posted jobs from a bounded queue. For slow work
// (password hashing, blocking SQLite reads) that must stay off an event loop.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace roost {

class WorkerPool {
 public:
  using Job = std::function<void()>;

  // threads >= 1; max_queued jobs may wait (beyond the ones running).
  WorkerPool(unsigned threads, std::size_t max_queued);
  // Runs the jobs already queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a job; false (and the job is dropped) when the queue is full or the pool is stopping.
  bool try_post(Job job);
  // Queues a job, waiting for room; false when the pool is stopping.
  bool post(Job job);
  // Jobs waiting (not running).
  std::size_t queued() const;
  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable room_cv_;
  std::deque<Job> queue_;
  std::size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace roost
