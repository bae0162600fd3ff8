// imap::Session in the authenticated state: SELECT / EXAMINE (CONDSTORE, QRESYNC), CREATE, DELETE,
// RENAME, SUBSCRIBE, LIST / LSUB, STATUS, APPEND, GETQUOTA / GETQUOTAROOT.
#include <gtest/gtest.h>

#include "tests/imapd/session_fixture.h"

namespace roost::imap::test {
namespace {

using ImapMailbox = SessionTest;

TEST_F(ImapMailbox, SelectReportsTheMailbox) {
  deliver_n(3);
  store::Flags seen;
  seen.system = store::kSeen;
  auto s = logged_in();
  run(*s, "f STORE 1 +FLAGS (\\Seen)\r\n");  // not selected yet: BAD, harmless
  std::string out = run(*s, "a1 SELECT INBOX\r\n");
  EXPECT_TRUE(has(out, "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n")) << out;
  EXPECT_TRUE(has(out, "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)]")) << out;
  EXPECT_TRUE(has(out, "* 3 EXISTS\r\n")) << out;
  EXPECT_TRUE(has(out, "* 0 RECENT\r\n")) << out;
  EXPECT_TRUE(has(out, "* OK [UNSEEN 1] ")) << out;
  EXPECT_TRUE(has(out, "* OK [UIDVALIDITY ")) << out;
  EXPECT_TRUE(has(out, "* OK [UIDNEXT 4] ")) << out;
  EXPECT_FALSE(has(out, "HIGHESTMODSEQ")) << out;
  EXPECT_TRUE(has(out, "a1 OK [READ-WRITE] SELECT completed\r\n")) << out;
  EXPECT_EQ(count_requests<WatchMailbox>(), 1);
}

TEST_F(ImapMailbox, ExamineIsReadOnlyAndRev2DropsRecent) {
  deliver_n(1);
  auto s = logged_in();
  run(*s, "e ENABLE IMAP4rev2\r\n");
  std::string out = run(*s, "a1 EXAMINE inbox\r\n");
  EXPECT_TRUE(has(out, "* OK [PERMANENTFLAGS ()]")) << out;
  EXPECT_FALSE(has(out, "RECENT")) << out;
  EXPECT_TRUE(has(out, "* LIST () \"/\" \"INBOX\"\r\n")) << out;
  EXPECT_FALSE(has(out, "UNSEEN")) << out;
  EXPECT_TRUE(has(out, "a1 OK [READ-ONLY] EXAMINE completed\r\n")) << out;
  EXPECT_EQ(run(*s, "a2 STORE 1 +FLAGS (\\Seen)\r\n"), "a2 NO [CANNOT] Mailbox is read-only\r\n");
}

TEST_F(ImapMailbox, SelectMissingMailboxIsNonexistent) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 SELECT Nowhere\r\n"), "a1 NO [NONEXISTENT] No such mailbox\r\n");
}

TEST_F(ImapMailbox, SelectCondstoreShowsHighestModseq) {
  auto s = logged_in();
  std::string out = run(*s, "a1 SELECT INBOX (CONDSTORE)\r\n");
  EXPECT_TRUE(has(out, "* OK [HIGHESTMODSEQ ")) << out;
}

TEST_F(ImapMailbox, QresyncSelectSendsVanishedEarlierAndChangedFlags) {
  deliver_n(4);
  auto s = selected("INBOX", "QRESYNC");
  std::string out = run(*s, "a1 FETCH 1:* (UID MODSEQ)\r\n");
  // Remember the state, then change it from another session.
  std::string status = run(*s, "a2 STATUS INBOX (UIDVALIDITY HIGHESTMODSEQ)\r\n");
  auto pos = status.find("UIDVALIDITY ");
  ASSERT_NE(pos, std::string::npos) << status;
  std::string uidvalidity = status.substr(pos + 12, status.find(' ', pos + 12) - pos - 12);
  pos = status.find("HIGHESTMODSEQ ");
  std::string modseq = status.substr(pos + 14, status.find(')', pos) - pos - 14);
  run(*s, "a3 LOGOUT\r\n");

  auto other = selected();
  run(*other, "b1 STORE 2 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\nb3 STORE 3 +FLAGS (\\Flagged)\r\n");

  auto again = logged_in();
  run(*again, "e ENABLE QRESYNC\r\n");
  out = run(*again, "a4 SELECT INBOX (QRESYNC (" + uidvalidity + " " + modseq + " 1:4))\r\n");
  EXPECT_TRUE(has(out, "* VANISHED (EARLIER) 2\r\n")) << out;
  EXPECT_TRUE(has(out, "* 3 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (")) << out;
  EXPECT_FALSE(has(out, "UID 1 FLAGS")) << out;
  EXPECT_TRUE(has(out, "a4 OK [READ-WRITE]")) << out;
}

TEST_F(ImapMailbox, QresyncParametersNeedEnable) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 SELECT INBOX (QRESYNC (1 1))\r\n"), "a1 BAD QRESYNC is not enabled\r\n");
}

