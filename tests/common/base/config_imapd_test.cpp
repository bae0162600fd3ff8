// Tests for the [imapd] keys of roost.toml: their defaults, sizes in the admin's units, and refusals.
#include "common/base/config.h"

#include <gtest/gtest.h>

namespace roost {
namespace {

TEST(ConfigImapd, DefaultsMatchTheDocumentedLimits) {
  auto s = parse_config("");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->imapd.idle_timeout, std::chrono::minutes(30));
  EXPECT_EQ(s->imapd.max_line_length, 8192);
  EXPECT_EQ(s->imapd.max_command_size, 64 * 1024);
  EXPECT_EQ(s->imapd.append_limit, 50LL * 1024 * 1024);
  EXPECT_EQ(s->imapd.max_errors, 10);
  EXPECT_EQ(s->imapd.max_auth_failures, 3);
  EXPECT_EQ(s->imapd.worker_threads, 4);
}

TEST(ConfigImapd, ValuesAreApplied) {
  auto s = parse_config(R"(
[imapd]
imap = ["127.0.0.1:2143"]
imaps = []
idle_timeout = "31m"
max_line_length = "16k"
max_command_size = 131072
append_limit = "25M"
max_errors = 5
max_auth_failures = 2
worker_threads = 8
)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->imapd.imap, (std::vector<std::string>{"127.0.0.1:2143"}));
  EXPECT_TRUE(s->imapd.imaps.empty());
  EXPECT_EQ(s->imapd.idle_timeout, std::chrono::minutes(31));
  EXPECT_EQ(s->imapd.max_line_length, 16384);
  EXPECT_EQ(s->imapd.max_command_size, 131072);
  EXPECT_EQ(s->imapd.append_limit, 25LL * 1024 * 1024);
  EXPECT_EQ(s->imapd.max_errors, 5);
  EXPECT_EQ(s->imapd.max_auth_failures, 2);
  EXPECT_EQ(s->imapd.worker_threads, 8);
}

struct ImapdRefusal {
  const char* toml;
  const char* expected_fragment;  // the message names the key and says why
};

class ConfigImapdRefusal : public ::testing::TestWithParam<ImapdRefusal> {};

TEST_P(ConfigImapdRefusal, OutOfRangeIsRefusedWithKeyAndReason) {
  auto s = parse_config(GetParam().toml, "roost.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(GetParam().expected_fragment), std::string::npos) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ConfigImapdRefusal,
    ::testing::Values(ImapdRefusal{"[imapd]\nmax_line_length = 100\n", "'imapd.max_line_length': must be between"},
                      ImapdRefusal{"[imapd]\nmax_command_size = \"1G\"\n", "'imapd.max_command_size': must be between"},
                      ImapdRefusal{"[imapd]\nappend_limit = \"3G\"\n", "'imapd.append_limit': must be between"},
                      ImapdRefusal{"[imapd]\nappend_limit = \"lots\"\n", "'imapd.append_limit'"},
                      ImapdRefusal{"[imapd]\nmax_errors = 0\n", "'imapd.max_errors': must be between 1 and 1000"},
                      ImapdRefusal{"[imapd]\nmax_auth_failures = \"3\"\n", "'imapd.max_auth_failures': expected an integer"},
                      ImapdRefusal{"[imapd]\nworker_threads = 0\n", "'imapd.worker_threads': must be between 1 and 256"}));

TEST(ConfigImapd, ExampleConfigListsTheKeysAndParsesBack) {
  std::string example = example_config("mail.example.org", "/var/lib/roost");
  auto begin = example.find("[imapd]");
  ASSERT_NE(begin, std::string::npos) << example;
  std::string section = example.substr(begin, example.find("\n[", begin + 1) - begin);
  for (const char* key : {"max_line_length", "max_command_size", "append_limit", "max_errors", "max_auth_failures",
                          "worker_threads"}) {
    EXPECT_NE(section.find(std::string(key) + " = "), std::string::npos) << key << " in " << section;
  }
  auto s = parse_config(example);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->imapd.append_limit, 50LL * 1024 * 1024);
}

}  // namespace
}  // namespace roost
