// imap::Session in the selected state: sequence sets, STORE (CONDSTORE), EXPUNGE, UID EXPUNGE, CLOSE,
// UNSELECT, COPY / MOVE with COPYUID, FETCH and SEARCH wiring (\Seen, CHANGEDSINCE, VANISHED, SEARCHRES).
#include <gtest/gtest.h>

#include "tests/imapd/session_fixture.h"

namespace roost::imap::test {
namespace {

using ImapSelected = SessionTest;

TEST_F(ImapSelected, SequenceNumbersBeyondTheMailboxAreBad) {
  deliver_n(3);
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 STORE 4 +FLAGS (\\Seen)\r\n"), "a1 BAD Invalid message sequence number\r\n");
  EXPECT_EQ(run(*s, "a2 FETCH 2:9 FLAGS\r\n"), "a2 BAD Invalid message sequence number\r\n");
  // UID sets may name nothing.
  EXPECT_EQ(run(*s, "a3 UID STORE 9:20 +FLAGS (\\Seen)\r\n"), "a3 OK STORE completed\r\n");
}

TEST_F(ImapSelected, StarOfAnEmptyMailboxIsBad) {
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 STORE * +FLAGS (\\Seen)\r\n"), "a1 BAD Invalid message sequence number\r\n");
  EXPECT_EQ(run(*s, "a2 UID FETCH 1:* FLAGS\r\n"), "a2 OK FETCH completed\r\n");
}

TEST_F(ImapSelected, StoreSendsNewFlags) {
  deliver_n(3);
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 STORE 3:2 +FLAGS (\\Flagged $Work)\r\n"),
            "* 2 FETCH (FLAGS (\\Flagged $Work))\r\n* 3 FETCH (FLAGS (\\Flagged $Work))\r\na1 OK STORE completed\r\n");
  EXPECT_EQ(run(*s, "a2 STORE 2 -FLAGS.SILENT ($Work)\r\n"), "a2 OK STORE completed\r\n");
  EXPECT_EQ(run(*s, "a3 UID STORE 1 FLAGS (\\Seen)\r\n"),
            "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\na3 OK STORE completed\r\n");
  auto list = messages_in("INBOX");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].flags.system, static_cast<std::uint32_t>(store::kSeen));
  EXPECT_EQ(list[1].flags.system, static_cast<std::uint32_t>(store::kFlagged));
  EXPECT_TRUE(list[1].flags.keywords.empty());
  EXPECT_EQ(list[2].flags.keywords, std::vector<std::string>{"$Work"});
  EXPECT_EQ(run(*s, "a4 STORE 1 +FLAGS (\\Bogus)\r\n"), "a4 BAD Invalid flag\r\n");
}

TEST_F(ImapSelected, RecentCannotBeStoredKeywordsCan) {
  deliver_n(1);
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 STORE 1 +FLAGS (\\Recent $Label1)\r\n"),
            "* 1 FETCH (FLAGS ($Label1))\r\na1 OK STORE completed\r\n");
  EXPECT_EQ(messages_in("INBOX")[0].flags.keywords, std::vector<std::string>{"$Label1"});
}

TEST_F(ImapSelected, CondstoreStoreUnchangedSinceReportsModified) {
  deliver_n(2);
  auto s = selected("INBOX", "CONDSTORE");
  std::string out = run(*s, "a1 STORE 1 +FLAGS (\\Seen)\r\n");
  EXPECT_TRUE(has(out, "* 1 FETCH (FLAGS (\\Seen) MODSEQ (")) << out;
  auto list = messages_in("INBOX");
  std::int64_t m1 = list[0].modseq, m2 = list[1].modseq;
  // Message 1 changed after m2, message 2 did not: only message 1 fails the test.
  std::int64_t since = std::min(m1, m2);
  out = run(*s, "a2 STORE 1:2 (UNCHANGEDSINCE " + std::to_string(since) + ") +FLAGS (\\Flagged)\r\n");
  EXPECT_TRUE(has(out, "* 2 FETCH (FLAGS (\\Flagged) MODSEQ (")) << out;
  EXPECT_FALSE(has(out, "* 1 FETCH")) << out;
  EXPECT_TRUE(has(out, "a2 OK [MODIFIED 1] Conditional STORE failed\r\n")) << out;
  out = run(*s, "a3 UID STORE 1:2 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)\r\n");
  EXPECT_TRUE(has(out, "a3 OK [MODIFIED 1:2]")) << out;
}

