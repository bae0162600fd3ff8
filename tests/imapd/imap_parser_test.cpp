// The command framer: lines and literals whole and byte by byte, continuation requests exactly when
// a synchronising literal is accepted, oversize literals refused before their bytes, staying in step.
#include "imapd/imap_parser.h"

#include <gtest/gtest.h>

#include "tests/imapd/framer_driver.h"

namespace roost::imap {
namespace {

using test::Event;
using test::run_framer;
using Strings = std::vector<std::string>;

struct FramerCase {
  const char* name;
  std::string input;
  Strings expected;
};

FramerLimits small_limits() {
  FramerLimits l;
  l.max_line_length = 64;
  l.max_command_size = 200;
  l.append_limit = 100;
  return l;
}

class FramerTable : public ::testing::TestWithParam<FramerCase> {};

TEST_P(FramerTable, SameEventsWholeAndByteByByte) {
  const FramerCase& c = GetParam();
  auto whole = run_framer(c.input, false, small_limits());
  auto bytewise = run_framer(c.input, true, small_limits());
  EXPECT_EQ(whole.shown(), c.expected);
  EXPECT_EQ(bytewise.events, whole.events);  // same events at the same stream offsets
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FramerTable,
    ::testing::Values(
        FramerCase{"lines", "a1 NOOP\r\na2 CAPABILITY\nincomplete", {"CMD a1 NOOP", "CMD a2 CAPABILITY"}},
        FramerCase{"sync_literal_asks_once",
                   "a LOGIN {3}\r\nbob {6}\r\nsecret\r\n",
                   {"+", "+", "CMD a LOGIN {3}\r\nbob {6}\r\nsecret"}},
        FramerCase{"literal_plus_never_asks", "a LOGIN {3+}\r\nbob {6+}\r\nsecret\r\n",
                   {"CMD a LOGIN {3+}\r\nbob {6+}\r\nsecret"}},
        FramerCase{"literal8_asks", std::string("a APPEND x ~{3}\r\na\0b\r\n", 22),
                   {"+", "CMD " + std::string("a APPEND x ~{3}\r\na\0b", 20)}},
        FramerCase{"literal_may_hold_crlf_and_braces", "a SELECT {5}\r\n{1}\r\n\r\nb NOOP\r\n",
                   {"+", "CMD a SELECT {5}\r\n{1}\r\n", "CMD b NOOP"}},
        FramerCase{"zero_length_literal", "a SELECT {0}\r\n\r\n", {"+", "CMD a SELECT {0}\r\n"}},
        FramerCase{"long_line_is_bad_and_skipped",
                   "t1 NOOP " + std::string(100, 'x') + "\r\nt2 NOOP\r\n",
                   {"ERR t1 BAD Line too long\r\n", "CMD t2 NOOP"}},
        FramerCase{"long_line_without_tag_is_untagged", std::string(100, 'x') + "\r\nt2 NOOP\r\n",
                   {"ERR * BAD Line too long\r\n", "CMD t2 NOOP"}},
        FramerCase{"sync_literal_over_command_bound_is_bad_and_not_awaited",
                   "a LOGIN {500}\r\nb NOOP\r\n", {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"nonsync_literal_over_command_bound_is_skipped",
                   "a LOGIN {300+}\r\n" + std::string(300, 'z') + " more {2+}\r\nzz\r\nb NOOP\r\n",
                   {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"append_over_limit_is_toobig",
                   "a APPEND INBOX {101}\r\nb NOOP\r\n",
                   {"ERR a NO [TOOBIG] Message exceeds the APPENDLIMIT\r\n", "CMD b NOOP"}},
        FramerCase{"append_nonsync_over_limit_is_skipped",
                   "a APPEND INBOX {101+}\r\n" + std::string(101, 'm') + "\r\nb NOOP\r\n",
                   {"ERR a NO [TOOBIG] Message exceeds the APPENDLIMIT\r\n", "CMD b NOOP"}},
        FramerCase{"append_literal_does_not_count_against_command_bound",
                   "a append INBOX {100+}\r\n" + std::string(100, 'm') + "\r\n",
                   {"CMD a append INBOX {100+}\r\n" + std::string(100, 'm')}},
        FramerCase{"overflowing_literal_size_is_refused", "a LOGIN {99999999999999999999999}\r\nb NOOP\r\n",
                   {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"command_bound_over_several_lines",
                   "a LOGIN {60+}\r\n" + std::string(60, 'u') + " {60+}\r\n" + std::string(60, 'p') +
                       " {60+}\r\n" + std::string(60, 'q') + "\r\nb NOOP\r\n",
                   {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"sync_literal_while_discarding_ends_the_command",
                   "a LOGIN {300+}\r\n" + std::string(300, 'z') + " {5}\r\nb NOOP\r\n",
                   {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"long_line_after_a_literal_keeps_the_tag",
                   "a LOGIN {3}\r\nbob " + std::string(100, 'x') + "\r\nb NOOP\r\n",
                   {"+", "ERR a BAD Line too long\r\n", "CMD b NOOP"}},
        FramerCase{"long_line_while_discarding_is_silent",
                   "a LOGIN {300+}\r\n" + std::string(300, 'z') + std::string(100, 'y') + "\r\nb NOOP\r\n",
                   {"ERR a BAD Literal too large\r\n", "CMD b NOOP"}},
        FramerCase{"bare_lf_ends_lines_and_literal_announcements", "a LOGIN {3}\nbob x\nb NOOP\n",
                   {"+", "CMD a LOGIN {3}\r\nbob x", "CMD b NOOP"}},
        FramerCase{"garbage_and_empty_lines_are_framed", "\r\n* OK hello\r\n",
                   {"CMD ", "CMD * OK hello"}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ImapFramer, ContinuationComesRightAfterTheAnnouncingLine) {
  const std::string input = "a LOGIN {3}\r\nbob {2}\r\npw\r\n";
  auto run = run_framer(input, true);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].kind, Event::Kind::continuation);
  EXPECT_EQ(run.events[0].offset, std::string("a LOGIN {3}\r\n").size());
  EXPECT_EQ(run.events[0].text, "+ Ready for literal data\r\n");
  EXPECT_EQ(run.events[1].offset, std::string("a LOGIN {3}\r\nbob {2}\r\n").size());
  EXPECT_EQ(run.events[2].offset, input.size());
}

TEST(ImapFramer, OversizeLiteralIsRefusedBeforeItsBytesArrive) {
  // The refusal comes as soon as the announcement line ends, with no literal byte sent.
  FramerLimits limits;
  limits.append_limit = 1000;
  auto run = run_framer("a APPEND INBOX {5000000000}\r\n", true, limits);
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].text, "a NO [TOOBIG] Message exceeds the APPENDLIMIT\r\n");
  // A skipped non-synchronising literal is dropped as it arrives, never buffered.
  std::string big = "a APPEND INBOX {100000+}\r\n" + std::string(100000, 'x') + "\r\nb NOOP\r\n";
  auto whole = run_framer(big, false, limits);
  EXPECT_EQ(whole.shown(), (Strings{"ERR a NO [TOOBIG] Message exceeds the APPENDLIMIT\r\n", "CMD b NOOP"}));
  EXPECT_EQ(whole.buffered_max, 0u);
}

TEST(ImapFramer, ExpectLineReturnsTheNextLineRaw) {
  // IDLE then DONE; AUTHENTICATE then a SASL response: taken as lines, literals not interpreted.
  auto run = run_framer("a IDLE\r\nDONE {5}\r\nb NOOP\r\n", true, {}, 1);
  EXPECT_EQ(run.shown(), (Strings{"CMD a IDLE", "LINE DONE {5}", "CMD b NOOP"}));
  EXPECT_EQ(run_framer("a IDLE\r\nDONE {5}\r\nb NOOP\r\n", false, {}, 1).events, run.events);
}

TEST(ImapFramer, OverLongLineInLineModeIsUntaggedBad) {
  FramerLimits limits;
  limits.max_line_length = 16;
  auto run = run_framer("a IDLE\r\n" + std::string(40, 'D') + "\r\nb NOOP\r\n", true, limits, 1);
  EXPECT_EQ(run.shown(), (Strings{"CMD a IDLE", "ERR * BAD Line too long\r\n", "CMD b NOOP"}));
  EXPECT_EQ(run_framer("a IDLE\r\n" + std::string(40, 'D') + "\r\nb NOOP\r\n", false, limits, 1).events,
            run.events);
}

TEST(ImapFramer, LineBoundCountsTheLineEnding) {
  FramerLimits limits;
  limits.max_line_length = 10;
  // 8 characters + CRLF = 10 octets: allowed; 9 + CRLF = 11: too long.
  EXPECT_EQ(run_framer("a NOOP x\r\n", true, limits).shown(), (Strings{"CMD a NOOP x"}));
  EXPECT_EQ(run_framer("a NOOP xx\r\n", true, limits).shown(), (Strings{"ERR a BAD Line too long\r\n"}));
  EXPECT_EQ(run_framer("a NOOP xx\r\n", false, limits).shown(), (Strings{"ERR a BAD Line too long\r\n"}));
}

TEST(ImapFramer, ResetDropsPendingInput) {
  CommandFramer framer;
  auto step = framer.next("a LOGIN {3}\r\nb");
  EXPECT_EQ(step.kind, CommandFramer::Kind::continuation);
  framer.reset();
  std::string rest = "b NOOP\r\n";
  step = framer.next(rest);
  EXPECT_EQ(step.kind, CommandFramer::Kind::command);
  EXPECT_EQ(step.command.text, "b NOOP");
  EXPECT_EQ(step.command.tag, "b");
}

TEST(ImapFramer, InvalidTagIsLeftEmpty) {
  auto run = run_framer("a+b NOOP\r\n* NOOP\r\n", false);
  ASSERT_EQ(run.commands.size(), 2u);
  EXPECT_EQ(run.commands[0].tag, "");
  EXPECT_EQ(run.commands[1].tag, "");
}

}  // namespace
}  // namespace roost::imap
