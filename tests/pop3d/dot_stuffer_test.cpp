// DotStuffer: RFC 1939 3 byte stuffing and TOP cutting, fed whole and split at every point.
#include "pop3d/dot_stuffer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace roost::pop3 {
namespace {

std::string stuff_whole(std::string_view in, std::optional<std::uint64_t> top = std::nullopt) {
  DotStuffer s(top);
  std::string out;
  s.feed(in, out);
  s.finish(out);
  return out;
}

// Every split into two chunks, and byte by byte, must give the same bytes as the whole input.
void expect_split_invariant(std::string_view in, std::optional<std::uint64_t> top = std::nullopt) {
  const std::string whole = stuff_whole(in, top);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    DotStuffer s(top);
    std::string out;
    s.feed(in.substr(0, cut), out);
    s.feed(in.substr(cut), out);
    s.finish(out);
    EXPECT_EQ(out, whole) << "split at " << cut;
  }
  DotStuffer s(top);
  std::string out;
  for (char c : in) s.feed(std::string_view(&c, 1), out);
  s.finish(out);
  EXPECT_EQ(out, whole) << "byte by byte";
}

TEST(Pop3DotStuffer, LinesStartingWithDotAreStuffed) {
  EXPECT_EQ(stuff_whole("a\r\n.b\r\n..c\r\n.\r\nd\r\n"), "a\r\n..b\r\n...c\r\n..\r\nd\r\n.\r\n");
}

TEST(Pop3DotStuffer, DotAtTheVeryStartIsStuffed) { EXPECT_EQ(stuff_whole(".x\r\n"), "..x\r\n.\r\n"); }

TEST(Pop3DotStuffer, DotInsideALineIsLeftAlone) { EXPECT_EQ(stuff_whole("a.b\r\nc .\r\n"), "a.b\r\nc .\r\n.\r\n"); }

TEST(Pop3DotStuffer, UnterminatedLastLineGetsCrlfBeforeTheTerminator) {
  EXPECT_EQ(stuff_whole("a\r\nb"), "a\r\nb\r\n.\r\n");
}

TEST(Pop3DotStuffer, EmptyMessageIsJustTheTerminator) { EXPECT_EQ(stuff_whole(""), ".\r\n"); }

TEST(Pop3DotStuffer, MessageBytesOtherwisePassUnchanged) {
  std::string binary = "H: v\r\n\r\n";
  for (int i = 1; i < 256; ++i) binary += static_cast<char>(i);
  binary += "\r\n";
  std::string out = stuff_whole(binary);
  std::string expected = binary;
  expected.replace(expected.find("\t\n"), 2, "\t\r\n");  // the one bare LF goes out as CRLF
  EXPECT_EQ(out, expected + ".\r\n");
}

TEST(Pop3DotStuffer, BareLfGoesOutAsCrlfSoOnlyTheRealEndLooksLikeOne) {
  // Found by the fuzz target: "..\n" then ".\r\n" would end with LF "." CRLF, which a client
  // waiting for CRLF "." CRLF never sees.
  EXPECT_EQ(stuff_whole("A: 1\n\n.\nx\r\n"), "A: 1\r\n\r\n..\r\nx\r\n.\r\n");
  expect_split_invariant("A: 1\n\n.\nx\r\n\n.\n");
}

TEST(Pop3DotStuffer, StuffingWorksAcrossEveryChunkBoundary) {
  expect_split_invariant("Subject: x\r\n\r\n.\r\n..\r\n.a\r\nb.\r\n.");
  expect_split_invariant("\r\n.\r\n\r\n.");
}

TEST(Pop3DotStuffer, TopSendsHeaderBlankLineAndNBodyLines) {
  const std::string msg = "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n";
  EXPECT_EQ(stuff_whole(msg, 0), "A: 1\r\nB: 2\r\n\r\n.\r\n");
  EXPECT_EQ(stuff_whole(msg, 2), "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n");
  EXPECT_EQ(stuff_whole(msg, 10), "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
  for (std::uint64_t n : {0, 1, 2, 3, 10}) expect_split_invariant(msg, n);
}

TEST(Pop3DotStuffer, TopOfAMessageWithoutBodySendsItAll) {
  EXPECT_EQ(stuff_whole("A: 1\r\nB: 2\r\n", 0), "A: 1\r\nB: 2\r\n.\r\n");
}

TEST(Pop3DotStuffer, TopReportsDoneOnceTheLimitIsReached) {
  DotStuffer s(1);
  std::string out;
  s.feed("A: 1\r\n\r\nbody\r\n", out);
  EXPECT_TRUE(s.done());
  s.feed("more\r\n", out);
  EXPECT_EQ(out, "A: 1\r\n\r\nbody\r\n");
}

}  // namespace
}  // namespace roost::pop3