TEST_F(ImapMailbox, SelectingAnotherMailboxSendsClosedWithQresync) {
  auto s = selected("INBOX", "QRESYNC");
  std::string out = run(*s, "a1 SELECT Sent\r\n");
  EXPECT_TRUE(has(out, "* OK [CLOSED] ")) << out;
  EXPECT_TRUE(has(out, "a1 OK [READ-WRITE]")) << out;
}

TEST_F(ImapMailbox, CreateDeleteRename) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 CREATE Projects/2024/\r\n"), "a1 OK CREATE completed\r\n");
  EXPECT_EQ(run(*s, "a2 CREATE Projects\r\n"), "a2 NO [ALREADYEXISTS] Mailbox already exists\r\n");
  EXPECT_EQ(run(*s, "a3 RENAME Projects Work\r\n"), "a3 OK RENAME completed\r\n");
  std::string out = run(*s, "a4 LIST \"\" \"Work*\"\r\n");
  EXPECT_TRUE(has(out, "* LIST (\\HasChildren) \"/\" \"Work\"\r\n")) << out;
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren) \"/\" \"Work/2024\"\r\n")) << out;
  EXPECT_EQ(run(*s, "a5 DELETE Work/2024\r\n"), "a5 OK DELETE completed\r\n");
  EXPECT_EQ(run(*s, "a6 DELETE Work/2024\r\n"), "a6 NO [NONEXISTENT] No such mailbox\r\n");
  EXPECT_EQ(run(*s, "a7 DELETE INBOX\r\n"), "a7 NO [CANNOT] INBOX cannot be deleted\r\n");
  EXPECT_EQ(run(*s, "a8 RENAME Nowhere Else\r\n"), "a8 NO [NONEXISTENT] No such mailbox\r\n");
}

TEST_F(ImapMailbox, CreateWithSpecialUse) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 CREATE Memories (USE (\\Archive))\r\n"), "a1 OK CREATE completed\r\n");
  EXPECT_EQ(run(*s, "a2 CREATE Odd (USE (\\Whatever))\r\n"), "a2 NO [USEATTR] Unsupported special-use attribute\r\n");
  std::string out = run(*s, "a3 LIST (SPECIAL-USE) \"\" \"*\"\r\n");
  EXPECT_TRUE(has(out, "\"Memories\"")) << out;
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"\r\n")) << out;
  EXPECT_FALSE(has(out, "\"INBOX\"")) << out;
  EXPECT_FALSE(has(out, "\"Odd\"")) << out;
}

