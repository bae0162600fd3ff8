// Loop, Timer and SignalWatcher.
#include "common/net/loop.h"

#include <stdexcept>
#include <string>

namespace roost::net {

Loop::Loop() : read_buffer_(new char[kReadBufferSize]) {
  int rc = uv_loop_init(&loop_);
  if (rc < 0) throw std::runtime_error(std::string("cannot create the event loop: ") + uv_strerror(rc));
}

Loop::~Loop() {
  // Close callbacks of handles closed by their owners run on the next iterations.
  for (int i = 0; i < 64; ++i) {
    if (uv_loop_close(&loop_) == 0) return;
    uv_run(&loop_, UV_RUN_NOWAIT);
  }
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        log::error("event loop handle still open at exit").kv("type", uv_handle_type_name(uv_handle_get_type(h)));
      },
      nullptr);
}

void Loop::run() { uv_run(&loop_, UV_RUN_DEFAULT); }

void Loop::stop() { uv_stop(&loop_); }

Timer::Timer(Loop& loop) {
  // uv_timer_init cannot fail.
  (void)handle_.open(this, [&](uv_timer_t* t) { return uv_timer_init(loop.get(), t); });
}

void Timer::start(std::chrono::milliseconds after, std::function<void()> callback) {
  callback_ = std::move(callback);
  auto ms = after.count() < 0 ? 0 : static_cast<std::uint64_t>(after.count());
  uv_timer_start(
      handle_.get(),
      [](uv_timer_t* t) {
        auto* self = Handle<uv_timer_t>::owner<Timer>(t);
        if (!self) return;
        // Moved out first: the callback may restart this timer or destroy it.
        auto callback = std::move(self->callback_);
        self->callback_ = nullptr;
        run_guarded("timer", [&] { callback(); });
      },
      ms, 0);
}

void Timer::stop() {
  if (handle_) uv_timer_stop(handle_.get());
  callback_ = nullptr;
}

bool Timer::active() const { return handle_ && uv_is_active(handle_.base()); }

SignalWatcher::SignalWatcher(Loop& loop, int signum, std::function<void()> callback) : callback_(std::move(callback)) {
  int rc = handle_.open(this, [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); });
  if (rc == 0) {
    rc = uv_signal_start(
        handle_.get(),
        [](uv_signal_t* s, int) {
          auto* self = Handle<uv_signal_t>::owner<SignalWatcher>(s);
          if (self) run_guarded("signal", [&] { self->callback_(); });
        },
        signum);
    if (rc < 0) handle_.close();
  }
  if (rc < 0) log::error("cannot watch signal").kv("signal", signum).kv("error", uv_strerror(rc));
}

}  // namespace roost::net
