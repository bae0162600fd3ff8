// Where roostctl gets a password from: one line of standard input (--password-stdin), the terminal
// with echo off (asked twice), or a generated one. Never from argv. Buffers are wiped after use.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::admin {

inline constexpr std::size_t kMaxPasswordLength = 1024;  // bytes
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kGeneratedPasswordLength = 24;

// A password in memory. Its buffer is allocated once at full size (so it never moves while being
// filled) and overwritten with zeros when the Password is destroyed. Move-only.
class Password {
 public:
  Password();
  ~Password();
  Password(Password&& other) noexcept;
  Password& operator=(Password&& other) noexcept;
  Password(const Password&) = delete;
  Password& operator=(const Password&) = delete;

  std::string_view view() const { return {buf_, len_}; }
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  // Appends one byte; false when the password would exceed kMaxPasswordLength.
  bool push_back(char c);
  void pop_back() { if (len_ > 0) buf_[--len_] = 0; }
  bool operator==(const Password& other) const;

 private:
  void wipe();
  char* buf_;
  std::size_t len_ = 0;
};

// Reads one line from standard input (the newline, and a CR before it, are not part of it).
Result<Password> read_password_stdin();
// True when standard input is a terminal (so roostctl may prompt).
bool stdin_is_terminal();
// Prompts on stderr and reads from the terminal on stdin with echo off; asks twice and compares
// unless confirm is false. Echo is restored on return and on SIGINT/SIGTERM/SIGHUP/SIGQUIT.
// An empty first answer is returned as is (the caller decides what it means).
Result<Password> prompt_password(std::string_view prompt, bool confirm);
// kGeneratedPasswordLength characters from an alphabet without look-alikes (no 0/O, 1/l/I),
// drawn from the kernel's random source.
Result<Password> generate_password();
// Refuses passwords shorter than kMinPasswordLength, with a sentence that says so.
Status check_password(const Password& password);

}  // namespace roost::admin
