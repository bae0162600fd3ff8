// Tests of the outbound queue table.
#include "storage/queue.h"

#include <gtest/gtest.h>

#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class QueueTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    options_.clock = [this] { return now_; };
    open_store();
  }
  std::int64_t now_ = 1'700'000'000;
};

TEST_F(QueueTest, EnqueueListDueMarkAndRemove) {
  auto ids = w<std::vector<std::int64_t>>([](WriteCtx& c) {
    return enqueue(c, "Subject: out\r\n\r\nbody\r\n", "alice@example.org", {"a@r.example", "b@r.example"});
  });
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ(blob_count(), 1);
  auto due = r<std::vector<QueueEntry>>([&](Db& db) { return list_due(db, now_, 10); });
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].sender, "alice@example.org");
  EXPECT_EQ((*due)[0].recipient, "a@r.example");
  EXPECT_EQ((*due)[0].size, 22);
  EXPECT_EQ((*due)[0].attempts, 0);

  ASSERT_TRUE(wv([&](WriteCtx& c) { return mark_attempt(c, (*ids)[0], now_ + 600, "451 4.7.1 try later"); }).ok());
  due = r<std::vector<QueueEntry>>([&](Db& db) { return list_due(db, now_, 10); });
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, (*ids)[1]);
  auto later = r<std::vector<QueueEntry>>([&](Db& db) { return list_due(db, now_ + 600, 10); });
  EXPECT_EQ(later->size(), 2u);
  auto entry = r<QueueEntry>([&](Db& db) { return get_queue_entry(db, (*ids)[0]); });
  EXPECT_EQ(entry->attempts, 1);
  EXPECT_EQ(entry->last_error, "451 4.7.1 try later");
  EXPECT_EQ(entry->next_attempt, now_ + 600);

  ASSERT_TRUE(wv([&](WriteCtx& c) { return remove_queue_entry(c, (*ids)[0]); }).ok());
  EXPECT_EQ(blob_count(), 1);
  ASSERT_TRUE(wv([&](WriteCtx& c) { return remove_queue_entry(c, (*ids)[1]); }).ok());
  EXPECT_EQ(blob_count(), 0);
  EXPECT_EQ(wv([&](WriteCtx& c) { return remove_queue_entry(c, (*ids)[1]); }).error(), StoreError::not_found);
  EXPECT_EQ(wv([&](WriteCtx& c) { return mark_attempt(c, (*ids)[1], 0, ""); }).error(), StoreError::not_found);
}

TEST_F(QueueTest, ListDueHonoursLimitAndOrder) {
  for (int i = 0; i < 5; ++i) {
    now_ += 1;
    ASSERT_TRUE(w<std::vector<std::int64_t>>([&](WriteCtx& c) {
                  return enqueue(c, "m", "", {"r" + std::to_string(i) + "@r.example"});
                }).ok());
  }
  auto due = r<std::vector<QueueEntry>>([&](Db& db) { return list_due(db, now_, 3); });
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[0].recipient, "r0@r.example");
  EXPECT_EQ((*due)[0].sender, "");
  auto all = r<std::vector<QueueEntry>>([&](Db& db) { return list_queue(db); });
  EXPECT_EQ(all->size(), 5u);
}

TEST_F(QueueTest, EnqueueNeedsRecipientsAndExistingBlob) {
  EXPECT_EQ(w<std::vector<std::int64_t>>([](WriteCtx& c) { return enqueue(c, "m", "", {}); }).error(),
            StoreError::invalid);
  EXPECT_EQ(w<std::vector<std::int64_t>>([](WriteCtx& c) { return enqueue_blob(c, 4242, "", {"a@b.example"}); })
                .error(),
            StoreError::not_found);
}

}  // namespace
}  // namespace roost::store
