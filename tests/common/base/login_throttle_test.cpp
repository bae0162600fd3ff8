// Failed-login throttling: growing delays, lock-out per IP and per account, ageing out, bounded memory.
#include "common/base/login_throttle.h"

#include <gtest/gtest.h>

namespace roost {
namespace {

using std::chrono::milliseconds;

ThrottleLimits small_limits() {
  ThrottleLimits l;
  l.base_delay = milliseconds(100);
  l.max_delay = milliseconds(1000);
  l.max_failures_per_ip = 5;
  l.max_failures_per_account = 3;
  l.window = milliseconds(60000);
  l.max_tracked = 100;
  return l;
}

TEST(LoginThrottle, FirstAttemptIsNotLockedOut) {
  LoginThrottle t(small_limits());
  EXPECT_FALSE(t.locked_out("192.0.2.1", "a@example.test", 0));
}

TEST(LoginThrottle, DelayDoublesWithEachFailureUpToTheCap) {
  LoginThrottle t(small_limits());
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 0), milliseconds(100));
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 1), milliseconds(200));
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 2), milliseconds(400));
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 3), milliseconds(800));
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 4), milliseconds(1000));
}

TEST(LoginThrottle, IpIsLockedOutAfterMaxFailures) {
  LoginThrottle t(small_limits());
  for (int i = 0; i < 4; ++i) (void)t.record_failure("192.0.2.1", "user" + std::to_string(i), i);
  EXPECT_FALSE(t.locked_out("192.0.2.1", "other", 10));
  (void)t.record_failure("192.0.2.1", "user9", 10);
  EXPECT_TRUE(t.locked_out("192.0.2.1", "other", 11));
  EXPECT_FALSE(t.locked_out("192.0.2.2", "other", 11));
}

TEST(LoginThrottle, Ipv6FailuresCountPerSlash64) {
  LoginThrottle t(small_limits());
  // A client rotating through addresses of its /64 is still one client.
  for (int i = 1; i <= 5; ++i) (void)t.record_failure("2001:db8:1:2::" + std::to_string(i), "", i);
  EXPECT_TRUE(t.locked_out("2001:db8:1:2:ffff::1", "", 10));
  EXPECT_FALSE(t.locked_out("2001:db8:1:3::1", "", 10));
  // IPv4-mapped addresses stay one per address.
  for (int i = 1; i <= 5; ++i) (void)t.record_failure("::ffff:192.0.2.7", "", i);
  EXPECT_TRUE(t.locked_out("::ffff:192.0.2.7", "", 10));
  EXPECT_FALSE(t.locked_out("::ffff:192.0.2.8", "", 10));
}

TEST(LoginThrottle, AccountIsLockedOutFromEveryIp) {
  LoginThrottle t(small_limits());
  (void)t.record_failure("192.0.2.1", "Victim@Example.test", 0);
  (void)t.record_failure("192.0.2.2", "victim@example.test", 1);
  (void)t.record_failure("192.0.2.3", "VICTIM@EXAMPLE.TEST", 2);
  EXPECT_TRUE(t.locked_out("198.51.100.7", "victim@example.test", 3));
  EXPECT_FALSE(t.locked_out("198.51.100.7", "someone@example.test", 3));
}

TEST(LoginThrottle, AccountDelayCountsFailuresFromOtherIps) {
  LoginThrottle t(small_limits());
  (void)t.record_failure("192.0.2.1", "victim@example.test", 0);
  EXPECT_EQ(t.record_failure("192.0.2.2", "victim@example.test", 1), milliseconds(200));
}

TEST(LoginThrottle, FailuresAgeOutAfterTheWindow) {
  LoginThrottle t(small_limits());
  for (int i = 0; i < 5; ++i) (void)t.record_failure("192.0.2.1", "", i);
  EXPECT_TRUE(t.locked_out("192.0.2.1", "", 100));
  EXPECT_FALSE(t.locked_out("192.0.2.1", "", 4 + 60000));
  EXPECT_EQ(t.record_failure("192.0.2.1", "", 4 + 60000), milliseconds(100));
}

TEST(LoginThrottle, SuccessClearsTheAccountButNotTheIp) {
  LoginThrottle t(small_limits());
  for (int i = 0; i < 2; ++i) (void)t.record_failure("192.0.2.1", "a@example.test", i);
  t.record_success("a@example.test");
  EXPECT_EQ(t.record_failure("192.0.2.9", "a@example.test", 5), milliseconds(100));
  EXPECT_EQ(t.record_failure("192.0.2.1", "b@example.test", 6), milliseconds(400));
}

TEST(LoginThrottle, TrackedKeysStayBounded) {
  LoginThrottle t(small_limits());
  for (int i = 0; i < 1000; ++i) (void)t.record_failure("10.0.0." + std::to_string(i), "u" + std::to_string(i), i);
  EXPECT_LE(t.tracked(), 100u);
  // The newest entries are the ones kept.
  EXPECT_EQ(t.record_failure("10.0.0.999", "", 1000), milliseconds(200));
}

}  // namespace
}  // namespace roost
