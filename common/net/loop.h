// The event loop (Loop) and the small handles built on it: Timer (one-shot callbacks) and
// SignalWatcher. Every wrapper must be destroyed before its Loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include <uv.h>

#include "common/net/handle.h"

namespace roost::net {

class Loop {
 public:
  // Throws std::runtime_error when libuv cannot create a loop (start-up only).
  Loop();
  // Runs the loop until pending close callbacks have freed their handles, then closes it. A handle
  // still open at that point is a bug in its owner: it is logged.
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  uv_loop_t* get() { return &loop_; }
  // Runs until stop() or until nothing is active. Returns when the loop has nothing left to do.
  void run();
  // Makes run() return after the current iteration.
  void stop();
  std::uint64_t now_ms() { return uv_now(&loop_); }

  // One buffer for every read on this loop: a read callback consumes its bytes before returning, so
  // connections need not hold a read buffer each.
  char* read_buffer() { return read_buffer_.get(); }
  static constexpr std::size_t kReadBufferSize = 64 * 1024;

 private:
  uv_loop_t loop_{};
  std::unique_ptr<char[]> read_buffer_;
};

// A one-shot timer. The callback runs on the loop; destroying the Timer (even from inside the
// callback) cancels it.
class Timer {
 public:
  explicit Timer(Loop& loop);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Replaces any pending callback.
  void start(std::chrono::milliseconds after, std::function<void()> callback);
  void stop();
  bool active() const;

 private:
  Handle<uv_timer_t> handle_;
  std::function<void()> callback_;
};

// Calls `callback` on the loop each time `signum` arrives (signal-safe: libuv defers it to the loop).
class SignalWatcher {
 public:
  SignalWatcher(Loop& loop, int signum, std::function<void()> callback);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  // False when the watcher could not be installed (logged).
  bool ok() const { return static_cast<bool>(handle_); }
  void stop() { handle_.close(); }

 private:
  Handle<uv_signal_t> handle_;
  std::function<void()> callback_;
};

}  // namespace roost::net
