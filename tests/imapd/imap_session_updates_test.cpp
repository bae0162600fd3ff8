// imap::Session untagged updates (RFC 9051 7.5.1, RFC 3501 7.4.1, RFC 7162 3.2.10): changes made by
// other sessions and deliveries show up as EXISTS / EXPUNGE / FETCH at the allowed points, EXPUNGE is
// held back during FETCH, STORE and SEARCH, and IDLE reports changes before DONE.
#include <gtest/gtest.h>

#include "tests/imapd/session_fixture.h"

namespace roost::imap::test {
namespace {

using ImapUpdates = SessionTest;

TEST_F(ImapUpdates, NoopShowsDeliveriesFlagsAndExpunges) {
  deliver_n(3);
  auto a = selected();
  auto b = selected();
  deliver(test_message("new"));
  EXPECT_EQ(run(*a, "a1 NOOP\r\n"), "* 4 EXISTS\r\na1 OK NOOP completed\r\n");
  run(*b, "b1 STORE 2 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\nb3 STORE 1 +FLAGS (\\Answered)\r\n");
  EXPECT_EQ(run(*a, "a2 NOOP\r\n"),
            "* 2 EXPUNGE\r\n* 1 FETCH (UID 1 FLAGS (\\Answered))\r\na2 OK NOOP completed\r\n");
  // Nothing changed since: nothing is sent.
  EXPECT_EQ(run(*a, "a3 NOOP\r\n"), "a3 OK NOOP completed\r\n");
}

TEST_F(ImapUpdates, FlagChangesCarryModseqWithCondstore) {
  deliver_n(1);
  auto a = selected("INBOX", "CONDSTORE");
  auto b = selected();
  run(*b, "b1 STORE 1 +FLAGS (\\Seen)\r\n");
  std::string out = run(*a, "a1 NOOP\r\n");
  EXPECT_TRUE(has(out, "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (")) << out;
}

TEST_F(ImapUpdates, NoExpungeDuringFetchStoreOrSearch) {
  deliver_n(3);
  auto a = selected();
  auto b = selected();
  run(*b, "b1 STORE 3 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\n");
  deliver(test_message("later"));
  std::string out = run(*a, "a1 FETCH 1 (FLAGS)\r\n");
  EXPECT_FALSE(has(out, "EXPUNGE")) << out;
  EXPECT_TRUE(has(out, "* 4 EXISTS\r\n")) << out;  // EXISTS is allowed
  out = run(*a, "a2 STORE 1 +FLAGS (\\Seen)\r\n");
  EXPECT_FALSE(has(out, "EXPUNGE")) << out;
  out = run(*a, "a3 SEARCH ALL\r\n");
  EXPECT_FALSE(has(out, "EXPUNGE")) << out;
  // Message 3 keeps its number until the next allowed point.
  EXPECT_TRUE(has(out, "* SEARCH 1 2 3 4\r\n")) << out;
  out = run(*a, "a4 NOOP\r\n");
  EXPECT_EQ(out, "* 3 EXPUNGE\r\na4 OK NOOP completed\r\n");
  out = run(*a, "a5 FETCH 3 UID\r\n");
  EXPECT_TRUE(has(out, "UID 4")) << out;
}

TEST_F(ImapUpdates, UidCommandsMaySendExpunge) {
  deliver_n(2);
  auto a = selected();
  auto b = selected();
  run(*b, "b1 STORE 1 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\n");
  std::string out = run(*a, "a1 UID FETCH 2 FLAGS\r\n");
  EXPECT_TRUE(has(out, "* 1 EXPUNGE\r\na1 OK FETCH completed\r\n")) << out;
}

TEST_F(ImapUpdates, VanishedInsteadOfExpungeWithQresync) {
  deliver_n(3);
  auto a = selected("INBOX", "QRESYNC");
  auto b = selected();
  run(*b, "b1 STORE 1:2 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\n");
  EXPECT_EQ(run(*a, "a1 NOOP\r\n"), "* VANISHED 1:2\r\na1 OK NOOP completed\r\n");
}

TEST_F(ImapUpdates, IdleReportsADeliveryBeforeDone) {
  auto a = selected();
  std::string out = run(*a, "a1 IDLE\r\n");
  EXPECT_EQ(out, "+ idling\r\n");
  EXPECT_EQ(count_requests<IdleStarted>(), 1);
  deliver(test_message("pushed"));
  a->changes_notified();
  EXPECT_EQ(drain(*a), "* 1 EXISTS\r\n");
  a->changes_notified();  // nothing new
  EXPECT_EQ(drain(*a), "");
  EXPECT_EQ(run(*a, "DONE\r\n"), "a1 OK IDLE terminated\r\n");
  EXPECT_EQ(count_requests<IdleEnded>(), 1);
}

TEST_F(ImapUpdates, IdleSeesAnotherSessionsExpunge) {
  deliver_n(2);
  auto a = selected();
  auto b = selected();
  run(*a, "a1 IDLE\r\n");
  run(*b, "b1 STORE 2 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\n");
  a->changes_notified();
  EXPECT_EQ(drain(*a), "* 2 EXPUNGE\r\n");
}

TEST_F(ImapUpdates, IdleEndsWithBadOnAnotherLine) {
  auto a = selected();
  run(*a, "a1 IDLE\r\n");
  EXPECT_EQ(run(*a, "a2 NOOP\r\n"), "a1 BAD Expected DONE to end IDLE\r\n");
  EXPECT_EQ(run(*a, "a3 NOOP\r\n"), "a3 OK NOOP completed\r\n");
}

TEST_F(ImapUpdates, OverlongLineInIdleEndsIt) {
  auto a = selected();
  run(*a, "a1 IDLE\r\n");
  std::string out = run(*a, std::string(9000, 'x') + "\r\na2 NOOP\r\n");
  EXPECT_TRUE(has(out, "a1 BAD IDLE aborted\r\n")) << out;
  EXPECT_TRUE(has(out, "a2 OK NOOP completed")) << out;
  EXPECT_EQ(count_requests<IdleEnded>(), 1);
}

TEST_F(ImapUpdates, IdleWithoutASelectedMailbox) {
  auto a = logged_in();
  EXPECT_EQ(run(*a, "a1 IDLE\r\n"), "+ idling\r\n");
  a->changes_notified();
  EXPECT_EQ(drain(*a), "");
  EXPECT_EQ(run(*a, "done\r\n"), "a1 OK IDLE terminated\r\n");
}

TEST_F(ImapUpdates, StopDuringIdleSaysBye) {
  auto a = selected();
  run(*a, "a1 IDLE\r\n");
  a->stop();
  EXPECT_EQ(drain(*a), "* BYE Server shutting down\r\n");
  EXPECT_TRUE(a->closed());
}

TEST_F(ImapUpdates, ChangesOutsideIdleWaitForTheNextCommand) {
  auto a = selected();
  deliver(test_message("quiet"));
  a->changes_notified();
  EXPECT_EQ(drain(*a), "");
  EXPECT_EQ(run(*a, "a1 CHECK\r\n"), "* 1 EXISTS\r\na1 OK CHECK completed\r\n");
}

TEST_F(ImapUpdates, SelectedMailboxDeletedElsewhereEndsTheSession) {
  auto a = selected("Archive");
  auto b = logged_in();
  run(*b, "b1 DELETE Archive\r\n");
  std::string out = run(*a, "a1 NOOP\r\n");
  EXPECT_TRUE(has(out, "* BYE ")) << out;
  EXPECT_TRUE(a->closed());
}

}  // namespace
}  // namespace roost::imap::test
