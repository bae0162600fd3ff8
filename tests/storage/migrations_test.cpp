// Tests of the schema migrations: fresh creation, in-place upgrade, refusal of a newer schema.
#include "storage/migrations.h"

#include <gtest/gtest.h>

#include "storage/accounts.h"
#include "storage/messages.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "roost-mig-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    options_ = testing::small_options(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  StoreOptions options_;
};

TEST_F(MigrationsTest, FreshDatabaseGetsLatestVersion) {
  auto store = Store::open(options_);
  ASSERT_TRUE(store.ok());
  auto v = (*store)->read<int>([](Db& db) { return db.user_version(); });
  EXPECT_EQ(v.value_or(0), latest_schema_version());
  EXPECT_GE(latest_schema_version(), 2);
}

TEST_F(MigrationsTest, VersionOneDatabaseIsUpgradedInPlaceKeepingData) {
  std::int64_t blob_id = 0;
  {
    auto db = Db::open(options_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, 1).ok());
    EXPECT_EQ((*db)->user_version().value_or(0), 1);
    auto txn = Txn::begin(**db, Txn::Kind::write);
    Changes changes;
    WriteCtx w{**db, changes};
    ASSERT_TRUE(add_domain(w, "example.org").ok());
    auto account = add_account(w, "alice@example.org", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA");
    ASSERT_TRUE(account.ok());
    auto inbox = find_mailbox(**db, *account, "INBOX");
    ASSERT_TRUE(inbox.ok());
    // A message as version 1 stored it (append() now also writes message_parts, which v1 lacks).
    const std::string old_message = "Subject: old\r\n\r\nbody\r\n";
    auto blob = (*db)->query("INSERT INTO blobs (size, created, data) VALUES (?1, 0, ?2)");
    ASSERT_TRUE(blob.ok());
    (*blob)->bind(1, static_cast<std::int64_t>(old_message.size())).bind_blob(2, old_message);
    ASSERT_TRUE((*blob)->run().ok());
    blob_id = (*db)->last_insert_rowid();
    auto message = (*db)->query("INSERT INTO messages (mailbox_id, uid, modseq, blob_id, flags, keywords, "
                                "internal_date, size) VALUES (?1, 1, 1, ?2, 0, '', 0, ?3)");
    ASSERT_TRUE(message.ok());
    (*message)->bind(1, inbox->id).bind(2, blob_id).bind(3, static_cast<std::int64_t>(old_message.size()));
    ASSERT_TRUE((*message)->run().ok());
    ASSERT_TRUE(txn->commit().ok());
    // message_parts does not exist yet.
    EXPECT_FALSE((*db)->prepare("SELECT * FROM message_parts").ok());
  }
  auto store = Store::open(options_);
  ASSERT_TRUE(store.ok());
  auto v = (*store)->read<int>([](Db& db) { return db.user_version(); });
  EXPECT_EQ(v.value_or(0), latest_schema_version());
  auto account = (*store)->read<Account>([](Db& db) { return find_account(db, "alice@example.org"); });
  ASSERT_TRUE(account.ok());
  auto body = (*store)->read<std::string>([&](Db& db) { return read_blob(db, blob_id); });
  EXPECT_EQ(body.value_or(""), "Subject: old\r\n\r\nbody\r\n");
  // The new table works on the upgraded file.
  auto set = (*store)->write_sync<bool>([&](WriteCtx& w) -> StoreResult<bool> {
    auto r = set_message_parts(w, {blob_id, 1, "env", "bs", "offs"});
    if (!r.ok()) return fail(r.error());
    return true;
  });
  ASSERT_TRUE(set.ok());
  auto parts = (*store)->read<MessageParts>([&](Db& db) { return get_message_parts(db, blob_id); });
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->envelope, "env");
}

TEST_F(MigrationsTest, NewerSchemaIsRefused) {
  {
    auto db = Db::open(options_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db).ok());
    std::string pragma = "PRAGMA user_version=" + std::to_string(latest_schema_version() + 1);
    ASSERT_TRUE((*db)->exec(pragma.c_str()).ok());
  }
  auto store = Store::open(options_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error(), StoreError::schema_too_new);
}

TEST_F(MigrationsTest, MigratingTwiceIsANoOp) {
  auto db = Db::open(options_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(**db).ok());
  ASSERT_TRUE(migrate(**db).ok());
  EXPECT_EQ((*db)->user_version().value_or(0), latest_schema_version());
}

}  // namespace
}  // namespace roost::store
