// Parsing and printing of IPv4/IPv6 socket addresses.
#include "common/net/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace roost::net {

namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535) {
    return fail("'" + std::string(whole) + "' has no valid port: expected a number from 0 to 65535 after the last ':'");
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

Result<SocketAddress> SocketAddress::parse(std::string_view text) {
  const std::string whole(text);
  SocketAddress out;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return fail("'" + whole + "' opens '[' but never closes it: write [::1]:25");
    if (close + 1 >= text.size() || text[close + 1] != ':') {
      return fail("'" + whole + "' has no port: write [::1]:25");
    }
    std::string host(text.substr(1, close - 1));
    auto port = parse_port(text.substr(close + 2), text);
    if (!port) return fail(port.error());
    auto* sa6 = reinterpret_cast<sockaddr_in6*>(&out.storage_);
    sa6->sin6_family = AF_INET6;
    sa6->sin6_port = htons(*port);
    if (host.find('%') != std::string::npos || inet_pton(AF_INET6, host.c_str(), &sa6->sin6_addr) != 1) {
      return fail("'" + whole + "' does not hold an IPv6 address between the brackets");
    }
    return out;
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("'" + whole + "' has no port: write 127.0.0.1:25 or [::1]:25");
  std::string host(text.substr(0, colon));
  if (host.find(':') != std::string::npos) {
    return fail("'" + whole + "' looks like an IPv6 address without brackets: write it as [::1]:25");
  }
  auto port = parse_port(text.substr(colon + 1), text);
  if (!port) return fail(port.error());
  auto* sa4 = reinterpret_cast<sockaddr_in*>(&out.storage_);
  sa4->sin_family = AF_INET;
  sa4->sin_port = htons(*port);
  if (host.empty() || inet_pton(AF_INET, host.c_str(), &sa4->sin_addr) != 1) {
    return fail("'" + whole + "' does not start with an IPv4 address (host names are not accepted here)");
  }
  return out;
}

Result<SocketAddress> SocketAddress::from_sockaddr(const sockaddr* sa) {
  SocketAddress out;
  if (sa == nullptr) return fail("no address");
  if (sa->sa_family == AF_INET) {
    std::memcpy(&out.storage_, sa, sizeof(sockaddr_in));
  } else if (sa->sa_family == AF_INET6) {
    std::memcpy(&out.storage_, sa, sizeof(sockaddr_in6));
  } else {
    return fail("address family " + std::to_string(sa->sa_family) + " is neither IPv4 nor IPv6");
  }
  return out;
}

std::string SocketAddress::ip() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (storage_.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  } else if (storage_.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::uint16_t SocketAddress::port() const {
  if (storage_.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (storage_.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  if (is_v6()) return "[" + ip() + "]:" + std::to_string(port());
  return ip() + ":" + std::to_string(port());
}

}  // namespace roost::net
