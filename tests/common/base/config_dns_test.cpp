// Tests for the [dns] keys of roost.toml.
#include "common/base/config.h"

#include <gtest/gtest.h>

namespace roost {
namespace {

TEST(ConfigDns, DefaultsUseResolvConfWithFiveSecondsAndTwoAttempts) {
  auto s = parse_config("");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->dns.resolver.empty());
  EXPECT_EQ(s->dns.timeout, std::chrono::seconds(5));
  EXPECT_EQ(s->dns.attempts, 2);
  EXPECT_EQ(s->dns.cache_size, 10000);
}

TEST(ConfigDns, ValuesAreApplied) {
  auto s = parse_config(R"(
[dns]
resolver = ["127.0.0.1:5353", "[::1]:53"]
timeout = "800ms"
attempts = 3
cache_size = 500
)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->dns.resolver, (std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"}));
  EXPECT_EQ(s->dns.timeout, std::chrono::milliseconds(800));
  EXPECT_EQ(s->dns.attempts, 3);
  EXPECT_EQ(s->dns.cache_size, 500);
}

TEST(ConfigDns, OneResolverMayBeAPlainString) {
  auto s = parse_config("[dns]\nresolver = \"127.0.0.1:5353\"\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->dns.resolver, (std::vector<std::string>{"127.0.0.1:5353"}));
  auto bad = parse_config("[dns]\nresolver = \"localhost:53\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'dns.resolver'"), std::string::npos) << bad.error().message;
}

TEST(ConfigDns, BadValuesAreRefusedWithKeyAndReason) {
  struct Case {
    const char* toml;
    const char* fragment;
  };
  for (const Case& c : {Case{"[dns]\nresolver = [\"ns.example.org:53\"]\n", "'dns.resolver'"},
                        Case{"[dns]\nresolver = [\"127.0.0.1\"]\n", "expected ip:port"},
                        Case{"[dns]\nresolver = [\"127.0.0.1:70000\"]\n", "port must be 1 to 65535"},
                        Case{"[dns]\nresolver = [\"[::1]\"]\n", "expected [ipv6]:port"},
                        Case{"[dns]\ntimeout = \"10ms\"\n", "'dns.timeout'"},
                        Case{"[dns]\nattempts = 0\n", "'dns.attempts'"},
                        Case{"[dns]\ncache_size = -1\n", "'dns.cache_size'"}}) {
    auto s = parse_config(c.toml, "roost.toml");
    ASSERT_FALSE(s.ok()) << c.toml;
    EXPECT_NE(s.error().message.find(c.fragment), std::string::npos) << s.error().message;
  }
}

TEST(ConfigDns, ExampleConfigListsTheDnsSection) {
  std::string example = example_config("mail.example.org", "/var/lib/roost");
  EXPECT_NE(example.find("[dns]"), std::string::npos);
  EXPECT_NE(example.find("# attempts = 2"), std::string::npos);
  EXPECT_NE(example.find("# timeout = \"5s\""), std::string::npos);
  auto reparsed = parse_config(example);
  EXPECT_TRUE(reparsed.ok()) << reparsed.error().message;
}

}  // namespace
}  // namespace roost
