// verify_store: a store written through the normal paths is clean, and each invariant broken on
// purpose with a raw UPDATE is reported in a sentence that names it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/messages.h"
#include "storage/queue.h"
#include "storage/verify.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using ::testing::HasSubstr;

class Verify : public testing::StoreTest {
 protected:
  void fill() {
    account_ = make_account("alice@example.org");
    inbox_ = mailbox_id(account_, "INBOX");
    for (int i = 0; i < 3; ++i) {
      std::string bytes = "Subject: " + std::to_string(i) + "\r\n\r\nbody " + std::to_string(i) + "\r\n";
      auto r = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox_, bytes, Flags{kSeen, {}}, 1700000000); });
      ASSERT_TRUE(r.ok());
    }
    auto q = w<std::vector<std::int64_t>>([](WriteCtx& c) {
      return enqueue(c, "Subject: out\r\n\r\nx\r\n", "alice@example.org", {"bob@remote.example"});
    });
    ASSERT_TRUE(q.ok());
  }
  VerifyReport verify() {
    auto report = r<VerifyReport>([](Db& db) { return verify_store(db); });
    EXPECT_TRUE(report.ok());
    return report.ok() ? *report : VerifyReport{};
  }
  // Damages the store with raw SQL on a connection of our own (foreign keys off, as an outside
  // tool would have them).
  void damage(const char* sql) {
    auto db = Db::open(options_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("PRAGMA foreign_keys=OFF").ok());
    ASSERT_TRUE((*db)->exec(sql).ok()) << sql;
  }
  std::int64_t account_ = 0;
  std::int64_t inbox_ = 0;
};

TEST_F(Verify, StoreWrittenNormallyIsClean) {
  fill();
  auto report = verify();
  EXPECT_TRUE(report.clean()) << (report.problems.empty() ? "" : report.problems.front());
  EXPECT_EQ(report.accounts, 1);
  EXPECT_EQ(report.messages, 3);
  EXPECT_EQ(report.blobs, 4);
  EXPECT_EQ(report.queue_entries, 1);
}

TEST_F(Verify, CopiedMessagesShareABlobAndStayClean) {
  fill();
  auto archive = w<std::int64_t>([&](WriteCtx& c) { return create_mailbox(c, account_, "Kept"); });
  ASSERT_TRUE(archive.ok());
  auto copied = w<CopyResult>([&](WriteCtx& c) { return copy_messages(c, inbox_, all_uids(), *archive); });
  ASSERT_TRUE(copied.ok());
  auto report = verify();
  EXPECT_TRUE(report.clean()) << (report.problems.empty() ? "" : report.problems.front());
  EXPECT_EQ(report.messages, 6);
  EXPECT_EQ(report.blobs, 4);
}

struct Damage {
  const char* name;  // of the broken invariant, for the test's name
  const char* sql;
  const char* reported;
};

class VerifyDamage : public Verify, public ::testing::WithParamInterface<Damage> {};

TEST_P(VerifyDamage, IsReported) {
  fill();
  damage(GetParam().sql);
  auto report = verify();
  ASSERT_FALSE(report.clean()) << GetParam().sql;
  std::string all;
  for (const auto& p : report.problems) all += p + "\n";
  EXPECT_THAT(all, HasSubstr(GetParam().reported)) << GetParam().sql;
}

INSTANTIATE_TEST_SUITE_P(
    Store, VerifyDamage,
    ::testing::Values(
        Damage{"BlobRefsTooHigh", "UPDATE blobs SET refs = refs + 1 WHERE id = (SELECT min(blob_id) FROM messages)",
               "refs = 2 but 1 message and queue rows refer to it"},
        Damage{"QueuedBlobRefsZero", "UPDATE blobs SET refs = 0 WHERE id = (SELECT blob_id FROM queue)",
               "refs = 0 but 1 message and queue rows refer to it"},
        Damage{"MessageSizeWrong", "UPDATE messages SET size = size + 1 WHERE uid = 2", "size = "},
        Damage{"UidNotBelowUidnext", "UPDATE mailboxes SET uidnext = 3 WHERE name = 'INBOX'",
               "uid 3 is not below the mailbox's uidnext 3"},
        Damage{"ModseqAboveHighest", "UPDATE messages SET modseq = 999999 WHERE uid = 1", "modseq 999999 is above"},
        Damage{"QuotaSumWrong", "UPDATE accounts SET used_bytes = used_bytes + 5", "account alice@example.org: used quota is"},
        Damage{"MissingBlob", "DELETE FROM blobs WHERE id = (SELECT blob_id FROM messages WHERE uid = 1)",
               "messages row 1 refers to a missing blobs row"},
        Damage{"UnreferencedBlob", "INSERT INTO blobs (refs, size, created, data) VALUES (0, 1, 0, x'41')",
               "refs = 0 but 0 message and queue rows refer to it"}),
    [](const ::testing::TestParamInfo<Damage>& info) { return std::string(info.param.name); });

TEST_F(Verify, ProblemsPastTheLimitAreCountedNotListed) {
  account_ = make_account("alice@example.org");
  inbox_ = mailbox_id(account_, "INBOX");
  auto r1 = w<bool>([&](WriteCtx& c) -> StoreResult<bool> {
    for (std::size_t i = 0; i < kMaxReportedProblems + 5; ++i) {
      auto a = append(c, inbox_, "Subject: x\r\n\r\n" + std::to_string(i) + "\r\n", Flags{}, 1700000000);
      if (!a.ok()) return fail(a.error());
    }
    return true;
  });
  ASSERT_TRUE(r1.ok());
  damage("UPDATE blobs SET refs = 7");
  auto report = verify();
  EXPECT_EQ(report.problems.size(), kMaxReportedProblems);
  EXPECT_EQ(report.unlisted_problems, 5u);
}

}  // namespace
}  // namespace roost::store
