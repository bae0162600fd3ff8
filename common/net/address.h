// Socket addresses for listeners and logs: parsing "127.0.0.1:25" / "[::1]:25" and printing them back.
// Only IP literals are accepted: a listener binds an address, it never resolves a host name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "common/base/result.h"

namespace roost::net {

// An IPv4 or IPv6 address with a port, stored as a sockaddr ready for bind/connect.
class SocketAddress {
 public:
  SocketAddress() = default;

  // Parses "a.b.c.d:port" or "[v6]:port" (port 0..65535; 0 = let the system choose). Fails with a
  // sentence naming the text and what is wrong with it.
  static Result<SocketAddress> parse(std::string_view text);
  // Copies a sockaddr returned by the system (getpeername, getsockname); fails for other families.
  static Result<SocketAddress> from_sockaddr(const sockaddr* sa);

  bool is_v6() const { return storage_.ss_family == AF_INET6; }
  // The address without the port: "127.0.0.1", "::1".
  std::string ip() const;
  std::uint16_t port() const;
  // "127.0.0.1:25" or "[::1]:25", as parse() accepts it.
  std::string to_string() const;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }

 private:
  sockaddr_storage storage_{};
};

}  // namespace roost::net
