// Tests for the key=value log line format.
#include "common/base/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roost::log {
namespace {

std::vector<std::string> g_lines;
void capture(std::string_view line) { g_lines.emplace_back(line); }

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_lines.clear();
    set_sink(capture);
    set_level(Level::info);
    set_daemon("test");
  }
  void TearDown() override { set_sink(nullptr); }
};

TEST_F(LogTest, LineHasTimestampLevelDaemonConnAndMessageInOrder) {
  info(42, "mail from").kv("from", "a@b.example").kv("size", 1234);
  ASSERT_EQ(g_lines.size(), 1u);
  const std::string& l = g_lines[0];
  EXPECT_EQ(l.rfind("ts=", 0), 0u) << l;
  auto level = l.find(" level=info daemon=test conn=42 msg=\"mail from\" from=a@b.example size=1234");
  EXPECT_NE(level, std::string::npos) << l;
}

TEST_F(LogTest, ValuesWithSpacesQuotesOrControlBytesAreQuotedAndEscaped) {
  info("x").kv("v", "a b").kv("q", "say \"hi\"").kv("nl", "one\r\ntwo").kv("eq", "k=v").kv("empty", "");
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_NE(g_lines[0].find("v=\"a b\""), std::string::npos) << g_lines[0];
  EXPECT_NE(g_lines[0].find("q=\"say \\\"hi\\\"\""), std::string::npos) << g_lines[0];
  EXPECT_NE(g_lines[0].find("nl=\"one\\r\\ntwo\""), std::string::npos) << g_lines[0];
  EXPECT_NE(g_lines[0].find("eq=\"k=v\""), std::string::npos) << g_lines[0];
  EXPECT_NE(g_lines[0].find("empty=\"\""), std::string::npos) << g_lines[0];
  EXPECT_EQ(g_lines[0].find('\n'), std::string::npos) << "one event, one line";
}

TEST_F(LogTest, SecretsNeverPrint) {
  info("auth").kv("user", "alice").kv("password", Secret{"hunter2"});
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0].find("hunter2"), std::string::npos);
  EXPECT_NE(g_lines[0].find("password=***"), std::string::npos);
}

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  set_level(Level::warn);
  info("quiet");
  debug("quieter");
  warn("loud");
  error("louder");
  ASSERT_EQ(g_lines.size(), 2u);
  EXPECT_NE(g_lines[0].find("level=warn"), std::string::npos);
  EXPECT_NE(g_lines[1].find("level=error"), std::string::npos);
}

TEST(LogLevel, ParsesKnownNamesOnly) {
  Level l{};
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_TRUE(parse_level("error", l));
  EXPECT_EQ(l, Level::error);
  EXPECT_FALSE(parse_level("verbose", l));
  EXPECT_FALSE(parse_level("INFO", l));
}

}  // namespace
}  // namespace roost::log
