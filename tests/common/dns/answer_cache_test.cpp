// Tests for the answer cache: TTLs on an injected clock, negative caching caps, LRU eviction.
#include "common/dns/answer_cache.h"

#include <gtest/gtest.h>

namespace roost::dns {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  SteadyClock::time_point now = SteadyClock::time_point{} + 1000h;
  ClockFunction function() {
    return [this] { return now; };
  }
};

Answer address(const std::string& ip) { return Answer{LookupStatus::ok, {Record{"host.example", 60, 0, ip}}, {}}; }

TEST(AnswerCache, AnswerLastsForItsTtl) {
  FakeClock clock;
  AnswerCache cache(10, clock.function());
  cache.store("host.example", RrType::a, address("192.0.2.1"), 60s);
  clock.now += 59s;
  auto hit = cache.find("host.example", RrType::a);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->records.at(0).data, "192.0.2.1");
  clock.now += 1s;
  EXPECT_FALSE(cache.find("host.example", RrType::a).has_value()) << "expired at 60 s";
  EXPECT_EQ(cache.size(), 0u);
}

TEST(AnswerCache, TypesAreKeptApart) {
  FakeClock clock;
  AnswerCache cache(10, clock.function());
  cache.store("host.example", RrType::a, address("192.0.2.1"), 60s);
  EXPECT_FALSE(cache.find("host.example", RrType::aaaa).has_value());
  EXPECT_FALSE(cache.find("other.example", RrType::a).has_value());
}

TEST(AnswerCache, NegativeAnswersAreCappedAtOneHour) {
  FakeClock clock;
  AnswerCache cache(10, clock.function());
  cache.store("gone.example", RrType::mx, Answer{LookupStatus::nxdomain, {}, {}}, 86400s);
  clock.now += 3599s;
  ASSERT_TRUE(cache.find("gone.example", RrType::mx).has_value());
  EXPECT_EQ(cache.find("gone.example", RrType::mx)->status, LookupStatus::nxdomain);
  clock.now += 1s;
  EXPECT_FALSE(cache.find("gone.example", RrType::mx).has_value());
}

TEST(AnswerCache, PositiveAnswersAreCappedAtOneDay) {
  FakeClock clock;
  AnswerCache cache(10, clock.function());
  cache.store("host.example", RrType::a, address("192.0.2.1"), std::chrono::seconds(7 * 86400));
  clock.now += 24h;
  EXPECT_FALSE(cache.find("host.example", RrType::a).has_value());
}

TEST(AnswerCache, TemporaryFailuresAndZeroTtlAreNotKept) {
  FakeClock clock;
  AnswerCache cache(10, clock.function());
  cache.store("a.example", RrType::a, Answer{LookupStatus::temporary, {}, "timeout"}, 300s);
  cache.store("b.example", RrType::a, address("192.0.2.2"), 0s);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(AnswerCache, LeastRecentlyUsedIsEvictedAtCapacity) {
  FakeClock clock;
  AnswerCache cache(2, clock.function());
  cache.store("one.example", RrType::a, address("192.0.2.1"), 300s);
  cache.store("two.example", RrType::a, address("192.0.2.2"), 300s);
  ASSERT_TRUE(cache.find("one.example", RrType::a).has_value());  // "two" is now the least recent
  cache.store("three.example", RrType::a, address("192.0.2.3"), 300s);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("one.example", RrType::a).has_value());
  EXPECT_FALSE(cache.find("two.example", RrType::a).has_value());
  EXPECT_TRUE(cache.find("three.example", RrType::a).has_value());
}

TEST(AnswerCache, StoringAgainReplacesTheAnswer) {
  FakeClock clock;
  AnswerCache cache(2, clock.function());
  cache.store("host.example", RrType::a, address("192.0.2.1"), 300s);
  cache.store("host.example", RrType::a, address("192.0.2.9"), 300s);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("host.example", RrType::a)->records.at(0).data, "192.0.2.9");
}

}  // namespace
}  // namespace roost::dns
