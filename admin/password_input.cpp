// Reading passwords from stdin or the terminal, generating them, and keeping them out of memory
// once used.
#include "admin/password_input.h"

#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace roost::admin {

Password::Password() : buf_(new char[kMaxPasswordLength + 1]()) {}

Password::~Password() {
  wipe();
  delete[] buf_;
}

Password::Password(Password&& other) noexcept : buf_(other.buf_), len_(other.len_) {
  other.buf_ = new char[kMaxPasswordLength + 1]();
  other.len_ = 0;
}

Password& Password::operator=(Password&& other) noexcept {
  if (this != &other) {
    std::swap(buf_, other.buf_);
    std::swap(len_, other.len_);
    other.wipe();
  }
  return *this;
}

bool Password::push_back(char c) {
  if (len_ >= kMaxPasswordLength) return false;
  buf_[len_++] = c;
  return true;
}

bool Password::operator==(const Password& other) const {
  if (len_ != other.len_) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < len_; ++i) diff |= static_cast<unsigned char>(buf_[i] ^ other.buf_[i]);
  return diff == 0;
}

void Password::wipe() {
  explicit_bzero(buf_, kMaxPasswordLength + 1);
  len_ = 0;
}

namespace {

enum class LineEnd { newline, eof, too_long, error };

// Reads fd byte by byte up to a newline, so nothing past the line is consumed and no stdio buffer
// keeps a copy of the password.
LineEnd read_line(int fd, Password& out) {
  for (;;) {
    char c = 0;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LineEnd::error;
    if (n == 0) return LineEnd::eof;
    if (c == '\n') break;
    if (!out.push_back(c)) {
      // Drain the rest of the line so it does not reach anything that reads stdin next.
      while (::read(fd, &c, 1) == 1 && c != '\n') {
      }
      c = 0;
      return LineEnd::too_long;
    }
  }
  if (!out.empty() && out.view().back() == '\r') out.pop_back();
  return LineEnd::newline;
}

std::string too_long_message() {
  return fmt::format("the password is longer than {} bytes; choose a shorter one", kMaxPasswordLength);
}

// The terminal state to restore when a signal arrives while echo is off.
struct termios saved_termios;
volatile sig_atomic_t echo_is_off = 0;
constexpr int kRestoreSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void restore_and_reraise(int sig) {
  if (echo_is_off) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Turns echo off on stdin for its lifetime.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_termios) != 0) return;
    installed_ = true;
    for (std::size_t i = 0; i < std::size(kRestoreSignals); ++i) {
      struct sigaction sa {};
      sa.sa_handler = restore_and_reraise;
      sigemptyset(&sa.sa_mask);
      ::sigaction(kRestoreSignals[i], &sa, &old_[i]);
    }
    struct termios quiet = saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    echo_is_off = 1;
    active_ = ::tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0;
    if (!active_) echo_is_off = 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
    echo_is_off = 0;
    if (!installed_) return;
    for (std::size_t i = 0; i < std::size(kRestoreSignals); ++i) ::sigaction(kRestoreSignals[i], &old_[i], nullptr);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  bool installed_ = false;
  bool active_ = false;
  struct sigaction old_[std::size(kRestoreSignals)] {};
};

Result<Password> ask_once(std::string_view prompt) {
  Password pw;
  LineEnd end;
  {
    // Echo goes off before the prompt shows, so nothing typed after seeing it is ever echoed.
    EchoOff quiet;
    std::fputs(std::string(prompt).c_str(), stderr);
    std::fflush(stderr);
    end = read_line(STDIN_FILENO, pw);
  }
  switch (end) {
    case LineEnd::newline:
      return pw;
    case LineEnd::eof:
      std::fputc('\n', stderr);
      return fail("no password was entered (end of input)");
    case LineEnd::too_long:
      return fail(too_long_message());
    case LineEnd::error:
      break;
  }
  return fail("cannot read the password from the terminal");
}

}  // namespace

Result<Password> read_password_stdin() {
  Password pw;
  switch (read_line(STDIN_FILENO, pw)) {
    case LineEnd::newline:
      return pw;
    case LineEnd::eof:
      if (!pw.empty()) return pw;  // a last line without a newline
      return fail("--password-stdin was given but standard input is empty; pipe the password in");
    case LineEnd::too_long:
      return fail(too_long_message());
    case LineEnd::error:
      break;
  }
  return fail("cannot read the password from standard input");
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

Result<Password> prompt_password(std::string_view prompt, bool confirm) {
  auto first = ask_once(prompt);
  if (!first) return first;
  if (!confirm || first->empty()) return first;
  auto second = ask_once("Repeat the password: ");
  if (!second) return second;
  if (!(*first == *second)) return fail("the two passwords differ; nothing was changed");
  return first;
}

Result<Password> generate_password() {
  // 57 characters (no 0, O, 1, l, I): log2(57) * 24 > 139 bits.
  static constexpr std::string_view kAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  // Rejection sampling: bytes at or above the largest multiple of the alphabet size are skipped,
  // so every character is equally likely.
  const unsigned limit = 256 - 256 % kAlphabet.size();
  Password pw;
  unsigned char bytes[64];
  while (pw.size() < kGeneratedPasswordLength) {
    ssize_t n = ::getrandom(bytes, sizeof bytes, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot read random bytes from the kernel to generate a password");
    for (ssize_t i = 0; i < n && pw.size() < kGeneratedPasswordLength; ++i) {
      if (bytes[i] < limit) pw.push_back(kAlphabet[bytes[i] % kAlphabet.size()]);
    }
  }
  explicit_bzero(bytes, sizeof bytes);
  return pw;
}

Status check_password(const Password& password) {
  if (password.size() < kMinPasswordLength) {
    return fail(fmt::format("the password is too short: use at least {} characters", kMinPasswordLength));
  }
  return {};
}

}  // namespace roost::admin
