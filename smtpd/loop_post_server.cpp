// LoopPost (see loop_post_server.h).
#include "smtpd/loop_post_server.h"

#include <stdexcept>

namespace roost::smtp {

LoopPost::LoopPost(net::Loop& loop) {
  int rc = async_.open(this, [&](uv_async_t* a) {
    return uv_async_init(loop.get(), a, [](uv_async_t* h) {
      if (auto* self = net::Handle<uv_async_t>::owner<LoopPost>(h)) self->run_queued();
    });
  });
  if (rc < 0) throw std::runtime_error(std::string("cannot create an async handle: ") + uv_strerror(rc));
}

LoopPost::~LoopPost() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    queue_.clear();
  }
  async_.close();
}

void LoopPost::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  queue_.push_back(std::move(fn));
  // Under the lock: the destructor cannot close the handle between the check and the send.
  uv_async_send(async_.get());
}

void LoopPost::run_queued() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) {
    net::run_guarded("posted function", fn);
  }
}

}  // namespace roost::smtp
