// Tests for common/mail/address: RFC 5321 4.1.2 paths, SMTPUTF8 (RFC 6531 3.3), ESMTP parameters,
// and the hostile inputs smtpd must refuse or see through.
#include "common/mail/address.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

using Kind = AddressError::Kind;
const ParseOptions kUtf8{true};

Address forward(std::string_view path, ParseOptions options = {}) {
  auto a = parse_forward_path(path, options);
  EXPECT_TRUE(a.ok()) << path << ": " << (a.ok() ? "" : a.error().message);
  return a.ok() ? *a : Address{};
}

Kind forward_error(std::string_view path, ParseOptions options = {}) {
  auto a = parse_forward_path(path, options);
  EXPECT_FALSE(a.ok()) << path << " parsed";
  return a.ok() ? Kind::syntax : a.error().kind;
}

TEST(Address, ValidPathsParseIntoLocalAndDomain) {
  struct Case {
    const char* path;
    const char* local;
    const char* domain;
  };
  const Case kCases[] = {
      {"<alice@example.org>", "alice", "example.org"},
      {"<Alice.Smith@Example.ORG>", "Alice.Smith", "Example.ORG"},
      {"<a+tag@example.org>", "a+tag", "example.org"},
      {"<!#$%&'*+-/=?^_`{|}~@x.example>", "!#$%&'*+-/=?^_`{|}~", "x.example"},
      {"<user@localhost>", "user", "localhost"},
      {"<user@3com.example>", "user", "3com.example"},
  };
  for (const auto& c : kCases) {
    Address a = forward(c.path);
    EXPECT_EQ(a.local, c.local) << c.path;
    EXPECT_EQ(a.local_raw, c.local) << c.path;
    EXPECT_EQ(a.domain, c.domain) << c.path;
    EXPECT_FALSE(a.quoted);
    EXPECT_FALSE(a.needs_smtputf8);
    EXPECT_FALSE(a.source_route);
  }
}

TEST(Address, NullReversePathIsAccepted) {
  auto a = parse_reverse_path("<>");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->null_path);
  EXPECT_EQ(a->to_string(), "");
  EXPECT_EQ(a->to_path(), "<>");
  EXPECT_EQ(a->lookup_key(), "");
}

TEST(Address, NullForwardPathIsRejected) { EXPECT_EQ(forward_error("<>"), Kind::syntax); }

TEST(Address, BarePostmasterIsAcceptedAsRecipientInAnyCase) {
  for (const char* p : {"<Postmaster>", "<postmaster>", "<POSTMASTER>", "<PostMaster>"}) {
    Address a = forward(p);
    EXPECT_TRUE(a.postmaster) << p;
    EXPECT_TRUE(a.domain.empty());
    EXPECT_EQ(a.lookup_key(), "postmaster");
  }
}

TEST(Address, BarePostmasterIsNotAValidSender) {
  auto a = parse_reverse_path("<Postmaster>");
  EXPECT_FALSE(a.ok());
}

TEST(Address, PostmasterWithDomainIsAnOrdinaryMailbox) {
  Address a = forward("<Postmaster@Example.org>");
  EXPECT_FALSE(a.postmaster);
  EXPECT_EQ(a.lookup_key(), "postmaster@example.org");
}

TEST(Address, SourceRouteIsParsedAndIgnored) {
  Address a = forward("<@a.example,@b.example:user@c.example>");
  EXPECT_TRUE(a.source_route);
  EXPECT_EQ(a.local, "user");
  EXPECT_EQ(a.domain, "c.example");
  EXPECT_EQ(a.to_path(), "<user@c.example>");

  Address b = forward("<@a:b@c>");
  EXPECT_TRUE(b.source_route);
  EXPECT_EQ(b.local, "b");
  EXPECT_EQ(b.domain, "c");
}

TEST(Address, MalformedSourceRoutesAreRejected) {
  for (const char* p : {"<@:a@b>", "<@a.example:>", "<@a.example,b.example:u@c>", "<@a.example;u@c>",
                        "<@a..example:u@c>", "<@a.example,:u@c>", "<@[192.0.2.1]:u@c>"}) {
    EXPECT_FALSE(parse_forward_path(p).ok()) << p;
  }
}

TEST(Address, QuotedLocalPartKeepsRawFormAndDecodesValue) {
  Address a = forward(R"(<"john doe"@example.org>)");
  EXPECT_TRUE(a.quoted);
  EXPECT_EQ(a.local, "john doe");
  EXPECT_EQ(a.local_raw, R"("john doe")");
  EXPECT_EQ(a.to_string(), R"("john doe"@example.org)");

  Address b = forward(R"(<"a\"b\\c"@example.org>)");
  EXPECT_EQ(b.local, R"(a"b\c)");
  EXPECT_EQ(b.to_string(), R"("a\"b\\c"@example.org)");
}

