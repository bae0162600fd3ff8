// backup_database: a copy into a new 0600 file that never overwrites, and that is consistent while
// another thread keeps delivering: it passes verify_store and holds every message committed before
// the backup began.
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "storage/backup.h"
#include "storage/messages.h"
#include "storage/verify.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

class Backup : public testing::StoreTest {
 protected:
  std::string dest() const { return dir_ + "/backup.db"; }
  void append_one(std::int64_t mailbox, int n) {
    std::string bytes = "Subject: message " + std::to_string(n) + "\r\n\r\n" + std::string(2000, 'x') + "\r\n";
    auto r = w<AppendResult>([&](WriteCtx& c) { return append(c, mailbox, bytes, Flags{}, 1700000000 + n); });
    ASSERT_TRUE(r.ok());
  }
  // Opens the copy as a store connection of its own.
  std::unique_ptr<Db> open_copy() {
    StoreOptions o = options_;
    o.db_path = dest();
    auto db = Db::open(o);
    EXPECT_TRUE(db.ok());
    return db.ok() ? std::move(*db) : nullptr;
  }
};

TEST_F(Backup, CopyIsPrivateSoundAndHoldsTheMessages) {
  auto account = make_account("alice@example.org");
  auto inbox = mailbox_id(account, "INBOX");
  for (int i = 0; i < 20; ++i) append_one(inbox, i);
  std::int64_t steps = 0;
  BackupOptions options;
  options.pages_per_step = 4;
  options.progress = [&steps](std::int64_t, std::int64_t) { ++steps; };
  auto report = backup_database(options_, dest(), options);
  ASSERT_TRUE(report.ok()) << store_error_name(report.error());
  EXPECT_GT(steps, 1);  // copied a few pages at a time

  struct stat st {};
  ASSERT_EQ(::stat(dest().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(report->bytes, static_cast<std::int64_t>(st.st_size));
  // One self-contained file: no journal left beside it.
  EXPECT_NE(::stat((dest() + "-wal").c_str(), &st), 0);
  EXPECT_NE(::stat((dest() + "-journal").c_str(), &st), 0);

  auto sound = database_file_is_sound(dest());
  ASSERT_TRUE(sound.ok());
  EXPECT_TRUE(*sound);
  auto copy = open_copy();
  ASSERT_TRUE(copy);
  auto messages = list_messages(*copy, inbox);
  ASSERT_TRUE(messages.ok());
  EXPECT_EQ(messages->size(), 20u);
}

TEST_F(Backup, ExistingDestinationIsNeverOverwritten) {
  { std::ofstream(dest()) << "precious"; }
  auto report = backup_database(options_, dest());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error(), StoreError::exists);
  std::ifstream in(dest());
  std::string text;
  in >> text;
  EXPECT_EQ(text, "precious");
}

TEST_F(Backup, MissingDirectoryIsAnIoErrorAndLeavesNothing) {
  auto report = backup_database(options_, dir_ + "/no/such/dir/backup.db");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error(), StoreError::io);
}

TEST_F(Backup, DamagedFileIsNotSound) {
  { std::ofstream(dest(), std::ios::binary) << "SQLite format 3" << std::string(1, '\0') << std::string(5000, 'z'); }
  auto sound = database_file_is_sound(dest());
  EXPECT_TRUE(!sound.ok() || !*sound);
}

TEST_F(Backup, TakenWhileDeliveringHoldsEveryMessageCommittedBeforeIt) {
  auto account = make_account("alice@example.org");
  auto inbox = mailbox_id(account, "INBOX");
  std::atomic<int> committed{0};
  std::atomic<bool> stop{false};
  std::thread delivering([&] {
    for (int n = 1; !stop && n < 100000; ++n) {
      std::string bytes = "Subject: message " + std::to_string(n) + "\r\n\r\n" + std::string(3000, 'y') + "\r\n";
      auto r = store_->write_sync<AppendResult>(
          [&](WriteCtx& c) { return append(c, inbox, bytes, Flags{}, 1700000000 + n); });
      if (!r.ok()) break;
      committed = n;  // the commit is durable once write_sync returns
    }
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (committed < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int before = committed;
  BackupOptions options;
  options.pages_per_step = 8;  // many steps, so deliveries land between them
  auto report = backup_database(options_, dest(), options);
  const int after_backup = committed;
  // Let a few more land, then stop.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  delivering.join();
  ASSERT_TRUE(report.ok()) << store_error_name(report.error());
  ASSERT_GE(before, 200);
  EXPECT_GT(after_backup, before) << "deliveries went on during the backup";

  auto copy = open_copy();
  ASSERT_TRUE(copy);
  auto verified = verify_store(*copy);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->clean()) << (verified->problems.empty() ? "" : verified->problems.front());
  auto messages = list_messages(*copy, inbox);
  ASSERT_TRUE(messages.ok());
  ASSERT_GE(static_cast<int>(messages->size()), before);
  EXPECT_LE(static_cast<int>(messages->size()), after_backup + 1);  // + one committed but not yet counted
  // UIDs 1..n without a gap: a snapshot, not a mix of moments.
  for (std::size_t i = 0; i < messages->size(); ++i) {
    EXPECT_EQ((*messages)[i].uid, i + 1);
  }
  auto last = read_blob(*copy, messages->back().blob_id);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, "Subject: message " + std::to_string(messages->size()) + "\r\n\r\n" + std::string(3000, 'y') +
                       "\r\n");
}

}  // namespace
}  // namespace roost::store
