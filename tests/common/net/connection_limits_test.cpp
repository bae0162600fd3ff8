// ConnectionCounter: total and per-IP bookkeeping.
#include "common/net/connection_limits.h"

#include <gtest/gtest.h>

namespace roost::net {
namespace {

using Verdict = ConnectionCounter::Verdict;

TEST(ConnectionLimits, PerIpLimitRefusesTheExtraConnectionOnly) {
  ConnectionCounter c(10, 2);
  EXPECT_EQ(c.try_acquire("192.0.2.1"), Verdict::accepted);
  EXPECT_EQ(c.try_acquire("192.0.2.1"), Verdict::accepted);
  EXPECT_EQ(c.try_acquire("192.0.2.1"), Verdict::too_many_from_ip);
  EXPECT_EQ(c.try_acquire("192.0.2.2"), Verdict::accepted);
  EXPECT_EQ(c.count("192.0.2.1"), 2u);
  EXPECT_EQ(c.total(), 3u);
  c.release("192.0.2.1");
  EXPECT_EQ(c.try_acquire("192.0.2.1"), Verdict::accepted);
}

TEST(ConnectionLimits, TotalLimitCountsEveryIp) {
  ConnectionCounter c(3, 5);
  EXPECT_EQ(c.try_acquire("a"), Verdict::accepted);
  EXPECT_EQ(c.try_acquire("b"), Verdict::accepted);
  EXPECT_EQ(c.try_acquire("c"), Verdict::accepted);
  EXPECT_EQ(c.try_acquire("d"), Verdict::too_many_total);
  EXPECT_EQ(c.count("d"), 0u);
  c.release("b");
  EXPECT_EQ(c.try_acquire("d"), Verdict::accepted);
}

TEST(ConnectionLimits, ReleasedIpsLeaveNoEntries) {
  ConnectionCounter c(100, 100);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(c.try_acquire("ip" + std::to_string(i)), Verdict::accepted);
  EXPECT_EQ(c.ip_count(), 50u);
  for (int i = 0; i < 50; ++i) c.release("ip" + std::to_string(i));
  EXPECT_EQ(c.ip_count(), 0u);
  EXPECT_EQ(c.total(), 0u);
}

TEST(ConnectionLimits, DefaultsAreConsistent) {
  ConnectionLimits l;
  EXPECT_LE(l.max_line, l.max_input_buffer);
  EXPECT_LT(l.output_low_watermark, l.output_high_watermark);
  EXPECT_LE(l.max_connections_per_ip, l.max_connections);
}

}  // namespace
}  // namespace roost::net
