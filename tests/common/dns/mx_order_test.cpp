// Tests for MX ordering, null MX (RFC 7505) and the implicit MX (RFC 5321 5.1).
#include "common/dns/mx_order.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

Answer mx_answer(std::vector<std::pair<std::uint16_t, std::string>> records) {
  Answer a{LookupStatus::ok, {}, {}};
  for (auto& [pref, host] : records) a.records.push_back(Record{"example.org", 300, pref, host});
  return a;
}

std::vector<std::string> hosts_of(const std::vector<MxHost>& hosts) {
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(h.host);
  return out;
}

TEST(MxOrder, LowestPreferenceFirst) {
  std::mt19937_64 rng(1);
  auto ordered = order_mx({{"backup.example.org", 20}, {"primary.example.org", 5}, {"last.example.org", 100}}, rng);
  EXPECT_EQ(hosts_of(ordered), (std::vector<std::string>{"primary.example.org", "backup.example.org", "last.example.org"}));
}

TEST(MxOrder, EqualPreferencesAreShuffledWithinTheirGroupOnly) {
  std::vector<MxHost> hosts{{"z.example.org", 30}, {"a.example.org", 10}, {"b.example.org", 10},
                            {"c.example.org", 10}, {"d.example.org", 10}};
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    std::mt19937_64 rng(seed);
    auto ordered = hosts_of(order_mx(hosts, rng));
    ASSERT_EQ(ordered.size(), 5u);
    EXPECT_EQ(ordered.back(), "z.example.org") << "preference 30 stays after every preference 10";
    orders.insert(ordered);
  }
  EXPECT_GT(orders.size(), 5u) << "equal preferences come out in varying orders";
}

TEST(MxOrder, SameSeedGivesSameOrderWhateverTheAnswerOrder) {
  std::vector<MxHost> one{{"a.example.org", 10}, {"b.example.org", 10}, {"c.example.org", 10}};
  std::vector<MxHost> two{{"c.example.org", 10}, {"a.example.org", 10}, {"b.example.org", 10}};
  std::mt19937_64 rng1(42);
  std::mt19937_64 rng2(42);
  EXPECT_EQ(order_mx(one, rng1), order_mx(two, rng2));
}

TEST(MxVerdicts, RecordsGiveOkInPreferenceOrder) {
  std::mt19937_64 rng(7);
  auto r = mx_result("example.org", mx_answer({{20, "mx2.example.org"}, {10, "mx1.example.org"}}),
                     LookupStatus::no_data, "", rng);
  EXPECT_EQ(r.verdict, MxVerdict::ok);
  EXPECT_EQ(r.hosts, (std::vector<MxHost>{{"mx1.example.org", 10}, {"mx2.example.org", 20}}));
}

TEST(MxVerdicts, SingleDotMxIsNullMx) {
  std::mt19937_64 rng(7);
  auto r = mx_result("example.org", mx_answer({{0, "."}}), LookupStatus::ok, "", rng);
  EXPECT_EQ(r.verdict, MxVerdict::null_mx);
  EXPECT_TRUE(r.hosts.empty());
  EXPECT_NE(r.error.find("RFC 7505"), std::string::npos);
}

TEST(MxVerdicts, DotNextToRealHostsIsSkipped) {
  std::mt19937_64 rng(7);
  auto r = mx_result("example.org", mx_answer({{0, "."}, {10, "mx.example.org"}}), LookupStatus::ok, "", rng);
  EXPECT_EQ(r.verdict, MxVerdict::ok);
  EXPECT_EQ(r.hosts, (std::vector<MxHost>{{"mx.example.org", 10}}));
}

TEST(MxVerdicts, NoMxWithAddressesIsTheDomainItselfAtPreferenceZero) {
  std::mt19937_64 rng(7);
  auto r = mx_result("example.org", Answer{LookupStatus::no_data, {}, {}}, LookupStatus::ok, "", rng);
  EXPECT_EQ(r.verdict, MxVerdict::no_mx);
  EXPECT_EQ(r.hosts, (std::vector<MxHost>{{"example.org", 0}}));
}

TEST(MxVerdicts, NoMxAndNoAddressIsPermanent) {
  std::mt19937_64 rng(7);
  auto r = mx_result("example.org", Answer{LookupStatus::no_data, {}, {}}, LookupStatus::no_data, "", rng);
  EXPECT_EQ(r.verdict, MxVerdict::no_address);
  EXPECT_TRUE(r.hosts.empty());
}

TEST(MxVerdicts, FailuresKeepTheirKind) {
  std::mt19937_64 rng(7);
  std::map<LookupStatus, MxVerdict> expected{{LookupStatus::nxdomain, MxVerdict::nxdomain},
                                             {LookupStatus::temporary, MxVerdict::temporary},
                                             {LookupStatus::bad_name, MxVerdict::bad_name}};
  for (auto [status, verdict] : expected) {
    auto r = mx_result("example.org", Answer{status, {}, "what happened"}, LookupStatus::ok, "", rng);
    EXPECT_EQ(r.verdict, verdict);
    EXPECT_TRUE(r.hosts.empty());
  }
  // The MX answer was empty but the address lookup failed for now: retry later, do not bounce.
  auto r = mx_result("example.org", Answer{LookupStatus::no_data, {}, {}}, LookupStatus::temporary, "timeout", rng);
  EXPECT_EQ(r.verdict, MxVerdict::temporary);
  EXPECT_EQ(r.error, "timeout");
}

}  // namespace
}  // namespace roost::dns
