// LoopPost: hands work from other threads (the store's writer, hashing and reader threads) to the
// event loop with one uv_async_t. Every daemon uses one to bring store results back to its loop.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "common/net/handle.h"
#include "common/net/loop.h"

namespace roost::net {

class LoopPost {
 public:
  // Throws std::runtime_error when the async handle cannot be created (start-up only).
  explicit LoopPost(Loop& loop);
  // Closes the async handle; later posts are dropped.
  ~LoopPost();
  LoopPost(const LoopPost&) = delete;
  LoopPost& operator=(const LoopPost&) = delete;

  using Task = std::function<void()>;
  // Any thread. The task runs on the loop thread, in posting order; after close() it is dropped
  // (destroyed on the posting thread). Tasks must not throw.
  void post(Task task) { shared_->post(std::move(task)); }
  // Poster for completions that may outlive this object: posting through it after close() is safe.
  std::function<void(Task)> poster() const;
  void close();

 private:
  // Shared with every completion that may still run on another thread after the LoopPost is gone
  // (the store's threads are stopped later than the loop's handles are closed).
  struct Shared {
    std::mutex mutex;
    uv_async_t* async = nullptr;  // null once closed
    std::deque<Task> tasks;
    void post(Task task);
  };
  static void on_async(uv_async_t* handle);

  std::shared_ptr<Shared> shared_;
  Handle<uv_async_t> handle_;
};

}  // namespace roost::net
