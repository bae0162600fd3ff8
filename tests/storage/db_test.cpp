// Tests of the SQLite wrappers: connection settings, transactions, the retry helper.
#include "storage/db.h"

#include <gtest/gtest.h>

#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class DbTest : public StoreTest {};

TEST_F(DbTest, ConnectionUsesWalFullSyncAndForeignKeys) {
  auto db = Db::open(options_);
  ASSERT_TRUE(db.ok());
  auto pragma = [&](const char* sql) {
    auto st = (*db)->prepare(sql);
    EXPECT_TRUE(st.ok());
    EXPECT_TRUE(st->step().value_or(false));
    return st->col_text(0);
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
  EXPECT_EQ(pragma("PRAGMA busy_timeout"), "2000");
}

TEST_F(DbTest, TxnRollsBackUnlessCommitted) {
  auto db = Db::open(options_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto txn = Txn::begin(**db, Txn::Kind::write);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    auto txn = Txn::begin(**db, Txn::Kind::write);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*db)->exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn->commit().ok());
  }
  auto q = (*db)->query("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE((*q)->step().value_or(false));
  EXPECT_EQ((*q)->col_text(0), "2");
}

TEST_F(DbTest, SecondWriterGetsBusyAndRetrySucceedsOnceLockIsGone) {
  StoreOptions quick = options_;
  quick.busy_timeout = std::chrono::milliseconds(10);
  quick.retry_budget = std::chrono::milliseconds(2000);
  auto a = Db::open(quick);
  auto b = Db::open(quick);
  ASSERT_TRUE(a.ok() && b.ok());
  auto held = Txn::begin(**a, Txn::Kind::write);
  ASSERT_TRUE(held.ok());
  auto blocked = Txn::begin(**b, Txn::Kind::write);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error(), StoreError::busy);

  int attempts = 0;
  auto r = with_retry(quick, [&]() -> StoreResult<int> {
    if (++attempts == 3) (void)held->commit();  // the other writer finishes meanwhile
    auto t = Txn::begin(**b, Txn::Kind::write);
    if (!t.ok()) return fail(t.error());
    return attempts;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_GE(*r, 3);
}

TEST_F(DbTest, RetryGivesUpAfterBudget) {
  StoreOptions quick = options_;
  quick.retry_budget = std::chrono::milliseconds(30);
  int attempts = 0;
  auto r = with_retry(quick, [&]() -> StoreResult<int> {
    ++attempts;
    return fail(StoreError::busy);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), StoreError::busy);
  EXPECT_GT(attempts, 1);
}

TEST_F(DbTest, CachedQueryIsResetForReuse) {
  auto db = Db::open(options_);
  ASSERT_TRUE(db.ok());
  for (int i = 0; i < 3; ++i) {
    auto q = (*db)->query("SELECT ?1 + 1");
    ASSERT_TRUE(q.ok());
    (*q)->bind(1, std::int64_t{i});
    ASSERT_TRUE((*q)->step().value_or(false));
    EXPECT_EQ((*q)->col_int(0), i + 1);
  }
}

}  // namespace
}  // namespace roost::store