TEST(Address, ToStringUsesMinimumQuoting) {
  // RFC 5321 4.1.2: the form with the least quoting; "john" needs none.
  Address a = forward(R"(<"john"@example.org>)");
  EXPECT_TRUE(a.quoted);
  EXPECT_EQ(a.to_string(), "john@example.org");
  EXPECT_EQ(a.lookup_key(), "john@example.org");
  Address b = forward(R"(<"\j\o\h\n"@example.org>)");
  EXPECT_EQ(b.local, "john");
  EXPECT_EQ(b.to_string(), "john@example.org");
  Address c = forward(R"(<"a..b"@example.org>)");
  EXPECT_EQ(c.to_string(), R"("a..b"@example.org)");
  Address d = forward(R"(<""@example.org>)");
  EXPECT_EQ(d.local, "");
  EXPECT_EQ(d.to_string(), R"(""@example.org)");
}

TEST(Address, QuotedAtSignParsesButIsFlaggedAsRoutingChars) {
  Address a = forward(R"(<"a@b"@c>)");
  EXPECT_EQ(a.local, "a@b");
  EXPECT_EQ(a.domain, "c");
  EXPECT_TRUE(a.local_part_has_routing_chars());
}

TEST(Address, PercentAndBangHacksParseButAreFlagged) {
  EXPECT_TRUE(forward("<a%b@c>").local_part_has_routing_chars());
  EXPECT_TRUE(forward("<b!a@c>").local_part_has_routing_chars());
  EXPECT_FALSE(forward("<a.b@c>").local_part_has_routing_chars());
}

TEST(Address, SecondAtSignIsRejected) {
  EXPECT_EQ(forward_error("<a@b@c>"), Kind::syntax);
  EXPECT_EQ(forward_error("<@a@b>"), Kind::syntax);
  EXPECT_FALSE(parse_mailbox("user@a@b").ok());
}

TEST(Address, UnbalancedOrMissingBracketsAreRejected) {
  for (const char* p : {"<a@b", "a@b>", "a@b", "<<a@b>", "<a@b>>", "<a@b>x", "<a<b@c>", "<a@b><c@d>", "<",
                        ">", "", " <a@b>", "<a@b> "}) {
    auto a = parse_forward_path(p);
    EXPECT_FALSE(a.ok()) << '"' << p << '"';
    if (!a.ok()) {
      EXPECT_EQ(a.error().kind, Kind::syntax) << p;
    }
  }
}

TEST(Address, DotStringRulesAreEnforced) {
  for (const char* p : {"<.a@b>", "<a.@b>", "<a..b@b>", "<a b@c>", "<a,b@c>", "<a(b)@c>", "<a[b]@c>",
                        "<a\\b@c>", "<a:b@c>", "<a;b@c>", "<@b>", "<a@>", "<a>"}) {
    EXPECT_FALSE(parse_forward_path(p).ok()) << p;
  }
}

TEST(Address, QuotedStringRulesAreEnforced) {
  for (const char* p : {"<\"a@b>", "<\"a\"b@c>", "<\"a\tb\"@c>", "<\"a\\\"@c>", "<\"a\rb\"@c>",
                        "<\"a\\\x01\"@c>", "<a\"b\"@c>"}) {
    EXPECT_FALSE(parse_forward_path(p).ok()) << p;
  }
}

TEST(Address, LocalPartOf64OctetsIsAllowedAnd65IsNot) {
  std::string l64(64, 'a');
  EXPECT_TRUE(parse_forward_path("<" + l64 + "@example.org>").ok());
  std::string l65(65, 'a');
  EXPECT_EQ(forward_error("<" + l65 + "@example.org>"), Kind::local_part_too_long);
  // The limit counts the octets as sent, quotes included.
  std::string quoted = "\"" + std::string(63, 'a') + "\"";
  EXPECT_EQ(forward_error("<" + quoted + "@example.org>"), Kind::local_part_too_long);
}

TEST(Address, OverLongLabelsAndDomainsAreRejected) {
  std::string label64(64, 'a');
  EXPECT_EQ(forward_error("<u@" + label64 + ".example>"), Kind::bad_domain);
  std::string label63(63, 'a');
  EXPECT_TRUE(parse_forward_path("<u@" + label63 + ".example>").ok());
  std::string d255 = label63 + "." + label63 + "." + label63 + "." + label63;  // 255 octets
  EXPECT_TRUE(parse_forward_path("<u@" + d255 + ">").ok());
  EXPECT_EQ(forward_error("<u@" + d255 + "a>"), Kind::bad_domain);
}

