// A progress line for long roostctl commands (import, export, backup): on a terminal, one line on
// stderr rewritten with '\r' (count and rate), at most a few times a second; nothing otherwise, so
// scripts and logs only get the summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace roost::admin {

class Progress {
 public:
  // `noun` names what is counted ("messages", "pages"). out == nullptr: never shown (e.g. while
  // the command's own output goes to the terminal).
  explicit Progress(std::string noun, std::FILE* out = stderr);
  // Shows `done` (and `skipped` when not 0) if the last update is old enough.
  void update(std::int64_t done, std::int64_t skipped = 0);
  // Ends the line (if one was drawn).
  void finish();
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  std::string noun_;
  std::FILE* out_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace roost::admin
