// InputFramer: every mode, fed whole, byte by byte and split at every point.
#include "common/net/input_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roost::net {
namespace {

// A tiny protocol driving the modes: "LIT n" reads n raw bytes, "DATA" reads message data up to
// CRLF.CRLF, "UNTIL x" reads up to the terminator x, "STREAM" hands over the rest as raw bytes.
// Events are recorded as "L:<line>", "TOO_LONG", "R:<raw bytes, adjacent chunks merged>", "END".
std::vector<std::string> run(const std::vector<std::string>& pieces, std::size_t max_line = 16) {
  InputFramer framer(max_line);
  std::vector<std::string> events;
  for (const auto& piece : pieces) {
    framer.feed(piece);
    for (;;) {
      InputEvent ev = framer.next();
      if (ev.kind == InputEvent::Kind::need_more) break;
      switch (ev.kind) {
        case InputEvent::Kind::line: {
          std::string line(ev.bytes);
          events.push_back("L:" + line);
          if (line.rfind("LIT ", 0) == 0) framer.read_exactly(std::stoull(line.substr(4)));
          if (line == "DATA") framer.read_message_data();
          if (line.rfind("UNTIL ", 0) == 0) framer.read_until(line.substr(6));
          if (line == "STREAM") framer.read_stream();
          break;
        }
        case InputEvent::Kind::line_too_long:
          events.push_back("TOO_LONG");
          break;
        case InputEvent::Kind::raw_chunk:
          EXPECT_FALSE(ev.bytes.empty());
          if (!events.empty() && events.back().rfind("R:", 0) == 0) {
            events.back() += std::string(ev.bytes);
          } else {
            events.push_back("R:" + std::string(ev.bytes));
          }
          break;
        case InputEvent::Kind::raw_end:
          events.push_back("END");
          break;
        case InputEvent::Kind::need_more:
          break;
      }
    }
  }
  return events;
}

// Checks the same input gives the same events whole, byte by byte and split at every point.
void expect_events(const std::string& input, const std::vector<std::string>& expected, std::size_t max_line = 16) {
  EXPECT_EQ(run({input}, max_line), expected) << "whole";
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  EXPECT_EQ(run(bytes, max_line), expected) << "byte by byte";
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    EXPECT_EQ(run({input.substr(0, cut), input.substr(cut)}, max_line), expected) << "split at " << cut;
  }
}

TEST(InputFramer, LinesEndAtCrlfOrLf) {
  expect_events("HELO a\r\nNOOP\nQUIT\r\n", {"L:HELO a", "L:NOOP", "L:QUIT"});
}

TEST(InputFramer, EmptyLinesAreLines) { expect_events("\r\n\n", {"L:", "L:"}); }

TEST(InputFramer, PartialLineWaitsForItsEnd) { EXPECT_EQ(run({"NOOP"}), std::vector<std::string>{}); }

TEST(InputFramer, LineAtTheLimitIsAccepted) {
  // max_line 16 counts the CRLF: 14 bytes + CRLF fit.
  expect_events(std::string(14, 'a') + "\r\n", {"L:" + std::string(14, 'a')});
}

TEST(InputFramer, OverLongLineIsReportedOnceAndSkippedToItsEnd) {
  expect_events(std::string(15, 'a') + "\r\nNEXT\r\n", {"TOO_LONG", "L:NEXT"});
  expect_events(std::string(100, 'b') + "\nNEXT\r\n", {"TOO_LONG", "L:NEXT"});
  expect_events("OK\r\n" + std::string(40, 'c') + "\r\n" + std::string(40, 'd') + "\nOK2\n",
                {"L:OK", "TOO_LONG", "TOO_LONG", "L:OK2"});
}

TEST(InputFramer, OverLongLineDoesNotGrowTheBuffer) {
  InputFramer framer(16);
  int too_long = 0;
  for (int i = 0; i < 1000; ++i) {
    framer.feed(std::string(1000, 'x'));
    for (InputEvent ev = framer.next(); ev.kind != InputEvent::Kind::need_more; ev = framer.next()) {
      if (ev.kind == InputEvent::Kind::line_too_long) ++too_long;
    }
    EXPECT_LT(framer.buffered(), 16u);
  }
  EXPECT_EQ(too_long, 1);
  framer.feed("tail\nNOOP\n");
  EXPECT_EQ(framer.next().kind, InputEvent::Kind::line);
}

