// Progress (see progress.h).
#include "admin/progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace roost::admin {

namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
}

Progress::Progress(std::string noun, std::FILE* out)
    : noun_(std::move(noun)),
      out_(out),
      terminal_(out != nullptr && ::isatty(fileno(out)) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(std::int64_t done, std::int64_t skipped) {
  if (!terminal_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < kRedrawInterval) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double rate = seconds > 0 ? static_cast<double>(done + skipped) / seconds : 0.0;
  std::string line = fmt::format("\r{} {}", done, noun_);
  if (skipped) line += fmt::format(", {} skipped", skipped);
  line += fmt::format(" ({:.0f}/s)\x1b[K", rate);  // ESC[K clears what a longer line left behind
  std::fputs(line.c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fputs("\n", out_);
  drawn_ = false;
}

}  // namespace roost::admin
