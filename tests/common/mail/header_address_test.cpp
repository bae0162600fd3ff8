// Tests for common/mail/header_address: RFC 5322 address lists into IMAP's four-part addresses,
// including groups, comments, obsolete routes and broken lists.
#include "common/mail/header_address.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace roost::mail {

void PrintTo(const ImapAddress& a, std::ostream* os) {
  auto part = [&](const std::optional<std::string>& s) { *os << (s ? '"' + *s + '"' : std::string("NIL")); };
  *os << '(';
  part(a.name);
  *os << ' ';
  part(a.adl);
  *os << ' ';
  part(a.mailbox);
  *os << ' ';
  part(a.host);
  *os << ')';
}

namespace {

ImapAddress addr(std::optional<std::string> name, std::optional<std::string> adl, std::string mailbox,
                 std::string host) {
  return {std::move(name), std::move(adl), std::move(mailbox), std::move(host)};
}
ImapAddress group_start(std::string name) { return {std::nullopt, std::nullopt, std::move(name), std::nullopt}; }
ImapAddress group_end() { return {}; }

TEST(HeaderAddress, ParsesAddressLists) {
  struct Case {
    const char* in;
    std::vector<ImapAddress> out;
  };
  const Case cases[] = {
      {"alice@example.org", {addr(std::nullopt, std::nullopt, "alice", "example.org")}},
      {"\"Alice Example\" <alice@example.org>", {addr("Alice Example", std::nullopt, "alice", "example.org")}},
      {"Alice  Q. Example <alice@example.org>", {addr("Alice Q. Example", std::nullopt, "alice", "example.org")}},
      {"a@b.test, \"Doe, John\" <j@d.test>,,c@d.test",
       {addr(std::nullopt, std::nullopt, "a", "b.test"), addr("Doe, John", std::nullopt, "j", "d.test"),
        addr(std::nullopt, std::nullopt, "c", "d.test")}},
      // RFC 5322 A.5: comments everywhere; a trailing comment names a bare address.
      {"Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
       {addr("Pete", std::nullopt, "pete", "silly.test")}},
      {"jdoe@machine.example (John Doe)", {addr("John Doe", std::nullopt, "jdoe", "machine.example")}},
      // RFC 5322 A.1.3: groups.
      {"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
       {group_start("A Group"), addr("Ed Jones", std::nullopt, "c", "a.test"),
        addr(std::nullopt, std::nullopt, "joe", "where.test"), addr("John", std::nullopt, "jdoe", "one.test"),
        group_end()}},
      {"undisclosed-recipients:;", {group_start("undisclosed-recipients"), group_end()}},
      {"Undisclosed recipients:", {group_start("Undisclosed recipients"), group_end()}},
      {"g: a@b.test; c@d.test",
       {group_start("g"), addr(std::nullopt, std::nullopt, "a", "b.test"), group_end(),
        addr(std::nullopt, std::nullopt, "c", "d.test")}},
      // RFC 5322 4.4: obsolete route.
      {"<@relay1.test,@relay2.test:mary@x.test>",
       {addr(std::nullopt, "@relay1.test,@relay2.test", "mary", "x.test")}},
      {"\"quoted local\"@example.org", {addr(std::nullopt, std::nullopt, "quoted local", "example.org")}},
      {"user@[192.0.2.1]", {addr(std::nullopt, std::nullopt, "user", "[192.0.2.1]")}},
      {"=?UTF-8?B?SsO8cmdlbg==?= <j@example.de>",
       {addr("=?UTF-8?B?SsO8cmdlbg==?=", std::nullopt, "j", "example.de")}},
      {"J\xC3\xBCrgen <j@example.de>", {addr("J\xC3\xBCrgen", std::nullopt, "j", "example.de")}},
      // Broken lists.
      {"postmaster", {addr(std::nullopt, std::nullopt, "postmaster", "MISSING_DOMAIN")}},
      {"Name <user>", {addr("Name", std::nullopt, "user", "MISSING_DOMAIN")}},
      {"<@example.org>", {addr(std::nullopt, std::nullopt, "MISSING_MAILBOX", "example.org")}},
      {"Bob <bob@example.net", {addr("Bob", std::nullopt, "bob", "example.net")}},
      {"<>", {}},
      {"", {}},
      {" , ;;> ", {}},
      {"a@b.test; c@d.test",
       {addr(std::nullopt, std::nullopt, "a", "b.test"), addr(std::nullopt, std::nullopt, "c", "d.test")}},
      {"g1: a: b@c.test;", {group_start("g1"), addr(std::nullopt, std::nullopt, "b", "c.test"), group_end()}},
      {"Folded\r\n Name <f@x.test>", {addr("Folded Name", std::nullopt, "f", "x.test")}},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_address_list(c.in), c.out) << c.in;
}

TEST(HeaderAddress, CountIsBounded) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "a@b.test,";
  EXPECT_EQ(parse_address_list(many, 10).size(), 10u);
}

TEST(HeaderAddress, GroupMarkersAreRecognisable) {
  EXPECT_TRUE(group_start("g").is_group_start());
  EXPECT_TRUE(group_end().is_group_end());
  EXPECT_FALSE(addr(std::nullopt, std::nullopt, "a", "b").is_group_start());
}

}  // namespace
}  // namespace roost::mail