TEST(Address, BadDomainSyntaxIsRejected) {
  for (const char* p : {"<u@-a.example>", "<u@a-.example>", "<u@a..example>", "<u@.example>", "<u@example.>",
                        "<u@a_b.example>"}) {
    EXPECT_FALSE(parse_forward_path(p).ok()) << p;
  }
}

TEST(Address, AddressLiteralsAreValidatedWithInetPton) {
  Address a = forward("<u@[192.0.2.1]>");
  EXPECT_TRUE(a.domain_is_literal);
  EXPECT_EQ(a.domain, "[192.0.2.1]");
  Address b = forward("<u@[IPv6:2001:DB8:0:0::1]>");
  EXPECT_TRUE(b.domain_is_literal);
  EXPECT_EQ(b.domain, "[IPv6:2001:DB8:0:0::1]");
  EXPECT_EQ(b.lookup_key(), "u@[IPv6:2001:db8::1]");
  EXPECT_TRUE(parse_forward_path("<u@[ipv6:::1]>").ok());
  EXPECT_TRUE(parse_forward_path("<u@[IPv6:::ffff:192.0.2.1]>").ok());
}

TEST(Address, InvalidAddressLiteralsAreRejected) {
  for (const char* p : {"<u@[192.0.2.256]>", "<u@[192.0.2]>", "<u@[192.0.2.1.5]>", "<u@[IPv6:2001:db8::g]>",
                        "<u@[IPv6:1:2:3:4:5:6:7:8:9]>", "<u@[example.org]>", "<u@[]>", "<u@[IPv6:]>",
                        "<u@[x-tag:abc]>"}) {
    auto a = parse_forward_path(p);
    EXPECT_FALSE(a.ok()) << p;
    if (!a.ok()) {
      EXPECT_EQ(a.error().kind, Kind::bad_address_literal) << p;
    }
  }
  for (const char* p : {"<u@[192.0.2.1>", "<u@[192.0.2.1]x>", "<u@192.0.2.1]>"}) {
    EXPECT_FALSE(parse_forward_path(p).ok()) << p;
  }
}

TEST(Address, EightBitWithoutSmtputf8IsRefused) {
  EXPECT_EQ(forward_error("<j\xc3\xbcrgen@example.org>"), Kind::needs_smtputf8);
  EXPECT_EQ(forward_error("<user@b\xc3\xbc" "cher.example>"), Kind::needs_smtputf8);
  EXPECT_EQ(forward_error("<\"j\xc3\xbcrgen\"@example.org>"), Kind::needs_smtputf8);
  EXPECT_EQ(forward_error("<\xff@example.org>"), Kind::needs_smtputf8);
}

TEST(Address, Utf8LocalPartAndULabelDomainNeedSmtputf8) {
  Address a = forward("<j\xc3\xbcrgen@b\xc3\xbc" "cher.example>", kUtf8);
  EXPECT_TRUE(a.needs_smtputf8);
  EXPECT_EQ(a.local, "j\xc3\xbcrgen");
  EXPECT_EQ(a.domain, "b\xc3\xbc" "cher.example");
  EXPECT_EQ(a.ascii_domain(), "xn--bcher-kva.example");
  EXPECT_EQ(a.lookup_key(), "j\xc3\xbcrgen@xn--bcher-kva.example");
  EXPECT_EQ(a.to_string(), "j\xc3\xbcrgen@b\xc3\xbc" "cher.example");

  Address ascii = forward("<user@example.org>", kUtf8);
  EXPECT_FALSE(ascii.needs_smtputf8);
}

TEST(Address, InvalidUtf8IsRefusedEvenWithSmtputf8) {
  for (const char* p : {"<\xff@example.org>", "<a\xc3@example.org>", "<\xc0\xaf@example.org>",
                        "<\xed\xa0\x80@example.org>", "<u@\xf5\x80\x80\x80.example>"}) {
    EXPECT_EQ(forward_error(p, kUtf8), Kind::bad_utf8) << p;
  }
}

TEST(Address, InvalidULabelIsRefused) {
  // U+2764 HEAVY BLACK HEART is disallowed by IDNA2008.
  EXPECT_EQ(forward_error("<u@\xe2\x9d\xa4.example>", kUtf8), Kind::bad_domain);
}

