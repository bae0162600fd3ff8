// SocketAddress: the forms a listener address may take, and the sentences for the others.
#include "common/net/address.h"

#include <gtest/gtest.h>

namespace roost::net {
namespace {

TEST(NetAddress, ParsesIpv4WithPort) {
  auto a = SocketAddress::parse("127.0.0.1:2525");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_FALSE(a->is_v6());
  EXPECT_EQ(a->ip(), "127.0.0.1");
  EXPECT_EQ(a->port(), 2525);
  EXPECT_EQ(a->to_string(), "127.0.0.1:2525");
}

TEST(NetAddress, ParsesBracketedIpv6WithPort) {
  auto a = SocketAddress::parse("[::1]:25");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(a->is_v6());
  EXPECT_EQ(a->ip(), "::1");
  EXPECT_EQ(a->port(), 25);
  EXPECT_EQ(a->to_string(), "[::1]:25");
  auto any = SocketAddress::parse("[::]:0");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->to_string(), "[::]:0");
  EXPECT_TRUE(SocketAddress::parse("0.0.0.0:25").ok());
}

TEST(NetAddress, RefusesBadFormsWithASentence) {
  const char* bad[] = {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:25x",
                       "::1:25", "[::1]", "[::1]25", "[::1:25", "[127.0.0.1]:25", "localhost:25", "1.2.3:25",
                       ":25", "[fe80::1%eth0]:25"};
  for (const char* text : bad) {
    auto a = SocketAddress::parse(text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_NE(a.error().message.find('\''), std::string::npos) << a.error().message;
    EXPECT_GT(a.error().message.size(), 20u) << a.error().message;
  }
  EXPECT_NE(SocketAddress::parse("::1:25").error().message.find("[::1]:25"), std::string::npos);
}

}  // namespace
}  // namespace roost::net