TEST_F(ImapSelected, SilentStoreWithCondstoreStillReportsModseq) {
  deliver_n(1);
  auto s = selected("INBOX", "CONDSTORE");
  std::string out = run(*s, "a1 STORE 1 +FLAGS.SILENT (\\Seen)\r\n");
  EXPECT_TRUE(has(out, "* 1 FETCH (MODSEQ (")) << out;
  EXPECT_FALSE(has(out, "FLAGS (")) << out;
}

TEST_F(ImapSelected, ExpungeRenumbers) {
  deliver_n(5);
  auto s = selected();
  run(*s, "a1 STORE 2,4:5 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(run(*s, "a2 EXPUNGE\r\n"), "* 2 EXPUNGE\r\n* 3 EXPUNGE\r\n* 3 EXPUNGE\r\na2 OK EXPUNGE completed\r\n");
  EXPECT_EQ(run(*s, "a3 FETCH 3 UID\r\n"), "a3 BAD Invalid message sequence number\r\n");
}

TEST_F(ImapSelected, UidExpungeOnlyTheNamedMessages) {
  deliver_n(3);
  auto s = selected();
  run(*s, "a1 STORE 1:3 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(run(*s, "a2 UID EXPUNGE 2\r\n"), "* 2 EXPUNGE\r\na2 OK EXPUNGE completed\r\n");
  EXPECT_EQ(messages_in("INBOX").size(), 2u);
}

TEST_F(ImapSelected, ExpungeWithQresyncSendsVanished) {
  deliver_n(3);
  auto s = selected("INBOX", "QRESYNC");
  run(*s, "a1 STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(run(*s, "a2 EXPUNGE\r\n"), "* VANISHED 1:2\r\na2 OK EXPUNGE completed\r\n");
}

TEST_F(ImapSelected, CloseExpungesSilentlyUnselectDoesNot) {
  deliver_n(2);
  auto s = selected();
  run(*s, "a1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
  EXPECT_EQ(run(*s, "a2 UNSELECT\r\n"), "a2 OK UNSELECT completed\r\n");
  EXPECT_EQ(messages_in("INBOX").size(), 2u);
  run(*s, "a3 SELECT INBOX\r\n");
  EXPECT_EQ(run(*s, "a4 CLOSE\r\n"), "a4 OK CLOSE completed\r\n");
  EXPECT_EQ(messages_in("INBOX").size(), 1u);
  EXPECT_EQ(run(*s, "a5 FETCH 1 FLAGS\r\n"), "a5 BAD No mailbox selected\r\n");
}

TEST_F(ImapSelected, CloseOnExamineDoesNotExpunge) {
  deliver_n(1);
  auto s = selected();
  run(*s, "a1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\na2 EXAMINE INBOX\r\na3 CLOSE\r\n");
  EXPECT_EQ(messages_in("INBOX").size(), 1u);
}

TEST_F(ImapSelected, CopyGivesCopyUid) {
  deliver_n(3);
  auto s = selected();
  std::string out = run(*s, "a1 COPY 2:3 Archive\r\n");
  auto archive = messages_in("Archive");
  ASSERT_EQ(archive.size(), 2u);
  auto status = r<store::Mailbox>([&](store::Db& db) { return store::find_mailbox(db, account_, "Archive"); });
  EXPECT_EQ(out, "a1 OK [COPYUID " + std::to_string(status->uidvalidity) + " 2:3 1:2] COPY completed\r\n");
  EXPECT_EQ(run(*s, "a2 COPY 1 Nowhere\r\n"), "a2 NO [TRYCREATE] No such mailbox\r\n");
  EXPECT_EQ(run(*s, "a3 UID COPY 99 Archive\r\n"), "a3 OK COPY completed\r\n");
}

TEST_F(ImapSelected, MoveSendsCopyUidThenExpunges) {
  deliver_n(3);
  auto s = selected();
  std::string out = run(*s, "a1 MOVE 1,3 Trash\r\n");
  auto trash = r<store::Mailbox>([&](store::Db& db) { return store::find_mailbox(db, account_, "Trash"); });
  EXPECT_EQ(out, "* OK [COPYUID " + std::to_string(trash->uidvalidity) +
                     " 1,3 1:2] Moved\r\n* 1 EXPUNGE\r\n* 2 EXPUNGE\r\na1 OK MOVE completed\r\n");
  EXPECT_EQ(messages_in("INBOX").size(), 1u);
  EXPECT_EQ(messages_in("Trash").size(), 2u);
}

TEST_F(ImapSelected, UidMoveWithQresyncSendsVanished) {
  deliver_n(2);
  auto s = selected("INBOX", "QRESYNC");
  std::string out = run(*s, "a1 UID MOVE 2 Trash\r\n");
  EXPECT_TRUE(has(out, " 2 1] Moved\r\n* VANISHED 2\r\na1 OK MOVE completed\r\n")) << out;
}

TEST_F(ImapSelected, AppendThenCopyRoundTrip) {
  auto s = selected();
  std::string msg = test_message("roundtrip");
  std::string out = run(*s, "a1 APPEND INBOX (\\Flagged) {" + std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n");
  EXPECT_TRUE(has(out, "* 1 EXISTS\r\n")) << out;
  out = run(*s, "a2 UID COPY 1 Archive\r\n");
  EXPECT_TRUE(has(out, " 1 1] COPY completed")) << out;
  auto archive = messages_in("Archive");
  ASSERT_EQ(archive.size(), 1u);
  EXPECT_EQ(archive[0].flags.system, static_cast<std::uint32_t>(store::kFlagged));
}

TEST_F(ImapSelected, FetchFlagsAndUid) {
  deliver_n(2);
  auto s = selected();
  std::string out = run(*s, "a1 FETCH 1:* (FLAGS UID)\r\n");
  EXPECT_TRUE(has(out, "* 1 FETCH (")) << out;
  EXPECT_TRUE(has(out, "* 2 FETCH (")) << out;
  EXPECT_TRUE(has(out, "UID 2")) << out;
  EXPECT_TRUE(has(out, "a1 OK FETCH completed\r\n")) << out;
}

TEST_F(ImapSelected, FetchBodySetsSeenAndPeekDoesNot) {
  deliver_n(2);
  auto s = selected();
  std::string out = run(*s, "a1 FETCH 1 BODY.PEEK[]\r\n");
  EXPECT_TRUE(has(out, "Subject: msg1")) << out;
  auto list = messages_in("INBOX");
  EXPECT_EQ(list[0].flags.system & store::kSeen, 0u);
  out = run(*s, "a2 FETCH 2 BODY[]\r\n");
  EXPECT_TRUE(has(out, "\\Seen")) << out;  // FLAGS go out with the body
  list = messages_in("INBOX");
  EXPECT_EQ(list[1].flags.system & store::kSeen, static_cast<std::uint32_t>(store::kSeen));
  // No second FETCH for the \Seen change at the end of the command.
  EXPECT_EQ(out.find("* 2 FETCH"), out.rfind("* 2 FETCH")) << out;
}

TEST_F(ImapSelected, FetchOnExamineDoesNotSetSeen) {
  deliver_n(1);
  auto s = logged_in();
  run(*s, "a0 EXAMINE INBOX\r\na1 FETCH 1 BODY[]\r\n");
  auto list = messages_in("INBOX");
  EXPECT_EQ(list[0].flags.system & store::kSeen, 0u);
}

TEST_F(ImapSelected, FetchChangedSinceFiltersByModseq) {
  deliver_n(3);
  auto s = selected("INBOX", "CONDSTORE");
  auto list = messages_in("INBOX");
  std::int64_t highest = std::max({list[0].modseq, list[1].modseq, list[2].modseq});
  run(*s, "a1 STORE 2 +FLAGS.SILENT (\\Flagged)\r\n");
  std::string out = run(*s, "a2 FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(highest) + ")\r\n");
  EXPECT_TRUE(has(out, "* 2 FETCH (")) << out;
  EXPECT_TRUE(has(out, "MODSEQ (")) << out;
  EXPECT_FALSE(has(out, "* 1 FETCH")) << out;
  EXPECT_FALSE(has(out, "* 3 FETCH")) << out;
}

TEST_F(ImapSelected, UidFetchVanishedSendsEarlier) {
  deliver_n(4);
  auto s = selected("INBOX", "QRESYNC");
  auto list = messages_in("INBOX");
  std::int64_t highest = list.back().modseq;
  run(*s, "a1 STORE 1,3 +FLAGS.SILENT (\\Deleted)\r\na2 EXPUNGE\r\n");
  std::string out = run(*s, "a3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + std::to_string(highest) + " VANISHED)\r\n");
  EXPECT_EQ(out.rfind("* VANISHED (EARLIER) 1,3\r\n", 0), 0u) << out;
  EXPECT_TRUE(has(out, "a3 OK FETCH completed")) << out;
  auto plain = selected();
  EXPECT_EQ(run(*plain, "e1 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)\r\n"), "e1 BAD QRESYNC is not enabled\r\n");
}

TEST_F(ImapSelected, LargeFetchGoesOnAcrossSteps) {
  for (int i = 0; i < 40; ++i) deliver(test_message("big" + std::to_string(i), std::string(4000, 'x') + "\r\n"));
  auto s = selected();
  s->receive("a1 FETCH 1:* (BODY.PEEK[])\r\n");
  bool more = s->step(1024);
  std::string first = s->take_output();
  EXPECT_TRUE(more);
  EXPECT_FALSE(has(first, "a1 OK")) << first;
  std::string rest = drain(*s, 1024);
  EXPECT_TRUE(has(rest, "* 40 FETCH")) << rest;
  EXPECT_TRUE(has(rest, "a1 OK FETCH completed")) << rest;
}

TEST_F(ImapSelected, SearchAndUidSearch) {
  deliver(test_message("apples"));
  deliver(test_message("pears"));
  deliver(test_message("apples again"));
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 SEARCH SUBJECT apples\r\n"), "* SEARCH 1 3\r\na1 OK SEARCH completed\r\n");
  run(*s, "x STORE 1 +FLAGS.SILENT (\\Deleted)\r\nx2 EXPUNGE\r\n");
  EXPECT_EQ(run(*s, "a2 UID SEARCH SUBJECT apples\r\n"), "* SEARCH 3\r\na2 OK UID SEARCH completed\r\n");
  EXPECT_EQ(run(*s, "a3 SEARCH CHARSET KOI8-R ALL\r\n"),
            "a3 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset\r\n");
}

TEST_F(ImapSelected, SearchResultSavedAndReused) {
  deliver(test_message("apples"));
  deliver(test_message("pears"));
  deliver(test_message("apples again"));
  auto s = selected();
  EXPECT_EQ(run(*s, "a1 SEARCH RETURN (SAVE) SUBJECT apples\r\n"), "a1 OK SEARCH completed\r\n");
  std::string out = run(*s, "a2 STORE $ +FLAGS (\\Flagged)\r\n");
  EXPECT_TRUE(has(out, "* 1 FETCH (FLAGS (\\Flagged))\r\n* 3 FETCH (FLAGS (\\Flagged))\r\n")) << out;
  // SELECT forgets the saved result.
  run(*s, "a3 SELECT INBOX\r\n");
  EXPECT_EQ(run(*s, "a4 STORE $ +FLAGS (\\Seen)\r\n"), "a4 OK STORE completed\r\n");
}

TEST_F(ImapSelected, Rev2SearchAnswersWithEsearch) {
  deliver(test_message("apples"));
  auto s = logged_in();
  run(*s, "e ENABLE IMAP4rev2\r\ns SELECT INBOX\r\n");
  std::string out = run(*s, "a1 SEARCH SUBJECT apples\r\n");
  EXPECT_TRUE(has(out, "* ESEARCH (TAG \"a1\") ALL 1\r\n")) << out;
}

}  // namespace
}  // namespace roost::imap::test
