// Handle<T>: owns one libuv handle (uv_tcp_t, uv_timer_t, uv_signal_t). The handle is closed exactly
// once, on the loop, and its memory is freed in the close callback, never earlier: libuv may still
// touch it (cancelled write requests) until then.
#pragma once

#include <exception>
#include <utility>

#include <uv.h>

#include "common/base/log.h"

namespace roost::net {

template <typename T>
class Handle {
 public:
  Handle() = default;
  // Closes the handle if still open, and disarms a pending on_closed: the owner is going away.
  ~Handle() {
    close();
    if (closing_) {
      closing_->on_closed = nullptr;
      closing_->tracker = nullptr;
    }
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // Allocates the handle, sets handle->data = owner and calls init(T*) (a uv_*_init call returning a
  // libuv status). On failure the memory is freed at once (an uninitialised handle is never closed)
  // and the status returned.
  template <typename Init>
  int open(void* owner, Init&& init) {
    close();
    auto* box = new Box{};
    int rc = std::forward<Init>(init)(&box->uv);
    if (rc < 0) {
      delete box;
      return rc;
    }
    box->uv.data = owner;
    box_ = box;
    return 0;
  }

  T* get() const { return box_ ? &box_->uv : nullptr; }
  uv_handle_t* base() const { return box_ ? reinterpret_cast<uv_handle_t*>(&box_->uv) : nullptr; }
  explicit operator bool() const { return box_ != nullptr; }

  // Starts closing (once; later calls do nothing). Callbacks stop reaching the owner at once
  // (handle->data is cleared); on_closed(arg), when given, runs in the close callback just before the
  // memory is freed, which is the earliest moment an owner may be destroyed.
  void close(void (*on_closed)(void*) = nullptr, void* arg = nullptr) {
    if (!box_) return;
    Box* box = box_;
    box_ = nullptr;
    box->uv.data = nullptr;
    box->on_closed = on_closed;
    box->arg = arg;
    box->tracker = &closing_;
    closing_ = box;
    uv_close(reinterpret_cast<uv_handle_t*>(&box->uv), [](uv_handle_t* h) {
      // Box is standard-layout with the handle first, so the two addresses are the same.
      Box* b = reinterpret_cast<Box*>(h);
      if (b->tracker) *b->tracker = nullptr;
      b->tracker = nullptr;
      // on_closed may destroy the Handle (and its owner): nothing of theirs is touched after it.
      if (b->on_closed) b->on_closed(b->arg);
      delete b;
    });
  }

  // The owner given to open(), or nullptr once closing started.
  template <typename Owner>
  static Owner* owner(const void* handle) {
    return static_cast<Owner*>(static_cast<const uv_handle_t*>(handle)->data);
  }

 private:
  struct Box {
    T uv;
    void (*on_closed)(void*) = nullptr;
    void* arg = nullptr;
    Box** tracker = nullptr;  // the Handle's closing_ while it is alive
  };
  Box* box_ = nullptr;
  Box* closing_ = nullptr;  // closed, close callback not yet run
};

// Runs f() inside a libuv callback: an exception (a bug) is logged and stops here instead of
// unwinding through C frames. Returns false when f threw.
template <typename F>
bool run_guarded(const char* where, F&& f) noexcept {
  try {
    std::forward<F>(f)();
    return true;
  } catch (const std::exception& e) {
    log::error("exception in event callback").kv("where", where).kv("error", e.what());
  } catch (...) {
    log::error("exception in event callback").kv("where", where);
  }
  return false;
}

}  // namespace roost::net