TEST(Address, LookupKeyLowerCasesLocalAndDomain) {
  EXPECT_EQ(forward("<Alice@Example.ORG>").lookup_key(), "alice@example.org");
  EXPECT_EQ(forward("<\"Alice\"@Example.ORG>").lookup_key(), "alice@example.org");
}

TEST(Address, ParseMailboxTakesBareAddresses) {
  auto a = parse_mailbox("alice@example.org");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "alice@example.org");
  EXPECT_FALSE(parse_mailbox("<alice@example.org>").ok());
  EXPECT_FALSE(parse_mailbox("alice").ok());
  EXPECT_FALSE(parse_mailbox("alice@example.org ").ok());
}

TEST(Address, SplitPathArgsSeparatesPathAndParameters) {
  struct Case {
    const char* args;
    const char* path;
    const char* params;
  };
  const Case kCases[] = {
      {"<a@b>", "<a@b>", ""},
      {"<a@b> SIZE=100", "<a@b>", "SIZE=100"},
      {"<a@b>  SIZE=100 BODY=8BITMIME", "<a@b>", "SIZE=100 BODY=8BITMIME"},
      {" <a@b>", "<a@b>", ""},
      {"<>", "<>", ""},
      {R"(<"a>b"@c> X)", R"(<"a>b"@c>)", "X"},
      {R"(<"a\">b"@c>)", R"(<"a\">b"@c>)", ""},
  };
  for (const auto& c : kCases) {
    auto r = split_path_args(c.args);
    ASSERT_TRUE(r.ok()) << c.args;
    EXPECT_EQ(r->path, c.path);
    EXPECT_EQ(r->params, c.params);
  }
  for (const char* bad : {"", "a@b", "<a@b", "<a@b>SIZE=1", "<a<b>", R"(<"a>b@c)"}) {
    EXPECT_FALSE(split_path_args(bad).ok()) << bad;
  }
}

TEST(Address, QuotedGreaterThanDoesNotEndThePath) {
  auto args = split_path_args(R"(<"a>b"@c> SIZE=5)");
  ASSERT_TRUE(args.ok());
  Address a = forward(args->path);
  EXPECT_EQ(a.local, "a>b");
}

TEST(AddressEsmtpParams, KeywordsAreUpperCasedAndValuesKept) {
  auto p = parse_esmtp_params("size=1000 BODY=8BITMIME SMTPUTF8 ret=HDRS envid=QQ314159");
  ASSERT_TRUE(p.ok()) << p.error().message;
  std::vector<EsmtpParam> want = {{"SIZE", "1000"},
                                  {"BODY", "8BITMIME"},
                                  {"SMTPUTF8", std::nullopt},
                                  {"RET", "HDRS"},
                                  {"ENVID", "QQ314159"}};
  EXPECT_EQ(*p, want);
}

TEST(AddressEsmtpParams, EmptyTextIsNoParameters) {
  auto p = parse_esmtp_params("");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
  auto q = parse_esmtp_params("   ");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->empty());
}

TEST(AddressEsmtpParams, ToleratesRunsOfSpaces) {
  auto p = parse_esmtp_params("A=1   B ");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[1].keyword, "B");
}

TEST(AddressEsmtpParams, KeywordMayContainDigitsAndHyphens) {
  auto p = parse_esmtp_params("X-VENDOR-1=yes 8BITMIME");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)[0].keyword, "X-VENDOR-1");
}

TEST(AddressEsmtpParams, InvalidSyntaxIsAnErrorValue) {
  for (const char* bad : {"=1", "-X=1", "SIZE=", "A=b=c", "A_B=1", "A=\x01", "A=\xc3\xa4", "SIZE=1\tBODY=7BIT",
                          "A\x7f=1"}) {
    auto p = parse_esmtp_params(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.error().kind, Kind::bad_parameter);
    }
  }
}

TEST(Address, DotStringHelperMatchesGrammar) {
  EXPECT_TRUE(is_dot_string("a.b"));
  EXPECT_FALSE(is_dot_string(""));
  EXPECT_FALSE(is_dot_string("a..b"));
  EXPECT_FALSE(is_dot_string("a b"));
  EXPECT_FALSE(is_dot_string("j\xc3\xbcrgen"));
  EXPECT_TRUE(is_dot_string("j\xc3\xbcrgen", true));
}

TEST(Address, ErrorMessagesAreSentences) {
  auto a = parse_forward_path("<a@b");
  ASSERT_FALSE(a.ok());
  EXPECT_FALSE(a.error().message.empty());
}

}  // namespace
}  // namespace roost::mail
