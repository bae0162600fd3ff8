// Tests for name checks and reverse-DNS names.
#include "common/dns/dns_name.h"

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

TEST(DnsName, CanonicalFormIsLowerCaseWithoutTrailingDot) {
  EXPECT_EQ(canonical_name("Mail.Example.ORG.").value(), "mail.example.org");
  EXPECT_EQ(canonical_name("xn--bcher-kva.example").value(), "xn--bcher-kva.example");
  EXPECT_EQ(canonical_name("sel._domainkey.example.org").value(), "sel._domainkey.example.org");
}

TEST(DnsName, LabelOf63BytesIsAcceptedAnd64Refused) {
  std::string label63(63, 'a');
  EXPECT_TRUE(canonical_name(label63 + ".example").ok());
  auto refused = canonical_name(label63 + "a.example");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("63"), std::string::npos);
}

TEST(DnsName, NameOf253BytesIsAcceptedAnd254Refused) {
  // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253
  std::string name = std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                     std::string(61, 'd');
  ASSERT_EQ(name.size(), 253u);
  EXPECT_TRUE(canonical_name(name).ok());
  EXPECT_TRUE(canonical_name(name + ".").ok()) << "a trailing dot is not counted";
  auto refused = canonical_name(name + "d");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("253"), std::string::npos);
}

TEST(DnsName, EmptyLabelsAndForeignBytesAreRefused) {
  for (const char* bad : {"", ".", "a..b", ".a", "b\xc3\xbc" "cher.example", "a b.example", "a\\.b", "a/b"}) {
    EXPECT_FALSE(canonical_name(bad).ok()) << bad;
  }
}

TEST(DnsName, ReverseNameOfIpv4) {
  EXPECT_EQ(reverse_name("192.0.2.25").value(), "25.2.0.192.in-addr.arpa");
}

TEST(DnsName, ReverseNameOfIpv6IsNibblesInIp6Arpa) {
  // RFC 3596 2.5's example address.
  EXPECT_EQ(reverse_name("4321:0:1:2:3:4:567:89ab").value(),
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
}

TEST(DnsName, ReverseNameOfSomethingElseIsRefused) {
  EXPECT_FALSE(reverse_name("mail.example.org").ok());
  EXPECT_FALSE(reverse_name("192.0.2.256").ok());
}

}  // namespace
}  // namespace roost::dns
