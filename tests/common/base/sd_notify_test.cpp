// sd_notify: the state text reaches the socket $NOTIFY_SOCKET names (a path or an abstract name),
// nothing is sent without it, and a malformed address is an error, not a crash.
#include "common/base/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace roost::sd {
namespace {

// A datagram socket standing in for systemd's notify socket, and $NOTIFY_SOCKET pointing at it
// for the test's duration.
class FakeManager {
 public:
  // `name` as $NOTIFY_SOCKET spells it: "/path" or "@abstract".
  explicit FakeManager(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (name_[0] == '@') address.sun_path[0] = '\0';
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
    ::setenv("NOTIFY_SOCKET", name_.c_str(), 1);
  }
  ~FakeManager() {
    ::unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) ::close(fd_);
    if (name_[0] == '/') ::unlink(name_.c_str());
  }
  bool bound() const { return bound_; }

  // The next datagram, or nothing within the time bound.
  std::optional<std::string> receive(int timeout_ms = 2000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string temp_socket_path() {
  return (std::filesystem::temp_directory_path() / ("roost-notify-" + std::to_string(::getpid()))).string();
}

TEST(SdNotify, ReadyReachesAPathSocket) {
  FakeManager manager(temp_socket_path());
  ASSERT_TRUE(manager.bound());
  ASSERT_TRUE(notify_ready().ok());
  EXPECT_EQ(manager.receive(), "READY=1");
}

TEST(SdNotify, AtSignNamesAnAbstractSocket) {
  FakeManager manager("@roost-notify-test-" + std::to_string(::getpid()));
  ASSERT_TRUE(manager.bound());
  ASSERT_TRUE(notify_stopping().ok());
  EXPECT_EQ(manager.receive(), "STOPPING=1");
}

TEST(SdNotify, ReloadingCarriesTheMonotonicTime) {
  EXPECT_EQ(reloading_state(1234567), "RELOADING=1\nMONOTONIC_USEC=1234567");
  FakeManager manager(temp_socket_path());
  ASSERT_TRUE(manager.bound());
  ASSERT_TRUE(notify_reloading().ok());
  auto got = manager.receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << *got;
  EXPECT_GT(got->size(), std::string("RELOADING=1\nMONOTONIC_USEC=").size());
}

TEST(SdNotify, SeveralStatesGoInOrder) {
  FakeManager manager(temp_socket_path());
  ASSERT_TRUE(manager.bound());
  ASSERT_TRUE(notify_reloading().ok());
  ASSERT_TRUE(notify_ready().ok());
  auto first = manager.receive();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->rfind("RELOADING=1", 0), 0u);
  EXPECT_EQ(manager.receive(), "READY=1");
}

TEST(SdNotify, WithoutNotifySocketNothingIsSentAndItSucceeds) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(notify_ready().ok());
  ::setenv("NOTIFY_SOCKET", "", 1);
  EXPECT_TRUE(notify_ready().ok());
  ::unsetenv("NOTIFY_SOCKET");
}

TEST(SdNotify, RelativePathIsRefused) {
  ::setenv("NOTIFY_SOCKET", "run/notify", 1);
  auto sent = notify_ready();
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.error().message.find("NOTIFY_SOCKET"), std::string::npos);
}

TEST(SdNotify, OverlongAddressIsRefused) {
  ::setenv("NOTIFY_SOCKET", ("/" + std::string(200, 'x')).c_str(), 1);
  auto sent = notify_ready();
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(sent.ok());
}

TEST(SdNotify, MissingSocketIsAnError) {
  ::setenv("NOTIFY_SOCKET", (temp_socket_path() + "-absent").c_str(), 1);
  auto sent = notify_ready();
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(sent.ok());
}

}  // namespace
}  // namespace roost::sd