TEST_F(ImapMailbox, ModifiedUtf7NamesAndUtf8AfterRev2) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 CREATE \"Entw&APw-rfe\"\r\n"), "a1 OK CREATE completed\r\n");
  EXPECT_TRUE(has(run(*s, "a2 LIST \"\" \"Entw*\"\r\n"), "\"Entw&APw-rfe\"\r\n"));
  // A shift without its "-" is not modified UTF-7.
  EXPECT_EQ(run(*s, "a3 CREATE \"Entw&APw\"\r\n"), "a3 BAD Invalid mailbox name\r\n");
  run(*s, "e ENABLE IMAP4rev2\r\n");
  EXPECT_TRUE(has(run(*s, "a4 LIST \"\" \"Entw*\"\r\n"), "\"Entw\xc3\xbcrfe\"\r\n"));
}

TEST_F(ImapMailbox, ListPatternsAndReference) {
  auto s = logged_in();
  run(*s, "c1 CREATE a/b/c\r\nc2 CREATE a/x\r\n");
  std::string out = run(*s, "l1 LIST \"\" \"a/%\"\r\n");
  EXPECT_TRUE(has(out, "\"a/b\"")) << out;
  EXPECT_TRUE(has(out, "\"a/x\"")) << out;
  EXPECT_FALSE(has(out, "\"a/b/c\"")) << out;
  out = run(*s, "l2 LIST \"a/\" \"*\"\r\n");
  EXPECT_TRUE(has(out, "\"a/b/c\"")) << out;
  EXPECT_FALSE(has(out, "\"INBOX\"")) << out;
  out = run(*s, "l3 LIST \"\" \"\"\r\n");
  EXPECT_EQ(out, "* LIST (\\Noselect) \"/\" \"\"\r\nl3 OK LIST completed\r\n");
  out = run(*s, "l4 LIST \"\" \"inbox\"\r\n");
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n")) << out;
  out = run(*s, "l5 LIST \"\" (\"a\" \"Trash\")\r\n");
  EXPECT_TRUE(has(out, "\"a\"\r\n")) << out;
  EXPECT_TRUE(has(out, "\"Trash\"\r\n")) << out;
}

TEST_F(ImapMailbox, SubscriptionsListLsubAndNonExistent) {
  auto s = logged_in();
  run(*s, "c CREATE Lists/rust\r\n");
  EXPECT_EQ(run(*s, "a1 SUBSCRIBE Lists/rust\r\n"), "a1 OK SUBSCRIBE completed\r\n");
  EXPECT_EQ(run(*s, "a2 SUBSCRIBE Gone\r\n"), "a2 OK SUBSCRIBE completed\r\n");
  std::string out = run(*s, "a3 LSUB \"\" \"*\"\r\n");
  EXPECT_TRUE(has(out, "* LSUB () \"/\" \"Lists/rust\"\r\n")) << out;
  EXPECT_TRUE(has(out, "* LSUB (\\Noselect) \"/\" \"Gone\"\r\n")) << out;
  // RFC 3501 6.3.9: "%" shows the unsubscribed parent as \Noselect.
  EXPECT_EQ(run(*s, "a3b LSUB \"\" \"L%\"\r\n"), "* LSUB (\\Noselect) \"/\" \"Lists\"\r\na3b OK LSUB completed\r\n");
  out = run(*s, "a4 LIST (SUBSCRIBED) \"\" \"*\"\r\n");
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lists/rust\"\r\n")) << out;
  EXPECT_TRUE(has(out, "* LIST (\\NonExistent \\Subscribed) \"/\" \"Gone\"\r\n")) << out;
  out = run(*s, "a5 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"\r\n");
  EXPECT_TRUE(has(out, "\"Lists\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")) << out;
  out = run(*s, "a6 LIST \"\" \"*\" RETURN (SUBSCRIBED)\r\n");
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Lists/rust\"\r\n")) << out;
  EXPECT_TRUE(has(out, "* LIST (\\HasChildren) \"/\" \"Lists\"\r\n")) << out;
  EXPECT_EQ(run(*s, "a7 UNSUBSCRIBE Lists/rust\r\n"), "a7 OK UNSUBSCRIBE completed\r\n");
  EXPECT_FALSE(has(run(*s, "a8 LSUB \"\" \"*\"\r\n"), "rust"));
}

