// POP3 command parsing: keywords, arguments, numbers.
#include "pop3d/pop3_parser.h"

#include <gtest/gtest.h>

namespace roost::pop3 {
namespace {

TEST(Pop3Parser, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(parse_command("retr 1").verb, Verb::retr);
  EXPECT_EQ(parse_command("Uidl").verb, Verb::uidl);
  EXPECT_EQ(parse_command("STLS").verb, Verb::stls);
  EXPECT_EQ(parse_command("XYZZY").verb, Verb::unknown);
  EXPECT_EQ(parse_command("").verb, Verb::unknown);
  EXPECT_EQ(parse_command("RETRX 1").verb, Verb::unknown);
}

TEST(Pop3Parser, ArgumentsAreSplitOnSpaces) {
  auto cmd = parse_command("TOP 3 10");
  EXPECT_EQ(cmd.verb, Verb::top);
  ASSERT_EQ(cmd.args.size(), 2u);
  EXPECT_EQ(cmd.args[0], "3");
  EXPECT_EQ(cmd.args[1], "10");
}

TEST(Pop3Parser, PassKeepsTheWholeRestWithSpaces) {
  auto cmd = parse_command("PASS  secret with spaces ");
  EXPECT_EQ(cmd.verb, Verb::pass);
  EXPECT_EQ(cmd.rest, " secret with spaces ");
}

TEST(Pop3Parser, NumbersAreDigitsOnly) {
  EXPECT_EQ(parse_number("1"), 1u);
  EXPECT_EQ(parse_number("0"), 0u);
  EXPECT_EQ(parse_number("4294967295"), 4294967295u);
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("-1"));
  EXPECT_FALSE(parse_number("+1"));
  EXPECT_FALSE(parse_number("1a"));
  EXPECT_FALSE(parse_number("12345678901"));
}

}  // namespace
}  // namespace roost::pop3
