// Tests for loading roost.toml: defaults, typed values, and the refusals an admin sees.
#include "common/base/config.h"

#include <gtest/gtest.h>

namespace roost {
namespace {

TEST(Config, EmptyFileGivesDefaults) {
  auto s = parse_config("");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->data_dir, "/var/lib/roost");
  EXPECT_EQ(s->limits.max_connections, 1000);
  EXPECT_EQ(s->smtpd.idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(s->auth.argon2_time_cost, 2);
  EXPECT_EQ(s->auth.argon2_memory_kib, 19456);
  EXPECT_FALSE(s->hostname.empty()) << "an empty hostname falls back to the system's";
  EXPECT_EQ(s->db_path(), "/var/lib/roost/roost.db");
}

TEST(Config, TypedValuesAreApplied) {
  auto s = parse_config(R"(
hostname = "mail.example.org"
log_level = "debug"
[tls]
cert_file = "/etc/roost/cert.pem"
handshake_timeout = "45s"
[limits]
max_connections_per_ip = 5
max_line_length = "16k"
[smtpd]
mx = ["127.0.0.1:2525", "[::1]:2525"]
idle_timeout = 600
[auth]
allow_plaintext_on_loopback = true
)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->hostname, "mail.example.org");
  EXPECT_EQ(s->log_level, log::Level::debug);
  EXPECT_EQ(s->tls.cert_file, "/etc/roost/cert.pem");
  EXPECT_EQ(s->tls.handshake_timeout, std::chrono::seconds(45));
  EXPECT_EQ(s->limits.max_connections_per_ip, 5);
  EXPECT_EQ(s->limits.max_line_length, 16384);
  EXPECT_EQ(s->smtpd.mx, (std::vector<std::string>{"127.0.0.1:2525", "[::1]:2525"}));
  EXPECT_EQ(s->smtpd.idle_timeout, std::chrono::minutes(10));
  EXPECT_TRUE(s->auth.allow_plaintext_on_loopback);
}

struct Refusal {
  const char* toml;
  const char* expected_fragment;  // the message names the key and says why
};

class ConfigRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(ConfigRefusal, BadInputIsRefusedWithKeyAndReason) {
  auto s = parse_config(GetParam().toml, "roost.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(GetParam().expected_fragment), std::string::npos) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigRefusal,
    ::testing::Values(Refusal{"colour = 1", "unknown key 'colour'"},
                      Refusal{"[limits]\nmax_conections = 1", "unknown key 'limits.max_conections'"},
                      Refusal{"[nosuch]\nx = 1", "unknown key 'nosuch'"},
                      Refusal{"[limits]\nmax_connections = 0", "'limits.max_connections': must be between 1"},
                      Refusal{"[limits]\nmax_connections = \"many\"", "expected an integer"},
                      Refusal{"log_level = \"loud\"", "'log_level'"},
                      Refusal{"[smtpd]\nidle_timeout = \"5 fortnights\"", "unknown unit"},
                      Refusal{"[smtpd]\nmx = \"127.0.0.1:25\"", "expected a list of strings"},
                      Refusal{"[store]\nplus_separator = \"@\"", "cannot be @"},
                      Refusal{"data_dir = \"\"", "must not be empty"},
                      Refusal{"[limits]\noutput_low_watermark = \"2M\"", "must be below"},
                      Refusal{"hostname = ", "roost.toml:1"},
                      Refusal{"[auth]\nargon2_time_cost = 1.5", "expected an integer"}));

TEST(Config, RefusalNamesTheLine) {
  auto s = parse_config("\n\n[limits]\nmax_connections = -3\n", "roost.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("roost.toml:4"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("-3"), std::string::npos) << "the bad value is shown: " << s.error().message;
}

TEST(Config, MissingFileSaysWhichPath) {
  auto s = load_config("/nonexistent/roost.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("/nonexistent/roost.toml"), std::string::npos);
}

TEST(Config, ExampleConfigParsesBackToDefaults) {
  std::string text = example_config("mail.example.org", "/srv/roost");
  auto s = parse_config(text, "example");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->hostname, "mail.example.org");
  EXPECT_EQ(s->data_dir, "/srv/roost");
  Settings defaults;
  EXPECT_EQ(s->limits.max_connections, defaults.limits.max_connections);
  EXPECT_EQ(s->imapd.imaps, defaults.imapd.imaps);
  // Every key is documented in the example, so an admin can find it.
  for (const char* key : {"max_connections_per_ip", "handshake_timeout", "argon2_memory_kib", "plus_separator",
                          "submissions", "pop3s", "shutdown_grace"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

TEST(Config, UncommentedExampleKeysAreAllValid) {
  // Uncommenting every default in the example must still load: the rendered defaults are valid values.
  std::string text = example_config("h.example", "/d");
  std::string live;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    auto eq = line.find(" = ");
    bool commented_key = line.rfind("# ", 0) == 0 && eq != std::string::npos &&
                         line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", 2) == eq;
    if (commented_key) line = line.substr(2);
    live += line + "\n";
    pos = end + 1;
  }
  auto s = parse_config(live, "uncommented");
  ASSERT_TRUE(s.ok()) << s.error().message;
}

TEST(ConfigEnv, ExplicitPathBeatsEnvironment) {
  setenv("ROOST_CONFIG", "/from/env.toml", 1);
  EXPECT_EQ(config_path("/explicit.toml"), "/explicit.toml");
  EXPECT_EQ(config_path(""), "/from/env.toml");
  unsetenv("ROOST_CONFIG");
  EXPECT_EQ(config_path(""), "/etc/roost/roost.toml");
}

TEST(Duration, Forms) {
  EXPECT_EQ(*parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(*parse_duration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(*parse_duration("30"), std::chrono::seconds(30));
  EXPECT_EQ(*parse_duration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(*parse_duration("2h"), std::chrono::hours(2));
  EXPECT_EQ(*parse_duration("1d"), std::chrono::hours(24));
  EXPECT_FALSE(parse_duration("").ok());
  EXPECT_FALSE(parse_duration("-5s").ok());
  EXPECT_FALSE(parse_duration("5 s").ok());
  EXPECT_FALSE(parse_duration("99999999999999999999d").ok());
}

TEST(Size, Forms) {
  EXPECT_EQ(*parse_size("100"), 100);
  EXPECT_EQ(*parse_size("64k"), 65536);
  EXPECT_EQ(*parse_size("50M"), 50LL << 20);
  EXPECT_EQ(*parse_size("1GiB"), 1LL << 30);
  EXPECT_FALSE(parse_size("lots").ok());
  EXPECT_FALSE(parse_size("9999999999999999999G").ok());
  EXPECT_FALSE(parse_size("5T").ok());
}

}  // namespace
}  // namespace roost
