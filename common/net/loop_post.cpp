// LoopPost: cross-thread hand-off to the loop.
#include "common/net/loop_post.h"

#include <stdexcept>

namespace roost::net {

LoopPost::LoopPost(Loop& loop) : shared_(std::make_shared<Shared>()) {
  int rc = handle_.open(this, [&](uv_async_t* a) { return uv_async_init(loop.get(), a, &LoopPost::on_async); });
  if (rc < 0) throw std::runtime_error("uv_async_init failed");  // start-up only
  shared_->async = handle_.get();
}

LoopPost::~LoopPost() { close(); }

void LoopPost::close() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->async = nullptr;
    shared_->tasks.clear();
  }
  handle_.close();
}

void LoopPost::Shared::post(Task task) {
  std::unique_lock lock(mutex);
  if (!async) {
    lock.unlock();
    return;  // the task is destroyed here, outside the lock
  }
  tasks.push_back(std::move(task));
  uv_async_send(async);
}

std::function<void(LoopPost::Task)> LoopPost::poster() const {
  return [shared = shared_](Task task) { shared->post(std::move(task)); };
}

void LoopPost::on_async(uv_async_t* handle) {
  auto* self = Handle<uv_async_t>::owner<LoopPost>(handle);
  if (!self) return;
  std::deque<Task> tasks;
  {
    std::lock_guard lock(self->shared_->mutex);
    tasks.swap(self->shared_->tasks);
  }
  for (auto& task : tasks) {
    run_guarded("loop_post", task);
  }
}

}  // namespace roost::net
