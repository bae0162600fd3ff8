// The DATA receiver: the end only at <CRLF>.<CRLF>, dot-unstuffing, bare CR/LF detection and the
// size limit, with the input split at every point.
#include "smtpd/smtp_data_receiver.h"

#include <gtest/gtest.h>

namespace roost::smtp {
namespace {

struct Received {
  std::string message;
  bool done = false;
  bool bare = false;
  bool overflow = false;
  std::size_t consumed = 0;
};

Received feed_split(const std::string& input, std::size_t split, std::uint64_t max = 1000) {
  DataReceiver r(max);
  Received out;
  out.consumed = r.feed(std::string_view(input).substr(0, split));
  if (!r.done()) out.consumed += r.feed(std::string_view(input).substr(split));
  out.message = r.message().text();
  out.done = r.done();
  out.bare = r.bare_line_ending();
  out.overflow = r.message().overflow();
  return out;
}

// Feeds `input` whole, split at every point, and byte by byte; all must agree.
Received feed_all_ways(const std::string& input, std::uint64_t max = 1000) {
  Received whole = feed_split(input, input.size(), max);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    Received split = feed_split(input, i, max);
    EXPECT_EQ(split.message, whole.message) << "split at " << i;
    EXPECT_EQ(split.done, whole.done);
    EXPECT_EQ(split.bare, whole.bare);
    EXPECT_EQ(split.consumed, whole.consumed);
  }
  DataReceiver r(max);
  std::size_t consumed = 0;
  for (char c : input) {
    if (r.done()) break;
    consumed += r.feed(std::string_view(&c, 1));
  }
  EXPECT_EQ(r.message().text(), whole.message);
  EXPECT_EQ(consumed, whole.consumed);
  return whole;
}

TEST(SmtpDataReceiver, EndsAtCrLfDotCrLfAndLeavesTheRest) {
  Received r = feed_all_ways("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.bare);
  EXPECT_EQ(r.message, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(r.consumed, std::string("Subject: x\r\n\r\nbody\r\n.\r\n").size());
}

TEST(SmtpDataReceiver, DotAloneAtStartIsAnEmptyMessage) {
  Received r = feed_all_ways(".\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.message, "");
}

TEST(SmtpDataReceiver, LeadingDotsAreUnstuffed) {
  Received r = feed_all_ways("..a\r\n...\r\n.b.\r\nc.\r\n.\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.message, ".a\r\n..\r\nb.\r\nc.\r\n");
}

TEST(SmtpDataReceiver, SmugglingProbesNeverEndTheData) {
  for (std::string probe : {"\n.\n", "\r\n.\n", "\n.\r\n", "\r.\r", "\r.\r\n", "\r\n.\r", "\n..\n"}) {
    Received r = feed_all_ways("a" + probe + "MAIL FROM:<x@y>\r\n");
    EXPECT_FALSE(r.done) << "probe must not end the data";
    EXPECT_TRUE(r.bare);
    Received ended = feed_all_ways("a" + probe + "b\r\n.\r\n");
    EXPECT_TRUE(ended.done);
    EXPECT_TRUE(ended.bare);
  }
}

TEST(SmtpDataReceiver, BareLineEndingsAreFlagged) {
  EXPECT_TRUE(feed_all_ways("a\nb\r\n.\r\n").bare);
  EXPECT_TRUE(feed_all_ways("a\rb\r\n.\r\n").bare);
  EXPECT_TRUE(feed_all_ways("a\r\r\n.\r\n").bare);
  EXPECT_FALSE(feed_all_ways("a\r\nb\r\n.\r\n").bare);
}

TEST(SmtpDataReceiver, OverflowIsRememberedAndTheEndStillFound) {
  Received r = feed_all_ways(std::string(50, 'x') + "\r\n.\r\nNOOP\r\n", 20);
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.overflow);
  EXPECT_EQ(r.message, "");
}

TEST(SmtpMessageBuffer, ChecksTheLimitWithoutOverflow) {
  MessageBuffer b(10);
  b.append("12345");
  b.append("67890");
  EXPECT_FALSE(b.overflow());
  b.append("x");
  EXPECT_TRUE(b.overflow());
  EXPECT_EQ(b.received(), 11u);
  EXPECT_TRUE(b.text().empty());
}

TEST(SmtpMessageBuffer, BareLineEndingScan) {
  EXPECT_FALSE(has_bare_line_ending("a\r\nb\r\n"));
  EXPECT_FALSE(has_bare_line_ending(""));
  EXPECT_TRUE(has_bare_line_ending("a\n"));
  EXPECT_TRUE(has_bare_line_ending("a\r"));
  EXPECT_TRUE(has_bare_line_ending("\nb"));
  EXPECT_TRUE(has_bare_line_ending("a\r\rb\n"));
}

}  // namespace
}  // namespace roost::smtp
