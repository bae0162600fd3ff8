// A blocking loopback client for the loop-level tests: runs in its own thread, every call bounded by
// a receive/send timeout so a broken server fails a test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace roost::net::testing {

class TestClient {
 public:
  TestClient() = default;
  ~TestClient() { close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connect_to(std::uint16_t port, bool v6 = false, int timeout_ms = 5000) {
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (v6) {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      sa.sin6_port = htons(port);
      sa.sin6_addr = in6addr_loopback;
      return ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  }

  bool send_all(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // A line with its CRLF removed; "<eof>" at the end of the stream, "<timeout>" on error or timeout.
  std::string read_line() {
    for (;;) {
      auto lf = buf_.find('\n');
      if (lf != std::string::npos) {
        std::string line = buf_.substr(0, lf);
        buf_.erase(0, lf + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      int n = fill();
      if (n == 0) return "<eof>";
      if (n < 0) return "<timeout>";
    }
  }

  // Reads exactly `count` bytes (fewer at EOF or timeout).
  std::string read_bytes(std::size_t count) {
    while (buf_.size() < count && fill() > 0) {
    }
    std::string out = buf_.substr(0, count);
    buf_.erase(0, out.size());
    return out;
  }

  // True when the peer closed the stream (after any buffered bytes, which are dropped).
  bool read_eof() {
    buf_.clear();
    for (;;) {
      int n = fill();
      if (n == 0) return true;
      if (n < 0) return false;
      buf_.clear();
    }
  }

  // Sends FIN: the server sees EOF after the bytes already sent.
  void half_close() { ::shutdown(fd_, SHUT_WR); }

  // Closes with a reset (SO_LINGER 0) instead of a FIN.
  void reset() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close();
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fill() {
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n > 0) buf_.append(tmp, static_cast<std::size_t>(n));
    return n > 0 ? 1 : (n == 0 ? 0 : -1);
  }

  int fd_ = -1;
  std::string buf_;
};

}  // namespace roost::net::testing