TEST_F(ImapMailbox, ListReturnStatus) {
  deliver_n(2);
  auto s = logged_in();
  std::string out = run(*s, "a1 LIST \"\" \"INBOX\" RETURN (STATUS (MESSAGES UNSEEN))\r\n");
  EXPECT_TRUE(has(out, "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n* STATUS \"INBOX\" (MESSAGES 2 UNSEEN 2)\r\n"))
      << out;
}

TEST_F(ImapMailbox, StatusItems) {
  deliver_n(2);
  auto s = logged_in();
  std::string out = run(*s, "a1 STATUS INBOX (MESSAGES UIDNEXT UNSEEN DELETED SIZE RECENT APPENDLIMIT)\r\n");
  std::string size = std::to_string(2 * test_message("msg1").size());
  EXPECT_TRUE(has(out, "* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3 UNSEEN 2 DELETED 0 SIZE " + size +
                           " RECENT 0 APPENDLIMIT 52428800)\r\n"))
      << out;
  EXPECT_EQ(run(*s, "a2 STATUS Nowhere (MESSAGES)\r\n"), "a2 NO [NONEXISTENT] No such mailbox\r\n");
}

TEST_F(ImapMailbox, StatusModseqMatchesSelect) {
  deliver_n(2);
  auto s = logged_in();
  std::string status = run(*s, "a1 STATUS INBOX (UIDVALIDITY HIGHESTMODSEQ)\r\n");
  std::string select = run(*s, "a2 SELECT INBOX (CONDSTORE)\r\n");
  auto value = [](const std::string& text, const std::string& key, char end) {
    auto pos = text.find(key);
    if (pos == std::string::npos) return std::string();
    pos += key.size();
    return text.substr(pos, text.find(end, pos) - pos);
  };
  EXPECT_FALSE(value(status, "HIGHESTMODSEQ ", ')').empty()) << status;
  EXPECT_EQ(value(status, "HIGHESTMODSEQ ", ')'), value(select, "[HIGHESTMODSEQ ", ']')) << status << select;
  EXPECT_EQ(value(status, "UIDVALIDITY ", ' '), value(select, "[UIDVALIDITY ", ']')) << status << select;
}

TEST_F(ImapMailbox, DeletingTheSelectedMailboxUnselectsIt) {
  auto s = selected("Archive");
  EXPECT_EQ(run(*s, "a1 DELETE Archive\r\n"), "a1 OK DELETE completed\r\n");
  EXPECT_EQ(run(*s, "a2 FETCH 1 FLAGS\r\n"), "a2 BAD No mailbox selected\r\n");
  EXPECT_FALSE(s->closed());
}

TEST_F(ImapMailbox, AppendWithFlagsDateAndAppendUid) {
  auto s = logged_in();
  std::string msg = test_message("appended");
  std::string out = run(*s, "a1 APPEND Drafts (\\Draft $Todo) \"14-Jul-2023 02:44:25 -0700\" {" +
                                std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n");
  EXPECT_TRUE(has(out, "a1 OK [APPENDUID ")) << out;
  EXPECT_TRUE(has(out, " 1] APPEND completed\r\n")) << out;
  auto id = mailbox_id(account_, "Drafts");
  auto list = r<std::vector<store::MessageInfo>>([&](store::Db& db) { return store::list_messages(db, id); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].flags.system, static_cast<std::uint32_t>(store::kDraft));
  EXPECT_EQ((*list)[0].flags.keywords, std::vector<std::string>{"$Todo"});
  EXPECT_EQ((*list)[0].internal_date, 1689327865);
  auto bytes = r<std::string>([&](store::Db& db) { return store::read_blob(db, (*list)[0].blob_id); });
  EXPECT_EQ(*bytes, msg);
}

TEST_F(ImapMailbox, AppendUsesNowWithoutDate) {
  auto s = logged_in();
  std::string msg = test_message("now");
  run(*s, "a1 APPEND INBOX {" + std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n");
  auto id = mailbox_id(account_, "INBOX");
  auto list = r<std::vector<store::MessageInfo>>([&](store::Db& db) { return store::list_messages(db, id); });
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].internal_date, env_.now);
}