TEST(InputFramer, ExactBytesThenLines) {
  expect_events("LIT 5\r\nab\r\ncNOOP\r\n", {"L:LIT 5", "R:ab\r\nc", "END", "L:NOOP"});
}

TEST(InputFramer, ExactZeroBytesEndsAtOnce) { expect_events("LIT 0\r\nNOOP\n", {"L:LIT 0", "END", "L:NOOP"}); }

TEST(InputFramer, ExactBytesIgnoreLineLimitAndLineEnds) {
  std::string payload = std::string(50, 'z') + "\n\n" + std::string(20, 'y');
  expect_events("LIT 72\n" + payload + "X\n", {"L:LIT 72", "R:" + payload, "END", "L:X"});
}

TEST(InputFramer, MessageDataEndsAtCrlfDotCrlfAndKeepsTheCrlfBeforeTheDot) {
  expect_events("DATA\r\nSubject: a\r\n\r\nbody\r\n.\r\nQUIT\r\n",
                {"L:DATA", "R:Subject: a\r\n\r\nbody\r\n", "END", "L:QUIT"});
}

TEST(InputFramer, EmptyMessageIsADotAtOnce) { expect_events("DATA\r\n.\r\nQUIT\r\n", {"L:DATA", "END", "L:QUIT"}); }

TEST(InputFramer, MessageOfOneEmptyLine) { expect_events("DATA\r\n\r\n.\r\nX\n", {"L:DATA", "R:\r\n", "END", "L:X"}); }

TEST(InputFramer, MessageDataIgnoresBareLfDotAndDotStuffing) {
  // SMTP smuggling inputs: only CRLF "." CRLF ends the data.
  expect_events("DATA\r\na\n.\nb\r\n.\nc\n.\r\nd\r\n..\r\n.\r\nX\r\n",
                {"L:DATA", "R:a\n.\nb\r\n.\nc\n.\r\nd\r\n..\r\n", "END", "L:X"});
}

TEST(InputFramer, MessageDataNearTerminatorPrefixes) {
  expect_events("DATA\r\n.x\r\n\r\n\r.\r\n\r\n.\r\n", {"L:DATA", "R:.x\r\n\r\n\r.\r\n\r\n", "END"});
}

TEST(InputFramer, UntilTerminatorWithoutKeptBytes) {
  expect_events("UNTIL END\nabcENENDline\n", {"L:UNTIL END", "R:abcEN", "END", "L:line"});
}

TEST(InputFramer, StreamHandsOverEverything) {
  expect_events("STREAM\nab\r\ncd", {"L:STREAM", "R:ab\r\ncd"});
}

TEST(InputFramer, DiscardBufferedDropsUnreadBytesAndReturnsToLineMode) {
  InputFramer framer(64);
  framer.feed("STARTTLS\r\nMAIL FROM:<a@b>\r\n");
  auto ev = framer.next();
  ASSERT_EQ(ev.kind, InputEvent::Kind::line);
  EXPECT_EQ(ev.bytes, "STARTTLS");
  EXPECT_EQ(framer.discard_buffered(), 17u);
  EXPECT_EQ(framer.next().kind, InputEvent::Kind::need_more);
  framer.feed("EHLO x\r\n");
  ev = framer.next();
  ASSERT_EQ(ev.kind, InputEvent::Kind::line);
  EXPECT_EQ(ev.bytes, "EHLO x");
}

TEST(InputFramer, ModeChangeAppliesToBytesAlreadyBuffered) {
  InputFramer framer(64);
  framer.feed("A\r\nxyzB\r\n");
  EXPECT_EQ(framer.next().bytes, "A");
  framer.read_exactly(3);
  auto ev = framer.next();
  EXPECT_EQ(ev.kind, InputEvent::Kind::raw_chunk);
  EXPECT_EQ(ev.bytes, "xyz");
  EXPECT_EQ(framer.next().kind, InputEvent::Kind::raw_end);
  EXPECT_EQ(framer.mode(), InputFramer::Mode::line);
  EXPECT_EQ(framer.next().bytes, "B");
}

}  // namespace
}  // namespace roost::net
