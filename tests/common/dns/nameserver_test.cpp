// Tests for nameserver addresses from the config and from resolv.conf.
#include "common/dns/nameserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

unsigned port_of(const Nameserver& ns) {
  if (ns.address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ns.address)->sin_port);
  return ntohs(reinterpret_cast<const sockaddr_in6*>(&ns.address)->sin6_port);
}

TEST(Nameserver, Ipv4WithPort) {
  auto ns = parse_nameserver("127.0.0.1:5353");
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  EXPECT_EQ(ns->address.ss_family, AF_INET);
  EXPECT_EQ(port_of(*ns), 5353u);
  EXPECT_EQ(ns->text, "127.0.0.1:5353");
}

TEST(Nameserver, BracketedIpv6WithPort) {
  auto ns = parse_nameserver("[::1]:5300");
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  EXPECT_EQ(ns->address.ss_family, AF_INET6);
  EXPECT_EQ(port_of(*ns), 5300u);
}

TEST(Nameserver, BareAddressesUsePort53) {
  EXPECT_EQ(port_of(parse_nameserver("192.0.2.53").value()), 53u);
  EXPECT_EQ(port_of(parse_nameserver("2001:db8::53").value()), 53u);
}

TEST(Nameserver, NamesAndBadPortsAreRefused) {
  for (const char* bad : {"ns.example.org:53", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]5353",
                          "[::1:53", "", "127.0.0.1:"}) {
    EXPECT_FALSE(parse_nameserver(bad).ok()) << bad;
  }
}

TEST(Nameserver, ResolvConfNameserverLinesInOrder) {
  auto servers = nameservers_from_resolv_conf_text(
      "# comment\nsearch example.org\nnameserver 192.0.2.1\noptions timeout:1\nnameserver 2001:db8::1\n"
      "nameserver not-an-ip\n");
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].text, "192.0.2.1:53");
  EXPECT_EQ(servers[1].text, "[2001:db8::1]:53");
}

TEST(Nameserver, ResolvConfWithoutNameserverMeansLocalHost) {
  auto servers = nameservers_from_resolv_conf_text("search example.org\n");
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0].text, "127.0.0.1:53");
}

}  // namespace
}  // namespace roost::dns