TEST_F(ImapMailbox, MultiAppendIsAllOrNothingWithUidSet) {
  auto s = logged_in();
  std::string m1 = test_message("one"), m2 = test_message("two");
  std::string out = run(*s, "a1 APPEND INBOX {" + std::to_string(m1.size()) + "+}\r\n" + m1 + " (\\Seen) {" +
                                std::to_string(m2.size()) + "+}\r\n" + m2 + "\r\n");
  EXPECT_TRUE(has(out, " 1:2] APPEND completed")) << out;
}

TEST_F(ImapMailbox, AppendToMissingMailboxSaysTryCreate) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 APPEND Nowhere {3+}\r\nabc\r\n"), "a1 NO [TRYCREATE] No such mailbox\r\n");
}

TEST_F(ImapMailbox, AppendOverQuota) {
  auto other = store_->add_account_sync("bob@example.org", "secret", 100);
  ASSERT_TRUE(other.ok());
  auto s = open();
  run(*s, "l LOGIN bob@example.org secret\r\n");
  std::string msg(200, 'x');
  EXPECT_EQ(run(*s, "a1 APPEND INBOX {200+}\r\n" + msg + "\r\n"), "a1 NO [OVERQUOTA] Quota exceeded\r\n");
}

TEST_F(ImapMailbox, AppendOverAppendLimitIsTooBigBeforeTheBytes) {
  SessionConfig config = test_config();
  config.framer.append_limit = 10;
  auto s = logged_in(config);
  EXPECT_TRUE(has(run(*s, "c CAPABILITY\r\n"), "APPENDLIMIT=10"));
  std::string out = run(*s, "a1 APPEND INBOX {20}\r\n");
  EXPECT_EQ(out, "a1 NO [TOOBIG] Message exceeds the APPENDLIMIT\r\n");
  EXPECT_TRUE(has(run(*s, "a2 NOOP\r\n"), "a2 OK"));
}

TEST_F(ImapMailbox, AppendToSelectedMailboxAnnouncesExists) {
  auto s = selected();
  std::string msg = test_message("self");
  std::string out = run(*s, "a1 APPEND INBOX {" + std::to_string(msg.size()) + "+}\r\n" + msg + "\r\n");
  EXPECT_TRUE(has(out, "* 1 EXISTS\r\na1 OK [APPENDUID ")) << out;
}

TEST_F(ImapMailbox, QuotaCommands) {
  auto other = store_->add_account_sync("carol@example.org", "secret", 10 * 1024 * 1024);
  ASSERT_TRUE(other.ok());
  auto s = open();
  run(*s, "l LOGIN carol@example.org secret\r\n");
  std::string msg(2000, 'x');
  run(*s, "a0 APPEND INBOX {2000+}\r\n" + msg + "\r\n");
  EXPECT_EQ(run(*s, "a1 GETQUOTAROOT INBOX\r\n"),
            "* QUOTAROOT \"INBOX\" \"\"\r\n* QUOTA \"\" (STORAGE 2 10240)\r\na1 OK GETQUOTAROOT completed\r\n");
  EXPECT_EQ(run(*s, "a2 GETQUOTA \"\"\r\n"), "* QUOTA \"\" (STORAGE 2 10240)\r\na2 OK GETQUOTA completed\r\n");
  EXPECT_EQ(run(*s, "a3 GETQUOTA \"other\"\r\n"), "a3 NO [NONEXISTENT] No such quota root\r\n");
}

TEST_F(ImapMailbox, NoQuotaRootWithoutLimit) {
  auto s = logged_in();
  EXPECT_EQ(run(*s, "a1 GETQUOTAROOT INBOX\r\n"), "* QUOTAROOT \"INBOX\"\r\na1 OK GETQUOTAROOT completed\r\n");
}

}  // namespace
}  // namespace roost::imap::test
