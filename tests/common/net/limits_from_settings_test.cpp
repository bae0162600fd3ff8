// The config keys reach the network limits a daemon runs with.
#include "common/net/limits_from_settings.h"

#include <gtest/gtest.h>

namespace roost::net {
namespace {

TEST(LimitsFromSettings, ConfigKeysReachTheConnectionLimits) {
  auto settings = parse_config(R"(
[tls]
handshake_timeout = "7s"
[limits]
max_connections = 50
max_connections_per_ip = 3
max_line_length = 2048
output_high_watermark = "2M"
output_low_watermark = "512k"
session_limit = "2h"
shutdown_grace = "4s"
)");
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  ConnectionLimits limits = limits_from(*settings, std::chrono::seconds(42));
  EXPECT_EQ(limits.max_connections, 50u);
  EXPECT_EQ(limits.max_connections_per_ip, 3u);
  EXPECT_EQ(limits.max_line, 2048u);
  EXPECT_EQ(limits.output_high_watermark, 2u << 20);
  EXPECT_EQ(limits.output_low_watermark, 512u << 10);
  EXPECT_EQ(limits.idle_timeout, std::chrono::seconds(42));
  EXPECT_EQ(limits.session_limit, std::chrono::hours(2));
  EXPECT_EQ(limits.handshake_timeout, std::chrono::seconds(7));
  EXPECT_GE(limits.max_input_buffer, 4 * limits.max_line);
  EXPECT_EQ(server_options_from(*settings).stop_deadline, std::chrono::seconds(4));
}

}  // namespace
}  // namespace roost::net
