// roostctl import maildir|mbox and export mbox, end to end with the real binary: folders, flags and
// internal dates are kept, a second run adds nothing, and export then import gives back the same
// bytes.
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr const char* kPassword = "correct horse battery staple 7";

// A message of a maildir: where it goes, its file name and bytes (LF line ends, as on disk).
struct MaildirFile {
  std::string folder;  // "" = the root (INBOX), else ".Sent" ...
  std::string sub;     // "cur" or "new"
  std::string name;
  std::string bytes;
  std::int64_t mtime;
};

class RoostctlImport : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
    for (const char* user : {"alice@example.org", "bob@example.org"}) {
      Outcome r = roost_.run({"user", "add", user, "--password-stdin"}, std::string(kPassword) + "\n");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }

  fs::path make_maildir(const std::vector<MaildirFile>& files) {
    fs::path root = roost_.dir() / "Maildir";
    for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(root / sub);
    for (const auto& f : files) {
      fs::path dir = root / f.folder / f.sub;
      fs::create_directories(dir);
      fs::create_directories(root / f.folder / "tmp");
      write_file(dir / f.name, f.bytes);
      struct utimbuf times {static_cast<time_t>(f.mtime), static_cast<time_t>(f.mtime)};
      ::utime((dir / f.name).c_str(), &times);
    }
    return root;
  }

  // What the store holds in a mailbox of an account, read with the store API.
  struct Stored {
    std::string bytes;
    store::Flags flags;
    std::int64_t internal_date;
  };
  std::vector<Stored> stored(const std::string& address, const std::string& mailbox) {
    store::StoreOptions options;
    options.db_path = roost_.db_path();
    auto db = store::Db::open(options);
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return {};
    auto account = store::find_account(**db, address);
    EXPECT_TRUE(account.ok());
    if (!account.ok()) return {};
    auto box = store::find_mailbox(**db, account->id, mailbox);
    if (!box.ok()) {
      ADD_FAILURE() << "no mailbox " << mailbox;
      return {};
    }
    auto messages = store::list_messages(**db, box->id);
    EXPECT_TRUE(messages.ok());
    std::vector<Stored> out;
    for (const auto& m : *messages) {
      auto bytes = store::read_blob(**db, m.blob_id);
      EXPECT_TRUE(bytes.ok());
      out.push_back({bytes.value_or(""), m.flags, m.internal_date});
    }
    return out;
  }

  Installation roost_;
};

const std::vector<MaildirFile> kMaildir = {
    {"", "cur", "1700000001.M1P1.host,S=40:2,FS", "Subject: one\nFrom: a@x.example\n\nfirst\n", 1700000101},
    {"", "new", "1700000002.M2P1.host", "Subject: two\n\nsecond\n", 1700000102},
    {".Sent", "cur", "1700000003.M3P1.host:2,RS", "Subject: sent\n\nthird\n", 1700000103},
    {".Archive.2023", "cur", "1700000004.M4P1.host:2,TD", "Subject: old\n\nfourth\n", 1700000104},
    {".Entw&APw-rfe", "cur", "1700000005.M5P1.host:2,", "Subject: draft\n\nfifth\n", 1700000105},
};

