// Tests for common/mail/domain: RFC 5321 domain syntax, lengths, and IDNA conversion both ways.
#include "common/mail/domain.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

std::string labels(int count, int length) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i) out += '.';
    out += std::string(static_cast<std::size_t>(length), 'a');
  }
  return out;
}

TEST(Domain, AsciiSyntaxAcceptsLetterDigitHyphenLabels) {
  for (const char* d : {"example.org", "a.b", "x", "3com.example", "a-b.example", "xn--bcher-kva.example",
                        "EXAMPLE.ORG", "123.example"}) {
    EXPECT_TRUE(is_ascii_domain(d)) << d;
  }
}

TEST(Domain, AsciiSyntaxRejectsBadLabels) {
  for (const char* d : {"", ".", "a..b", ".a", "a.", "-a.example", "a-.example", "a_b.example", "a b.example",
                        "a@b", "bücher.example"}) {
    EXPECT_FALSE(is_ascii_domain(d)) << d;
  }
}

TEST(Domain, LabelOf63IsAllowedAnd64IsNot) {
  EXPECT_TRUE(is_ascii_domain(labels(1, 63) + ".example"));
  EXPECT_FALSE(is_ascii_domain(labels(1, 64) + ".example"));
  EXPECT_FALSE(normalize_domain(labels(1, 64) + ".example").ok());
}

TEST(Domain, TotalOf255IsAllowedAnd256IsNot) {
  std::string d255 = labels(4, 63);  // 4*63 + 3 dots = 255
  ASSERT_EQ(d255.size(), 255u);
  EXPECT_TRUE(is_ascii_domain(d255));
  EXPECT_TRUE(normalize_domain(d255).ok());
  std::string d256 = d255 + "a";
  EXPECT_FALSE(is_ascii_domain(d256));
  EXPECT_FALSE(normalize_domain(d256).ok());
}

TEST(Domain, NormaliseStripsOneTrailingDotAndLowerCases) {
  auto d = normalize_domain("Mail.EXAMPLE.org.");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(*d, "mail.example.org");
  EXPECT_FALSE(normalize_domain("example.org..").ok());
  EXPECT_FALSE(normalize_domain(".").ok());
  EXPECT_FALSE(normalize_domain("").ok());
}

TEST(Domain, NormaliseConvertsULabelsToALabels) {
  struct Case {
    const char* input;
    const char* ascii;
  };
  const Case kCases[] = {
      {"bücher.example", "xn--bcher-kva.example"},
      {"Bücher.Example.", "xn--bcher-kva.example"},
      {"mail.bücher.example", "mail.xn--bcher-kva.example"},
      {"例え.テスト", "xn--r8jz45g.xn--zckzah"},
      // UTS #46 non-transitional: sharp s stays a sharp s (not "ss").
      {"faß.de", "xn--fa-hia.de"},
  };
  for (const auto& c : kCases) {
    auto d = normalize_domain(c.input);
    ASSERT_TRUE(d.ok()) << c.input << ": " << d.error().message;
    EXPECT_EQ(*d, c.ascii) << c.input;
  }
}

TEST(Domain, NormaliseAcceptsNfdInputByComposingIt) {
  // "u" + COMBINING DIAERESIS is composed to "ü" (IDN2_NFC_INPUT).
  auto d = normalize_domain("bu\xcc\x88" "cher.example");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(*d, "xn--bcher-kva.example");
}

TEST(Domain, ALabelRoundTripsToULabel) {
  auto u = domain_to_unicode("xn--bcher-kva.example");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(*u, "bücher.example");
  auto a = normalize_domain(*u);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "xn--bcher-kva.example");
  auto upper = domain_to_unicode("XN--BCHER-KVA.Example");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, "bücher.example");
}

TEST(Domain, ToUnicodeLeavesAsciiDomainsLowerCased) {
  auto u = domain_to_unicode("Example.ORG");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, "example.org");
}

TEST(Domain, RejectsInvalidIdnaInput) {
  EXPECT_FALSE(normalize_domain("xn--.example").ok());         // empty punycode
  EXPECT_FALSE(normalize_domain("\xff\xfe.example").ok());      // not UTF-8
  EXPECT_FALSE(normalize_domain("a\xe2\x9d\xa4.example").ok()); // U+2764 is disallowed by IDNA2008
  EXPECT_FALSE(normalize_domain("bü_cher.example").ok());      // underscore is not LDH
  EXPECT_FALSE(domain_to_unicode("a..b").ok());
}

TEST(Domain, ErrorIsASentence) {
  auto d = normalize_domain("a..b");
  ASSERT_FALSE(d.ok());
  EXPECT_FALSE(d.error().message.empty());
}

TEST(Domain, ULabelDomainOverLongAfterConversionIsRejected) {
  // 20 labels of "ü" * 10 each become long A-labels; the A-label form must fit in 255.
  std::string d;
  for (int i = 0; i < 20; ++i) {
    if (i) d += '.';
    for (int k = 0; k < 10; ++k) d += "ü";
  }
  EXPECT_FALSE(normalize_domain(d).ok());
}

}  // namespace
}  // namespace roost::mail
