// LoopPost: hands work from other threads (the store's writer, the hashing pool, the reader pool)
// back to the event loop. post() may be called from any thread; the functions run on the loop, in
// order. common/net has no such facility yet; this one may move there when another daemon needs it.
#pragma once

#include <deque>
#include <functional>
#include <mutex>

#include <uv.h>

#include "common/net/handle.h"
#include "common/net/loop.h"

namespace roost::smtp {

class LoopPost {
 public:
  // Throws std::runtime_error when the async handle cannot be created (start-up only).
  explicit LoopPost(net::Loop& loop);
  // Closes the handle; functions still queued are dropped without running. Posts after this are dropped.
  ~LoopPost();
  LoopPost(const LoopPost&) = delete;
  LoopPost& operator=(const LoopPost&) = delete;

  // Thread-safe. The function runs later on the loop (never inside this call) and must not throw.
  void post(std::function<void()> fn);

 private:
  void run_queued();

  net::Handle<uv_async_t> async_;
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
  bool closed_ = false;
};

}  // namespace roost::smtp