TEST_F(RoostctlImport, MaildirKeepsFoldersFlagsAndDates) {
  fs::path maildir = make_maildir(kMaildir);
  Outcome r = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 5 messages"));
  EXPECT_THAT(r.out, HasSubstr("0 already there"));
  EXPECT_EQ(r.err, "");  // not a terminal: no progress line

  auto inbox = stored("alice@example.org", "INBOX");
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(inbox[0].bytes, "Subject: one\r\nFrom: a@x.example\r\n\r\nfirst\r\n");
  EXPECT_EQ(inbox[0].flags.system, store::kFlagged | store::kSeen);
  EXPECT_EQ(inbox[0].internal_date, 1700000101);  // the file's mtime, as Dovecot reads it
  EXPECT_EQ(inbox[1].bytes, "Subject: two\r\n\r\nsecond\r\n");
  EXPECT_EQ(inbox[1].flags.system, 0u);
  EXPECT_EQ(inbox[1].internal_date, 1700000102);

  auto sent = stored("alice@example.org", "Sent");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].flags.system, store::kAnswered | store::kSeen);
  auto archive = stored("alice@example.org", "Archive/2023");
  ASSERT_EQ(archive.size(), 1u);
  EXPECT_EQ(archive[0].flags.system, store::kDeleted | store::kDraft);
  auto drafts = stored("alice@example.org", "Entwürfe");  // modified UTF-7 decoded
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].bytes, "Subject: draft\r\n\r\nfifth\r\n");
}

TEST_F(RoostctlImport, SecondMaildirRunAddsNothingAndANewFileIsPickedUp) {
  fs::path maildir = make_maildir(kMaildir);
  ASSERT_EQ(roost_.run({"import", "maildir", maildir.string(), "alice@example.org"}).exit_code, 0);
  Outcome again = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("imported 0 messages"));
  EXPECT_THAT(again.out, HasSubstr("5 already there"));
  EXPECT_EQ(stored("alice@example.org", "INBOX").size(), 2u);

  // As after an interrupted run: what is there is skipped, the rest comes in.
  make_maildir({{"", "new", "1700000006.M6P1.host", "Subject: six\n\nsixth\n", 1700000106}});
  Outcome third = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_THAT(third.out, HasSubstr("imported 1 messages"));
  EXPECT_THAT(third.out, HasSubstr("5 already there"));
  EXPECT_EQ(stored("alice@example.org", "INBOX").size(), 3u);
}

TEST_F(RoostctlImport, IdenticalMessagesOfOneArchiveAreAllKeptOnce) {
  fs::path maildir = make_maildir({
      {"", "cur", "1700000001.A.host:2,S", "Subject: same\n\nbody\n", 1700000100},
      {"", "cur", "1700000001.B.host:2,S", "Subject: same\n\nbody\n", 1700000100},
  });
  Outcome first = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("imported 2 messages"));
  Outcome second = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  EXPECT_THAT(second.out, HasSubstr("imported 0 messages"));
  EXPECT_THAT(second.out, HasSubstr("2 already there"));
  EXPECT_EQ(stored("alice@example.org", "INBOX").size(), 2u);
}

