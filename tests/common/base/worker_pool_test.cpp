// WorkerPool: jobs run off the caller's thread, concurrency and queue length stay bounded.
#include "common/base/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace roost {
namespace {

TEST(WorkerPool, RunsEveryPostedJobOffTheCallersThread) {
  std::atomic<int> ran{0};
  std::atomic<bool> on_caller{false};
  const auto caller = std::this_thread::get_id();
  {
    WorkerPool pool(3, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(pool.post([&] {
        if (std::this_thread::get_id() == caller) on_caller = true;
        ++ran;
      }));
    }
  }  // the destructor runs what is queued, then joins
  EXPECT_EQ(ran, 50);
  EXPECT_FALSE(on_caller);
}

TEST(WorkerPool, NeverRunsMoreJobsAtOnceThanItHasThreads) {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(pool.post([&] {
        int now = ++running;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        --running;
      }));
    }
  }
  EXPECT_LE(peak, 2);
  EXPECT_GE(peak, 1);
}

TEST(WorkerPool, TryPostRefusesWhenTheQueueIsFull) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> started{false};
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.try_post([&] {
    started = true;
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
  }));
  while (!started) std::this_thread::yield();  // the one thread is now busy
  EXPECT_TRUE(pool.try_post([] {}));
  EXPECT_TRUE(pool.try_post([] {}));
  EXPECT_FALSE(pool.try_post([] {})) << "a third waiting job is over the bound of 2";
  EXPECT_EQ(pool.queued(), 2u);
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
}

}  // namespace
}  // namespace roost
