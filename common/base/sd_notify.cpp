// sd_notify: one datagram to $NOTIFY_SOCKET. systemd reads the sender's credentials from the socket
// (SO_PASSCRED), so nothing but the state text is sent.
#include "common/base/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace roost::sd {
namespace {

// Closes the socket on every path out of notify().
class SocketFd {
 public:
  explicit SocketFd(int fd) : fd_(fd) {}
  ~SocketFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  SocketFd(const SocketFd&) = delete;
  SocketFd& operator=(const SocketFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

long long monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
}

}  // namespace

Status notify(std::string_view state) {
  const char* env = std::getenv("NOTIFY_SOCKET");
  if (env == nullptr || *env == '\0') return {};
  std::string_view name(env);

  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // A path must be absolute; '@' names a socket in the abstract namespace (a leading NUL byte).
  if (name.front() != '/' && name.front() != '@') {
    return fail(fmt::format("NOTIFY_SOCKET={} is neither an absolute path nor an abstract name", name));
  }
  if (name.size() > sizeof(address.sun_path) - (name.front() == '/' ? 1 : 0)) {
    return fail(fmt::format("NOTIFY_SOCKET is {} bytes, longer than a socket address holds", name.size()));
  }
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name.front() == '@') address.sun_path[0] = '\0';
  // An abstract name is exactly as long as given (no terminating NUL counts).
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());

  SocketFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return fail(fmt::format("cannot create the notify socket: {}", std::strerror(errno)));
  ssize_t sent = 0;
  do {
    sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address),
                    length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return fail(fmt::format("cannot notify {}: {}", name, std::strerror(errno)));
  if (static_cast<std::size_t>(sent) != state.size()) return fail(fmt::format("short notification to {}", name));
  return {};
}

Status notify_ready() { return notify("READY=1"); }

Status notify_stopping() { return notify("STOPPING=1"); }

std::string reloading_state(long long usec) { return fmt::format("RELOADING=1\nMONOTONIC_USEC={}", usec); }

Status notify_reloading() { return notify(reloading_state(monotonic_usec())); }

}  // namespace roost::sd