TEST_F(RoostctlImport, MessagesOverTheLimitAreSkippedWithAWarning) {
  fs::path maildir = make_maildir({
      {"", "cur", "1700000001.A.host:2,S", "Subject: small\n\nbody\n", 1700000100},
      {"", "cur", "1700000002.B.host:2,S", "Subject: big\n\n" + std::string(5000, 'b') + "\n", 1700000100},
  });
  Outcome r = roost_.run({"import", "maildir", maildir.string(), "alice@example.org", "--max-message-size", "1k"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 1 messages"));
  EXPECT_THAT(r.out, HasSubstr("1 too large"));
  EXPECT_THAT(r.err, HasSubstr("1700000002.B.host"));
}

TEST_F(RoostctlImport, RefusalsSayWhy) {
  Outcome no_maildir = roost_.run({"import", "maildir", roost_.dir().string(), "alice@example.org"});
  EXPECT_EQ(no_maildir.exit_code, 1);
  EXPECT_THAT(no_maildir.err, HasSubstr("is not a maildir"));
  fs::path maildir = make_maildir(kMaildir);
  Outcome no_user = roost_.run({"import", "maildir", maildir.string(), "carol@example.org"});
  EXPECT_EQ(no_user.exit_code, 1);
  EXPECT_THAT(no_user.err, HasSubstr("there is no user carol@example.org"));
  write_file(roost_.dir() / "not.mbox", "Subject: no From_ line\n\nbody\n");
  Outcome not_mbox = roost_.run({"import", "mbox", (roost_.dir() / "not.mbox").string(), "alice@example.org"});
  EXPECT_EQ(not_mbox.exit_code, 1);
  EXPECT_THAT(not_mbox.err, HasSubstr("is not an mbox file"));
}

TEST_F(RoostctlImport, QuotaStopsTheImportAndARerunAfterRaisingItFinishes) {
  ASSERT_EQ(roost_.run({"user", "quota", "alice@example.org", "60"}).exit_code, 0);
  fs::path maildir = make_maildir(kMaildir);
  Outcome full = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_THAT(full.err, HasSubstr("quota of alice@example.org is full"));
  ASSERT_EQ(roost_.run({"user", "quota", "alice@example.org", "none"}).exit_code, 0);
  Outcome rest = roost_.run({"import", "maildir", maildir.string(), "alice@example.org"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(stored("alice@example.org", "INBOX").size() + stored("alice@example.org", "Sent").size() +
                stored("alice@example.org", "Archive/2023").size() + stored("alice@example.org", "Entwürfe").size(),
            5u);
}

// mboxrd as mutt or Dovecot write it: Status/X-Status, quoted From lines, dates on the From_ line.
const char* kMbox =
    "From alice@example.org Sat Jan  3 01:05:34 2004\n"
    "Subject: first\n"
    "Status: RO\n"
    "X-Status: AF\n"
    "\n"
    ">From the start of a line\n"
    ">>From deeper\n"
    "From mid-paragraph (not after an empty line) is body text\n"
    "\n"
    "From bob@example.org Sun Feb 29 23:59:59 2004\n"
    "Subject: second\n"
    "Status: O\n"
    "\n"
    "second body\n"
    "\n";

TEST_F(RoostctlImport, MboxUnquotesFromLinesAndTurnsStatusIntoFlags) {
  // The third body line was left unquoted by a sloppy writer: a From line starts a message only
  // after an empty line.
  write_file(roost_.dir() / "in.mbox", kMbox);
  Outcome r = roost_.run({"import", "mbox", (roost_.dir() / "in.mbox").string(), "alice@example.org", "--mailbox",
                          "Old/2004"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 2 messages"));
  auto old = stored("alice@example.org", "Old/2004");
  ASSERT_EQ(old.size(), 2u);
  EXPECT_EQ(old[0].bytes,
            "Subject: first\r\n\r\nFrom the start of a line\r\n>From deeper\r\n"
            "From mid-paragraph (not after an empty line) is body text\r\n");
  EXPECT_EQ(old[0].flags.system, store::kSeen | store::kAnswered | store::kFlagged);
  EXPECT_EQ(old[0].internal_date, 1073091934);  // 2004-01-03 01:05:34 UTC
  EXPECT_EQ(old[1].bytes, "Subject: second\r\n\r\nsecond body\r\n");
  EXPECT_EQ(old[1].flags.system, 0u);
  EXPECT_EQ(old[1].internal_date, 1078099199);  // 2004-02-29 23:59:59 UTC

  Outcome again = roost_.run({"import", "mbox", (roost_.dir() / "in.mbox").string(), "alice@example.org",
                              "--mailbox", "Old/2004"});
  EXPECT_THAT(again.out, HasSubstr("imported 0 messages"));
  EXPECT_THAT(again.out, HasSubstr("2 already there"));
}

TEST_F(RoostctlImport, MboxoKeepsQuotedLinesAsTheyAre) {
  write_file(roost_.dir() / "in.mbox", kMbox);
  Outcome r = roost_.run({"import", "mbox", (roost_.dir() / "in.mbox").string(), "alice@example.org", "--mboxo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto inbox = stored("alice@example.org", "INBOX");
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_THAT(inbox[0].bytes, HasSubstr("\r\n>From the start of a line\r\n>>From deeper\r\n"));
}

TEST_F(RoostctlImport, ExportThenImportRoundTripsByteForByte) {
  // Bodies that mboxrd must quote, flags of every kind, a message with no body.
  fs::path maildir = make_maildir({
      {"", "cur", "1700000001.A.host:2,FS", "Subject: a\n\nFrom here\n>From there\n>>From deeper\nFrom\n", 1700000001},
      {"", "cur", "1700000002.B.host:2,RT", "Subject: b\nReturn-Path: <bob@example.org>\n\n\n\nblank lines\n\n",
       1700000002},
      {"", "cur", "1700000003.C.host:2,D", "Subject: headers only\n", 1700000003},
      {"", "new", "1700000004.D.host", "Subject: d\n\nFrom \n\n\nFrom x Sat Jan  3 01:05:34 2004\n", 1700000004},
  });
  ASSERT_EQ(roost_.run({"import", "maildir", maildir.string(), "alice@example.org"}).exit_code, 0);
  std::string first = (roost_.dir() / "first.mbox").string();
  Outcome exported = roost_.run({"export", "mbox", "alice@example.org", first});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_THAT(exported.out, HasSubstr("exported 4 messages"));
  struct stat st {};
  ASSERT_EQ(::stat(first.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string mbox = read_file(first);
  EXPECT_THAT(mbox, HasSubstr("From MAILER-DAEMON Tue Nov 14 22:13:21 2023\n"));
  EXPECT_THAT(mbox, HasSubstr("From bob@example.org Tue Nov 14 22:13:22 2023\n"));
  EXPECT_THAT(mbox, HasSubstr("\r\n>From here\r\n>>From there\r\n>>>From deeper\r\nFrom\r\n"));
  EXPECT_THAT(mbox, HasSubstr("Subject: a\r\nStatus: RO\r\nX-Status: F\r\n\r\n"));

  Outcome imported = roost_.run({"import", "mbox", first, "bob@example.org", "--mailbox", "Copy"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(imported.out, HasSubstr("imported 4 messages"));
  auto original = stored("alice@example.org", "INBOX");
  auto copy = stored("bob@example.org", "Copy");
  ASSERT_EQ(original.size(), copy.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(copy[i].bytes, original[i].bytes) << i;
    EXPECT_EQ(copy[i].flags, original[i].flags) << i;
    EXPECT_EQ(copy[i].internal_date, original[i].internal_date) << i;
  }
  std::string second = (roost_.dir() / "second.mbox").string();
  ASSERT_EQ(roost_.run({"export", "mbox", "bob@example.org", "--mailbox", "Copy", second}).exit_code, 0);
  EXPECT_EQ(read_file(second), mbox);
}

TEST_F(RoostctlImport, ExportToStdoutAndNeverOverAFile) {
  write_file(roost_.dir() / "in.mbox", kMbox);
  ASSERT_EQ(roost_.run({"import", "mbox", (roost_.dir() / "in.mbox").string(), "alice@example.org"}).exit_code, 0);
  Outcome out = roost_.run({"export", "mbox", "alice@example.org", "-"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  // The sender of a From_ line is the message's Return-Path; these have none.
  EXPECT_THAT(out.out, HasSubstr("From MAILER-DAEMON Sat Jan  3 01:05:34 2004\nSubject: first\r\n"));
  EXPECT_THAT(out.err, HasSubstr("exported 2 messages"));
  Outcome refused = roost_.run({"export", "mbox", "alice@example.org", (roost_.dir() / "in.mbox").string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("exists already"));
  EXPECT_EQ(read_file(roost_.dir() / "in.mbox"), kMbox);
  Outcome no_box = roost_.run({"export", "mbox", "alice@example.org", "--mailbox", "Nope", "-"});
  EXPECT_EQ(no_box.exit_code, 1);
  EXPECT_THAT(no_box.err, HasSubstr("has no mailbox Nope"));
}

}  // namespace
}  // namespace roost::admin::test
