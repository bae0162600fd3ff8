// Tests of quota accounting: distinct over-quota error, exactness under concurrent deliveries.
#include "storage/quota.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/mailboxes.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class QuotaTest : public StoreTest {};

TEST_F(QuotaTest, AppendOverQuotaIsRefusedWithDistinctError) {
  auto id = make_account("alice@example.org", 10);
  auto inbox = mailbox_id(id, "INBOX");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "123456", {}); }).ok());
  auto over = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "12345", {}); });
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error(), StoreError::over_quota);
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "1234", {}); }).ok());  // exactly full
  auto q = r<QuotaUsage>([&](Db& db) { return get_quota(db, id); });
  EXPECT_EQ(q->used_bytes, 10);
  EXPECT_EQ(q->limit_bytes, 10);
  EXPECT_EQ(blob_count(), 2);  // the refused write left nothing behind
}

TEST_F(QuotaTest, CopyOverQuotaCopiesNothing) {
  auto id = make_account("alice@example.org", 10);
  auto inbox = mailbox_id(id, "INBOX");
  auto archive = mailbox_id(id, "Archive");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "123456", {}); }).ok());
  auto copy = w<CopyResult>([&](WriteCtx& c) { return copy_messages(c, inbox, all_uids(), archive); });
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error(), StoreError::over_quota);
  EXPECT_EQ(r<MailboxStatus>([&](Db& db) { return mailbox_status(db, archive); })->messages, 0u);
}

TEST_F(QuotaTest, RecalculateMatchesMessages) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "123456", {}); }).ok());
  ASSERT_TRUE(wv([&](WriteCtx& c) -> StoreResult<void> {
                auto q = c.db.query("UPDATE accounts SET used_bytes = 999");
                if (!q.ok()) return fail(q.error());
                return (*q)->run();
              }).ok());
  auto fixed = w<std::int64_t>([&](WriteCtx& c) { return recalculate_quota(c, id); });
  EXPECT_EQ(fixed.value_or(-1), 6);
}

TEST_F(QuotaTest, ExactAfterThousandConcurrentDeliveries) {
  constexpr int kDeliveries = 1000;
  constexpr int kThreads = 8;
  constexpr std::int64_t kSize = 100;
  auto limited = make_account("limited@example.org", 500 * kSize);
  auto unlimited = make_account("unlimited@example.org");
  std::string bytes(kSize, 'm');
  std::atomic<int> accepted{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kDeliveries / kThreads; ++i) {
        Delivery d;
        d.bytes = bytes;
        d.local = {{limited, "", {}, ""}, {unlimited, "", {}, ""}};
        auto r = store_->deliver_sync(d);
        if (!r.ok() || r->local[1].error) {
          ++failed;
          continue;
        }
        if (!r->local[0].error) {
          ++accepted;
        } else if (*r->local[0].error == StoreError::over_quota) {
          ++refused;
        } else {
          ++failed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(accepted.load(), 500);
  EXPECT_EQ(refused.load(), 500);
  EXPECT_EQ(r<QuotaUsage>([&](Db& db) { return get_quota(db, limited); })->used_bytes, 500 * kSize);
  EXPECT_EQ(r<QuotaUsage>([&](Db& db) { return get_quota(db, unlimited); })->used_bytes, kDeliveries * kSize);
  auto inbox = mailbox_id(limited, "INBOX");
  auto status = r<MailboxStatus>([&](Db& db) { return mailbox_status(db, inbox); });
  EXPECT_EQ(status->messages, 500u);
  EXPECT_EQ(status->uidnext, 501u);
  EXPECT_EQ(blob_count(), kDeliveries);
  EXPECT_LT(store_->writer().stats().commits, static_cast<std::uint64_t>(kDeliveries + 20));
}

}  // namespace
}  // namespace roost::store
