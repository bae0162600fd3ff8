// Tests for the resolver's options taken from the [dns] config section. (Lookups on the wire are in
// dns_exchange_test.cpp, against a fake server.)
#include "common/dns/dns_client.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

TEST(DnsOptions, ConfiguredResolversTimeoutAttemptsAndCacheSize) {
  DnsSettings settings;
  settings.resolver = {"127.0.0.1:5353", "[::1]:53"};
  settings.timeout = std::chrono::milliseconds(750);
  settings.attempts = 3;
  settings.cache_size = 42;
  auto options = options_from_settings(settings, "/nonexistent/resolv.conf");
  ASSERT_TRUE(options.ok()) << options.error().message;
  ASSERT_EQ(options->exchange.servers.size(), 2u);
  EXPECT_EQ(options->exchange.servers[0].text, "127.0.0.1:5353");
  EXPECT_EQ(options->exchange.servers[1].address.ss_family, AF_INET6);
  EXPECT_EQ(options->exchange.timeout, std::chrono::milliseconds(750));
  EXPECT_EQ(options->exchange.attempts, 3);
  EXPECT_EQ(options->cache_size, 42u);
}

TEST(DnsOptions, EmptyResolverListMeansTheNameserversOfResolvConf) {
  std::string path = testing::TempDir() + "roost_resolv_" + std::to_string(::getpid()) + ".conf";
  {
    std::ofstream out(path);
    out << "nameserver 192.0.2.53\nnameserver 192.0.2.54\n";
  }
  auto options = options_from_settings(DnsSettings{}, path);
  std::remove(path.c_str());
  ASSERT_TRUE(options.ok()) << options.error().message;
  ASSERT_EQ(options->exchange.servers.size(), 2u);
  EXPECT_EQ(options->exchange.servers[0].text, "192.0.2.53:53");
  EXPECT_EQ(options->exchange.servers[1].text, "192.0.2.54:53");
  EXPECT_EQ(options->exchange.timeout, std::chrono::seconds(5));
  EXPECT_EQ(options->exchange.attempts, 2);
}

TEST(DnsOptions, BadResolverIsRefusedWithTheKeyName) {
  DnsSettings settings;
  settings.resolver = {"resolver.example:53"};
  auto options = options_from_settings(settings);
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.error().message.find("dns.resolver"), std::string::npos) << options.error().message;
}

}  // namespace
}  // namespace roost::dns
