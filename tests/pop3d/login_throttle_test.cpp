// LoginThrottle: growing delays, lockout per IP and per account, ageing out, bounded memory.
#include "pop3d/login_throttle.h"

#include <gtest/gtest.h>

namespace roost::pop3 {
namespace {

using namespace std::chrono_literals;

TEST(Pop3LoginThrottle, EachFailureDoublesTheDelayUpToTheMaximum) {
  LoginThrottle t;
  EXPECT_EQ(t.record_failure("10.0.0.1", "a@x", 0), 250ms);
  EXPECT_EQ(t.record_failure("10.0.0.1", "a@x", 0), 500ms);
  EXPECT_EQ(t.record_failure("10.0.0.1", "a@x", 0), 1000ms);
  for (int i = 0; i < 10; ++i) (void)t.record_failure("10.0.0.1", "b@x", 0);
  EXPECT_EQ(t.record_failure("10.0.0.1", "c@x", 0), 8000ms);
}

TEST(Pop3LoginThrottle, AnIpIsLockedOutAfterTooManyFailures) {
  LoginThrottle t;
  for (int i = 0; i < 9; ++i) (void)t.record_failure("10.0.0.1", "user" + std::to_string(i) + "@x", 0);
  EXPECT_FALSE(t.locked_out("10.0.0.1", "other@x", 0));
  (void)t.record_failure("10.0.0.1", "z@x", 0);
  EXPECT_TRUE(t.locked_out("10.0.0.1", "other@x", 0));
  EXPECT_FALSE(t.locked_out("10.0.0.2", "other@x", 0));
}

TEST(Pop3LoginThrottle, AnAccountIsLockedOutFromAnyIpCaseInsensitively) {
  LoginThrottle t;
  for (int i = 0; i < 8; ++i) (void)t.record_failure("10.0.0." + std::to_string(i), "Alice@X", 0);
  EXPECT_TRUE(t.locked_out("10.9.9.9", "alice@x", 0));
}

TEST(Pop3LoginThrottle, FailuresAgeOutAfterTheWindow) {
  LoginThrottle t;
  for (int i = 0; i < 10; ++i) (void)t.record_failure("10.0.0.1", "a@x", 0);
  EXPECT_TRUE(t.locked_out("10.0.0.1", "a@x", 1000));
  const std::int64_t later = std::chrono::milliseconds(15min).count();
  EXPECT_FALSE(t.locked_out("10.0.0.1", "a@x", later));
  EXPECT_EQ(t.record_failure("10.0.0.1", "a@x", later), 250ms);
}

TEST(Pop3LoginThrottle, SuccessClearsTheAccountButNotTheIp) {
  LoginThrottle t;
  for (int i = 0; i < 8; ++i) (void)t.record_failure("10.0.0.1", "a@x", 0);
  t.record_success("a@x");
  EXPECT_FALSE(t.locked_out("10.0.0.2", "a@x", 0));
  (void)t.record_failure("10.0.0.1", "b@x", 0);
  (void)t.record_failure("10.0.0.1", "b@x", 0);
  EXPECT_TRUE(t.locked_out("10.0.0.1", "c@x", 0));
}

TEST(Pop3LoginThrottle, MemoryIsBounded) {
  ThrottleLimits limits;
  limits.max_tracked = 100;
  LoginThrottle t(limits);
  for (int i = 0; i < 1000; ++i) (void)t.record_failure("10.0." + std::to_string(i), "u" + std::to_string(i), i);
  EXPECT_LE(t.tracked(), 100u);
}

}  // namespace
}  // namespace roost::pop3
