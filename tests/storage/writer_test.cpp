// Tests of the writer: group commit, per-write savepoints, several processes on one file, and
// durability of reported commits across SIGKILL.
#include "storage/writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class WriterTest : public StoreTest {};

TEST_F(WriterTest, ConcurrentWritesShareCommits) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  auto before = store_->writer().stats();
  constexpr int kWrites = 400;
  std::atomic<int> done{0};
  std::promise<void> all;
  std::string bytes(512, 'x');
  for (int i = 0; i < kWrites; ++i) {
    store_->write<AppendResult>([&](WriteCtx& c) { return append(c, inbox, bytes, {}); },
                                [&](StoreResult<AppendResult> r) {
                                  EXPECT_TRUE(r.ok());
                                  if (++done == kWrites) all.set_value();
                                });
  }
  ASSERT_EQ(all.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto after = store_->writer().stats();
  EXPECT_EQ(after.writes - before.writes, static_cast<std::uint64_t>(kWrites));
  EXPECT_LT(after.commits - before.commits, static_cast<std::uint64_t>(kWrites / 4));
}

TEST_F(WriterTest, FailingWriteIsRolledBackAloneInItsBatch) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  std::promise<void> first_running;
  std::promise<void> let_first_go;
  auto gate = let_first_go.get_future().share();
  store_->writer().submit(
      [&, gate](WriteCtx&) -> StoreResult<void> {
        first_running.set_value();
        gate.wait();
        return {};
      },
      [](StoreResult<void>) {});
  first_running.get_future().wait();
  auto commits_before = store_->writer().stats().commits;
  std::promise<StoreResult<void>> bad, good;
  store_->writer().submit(
      [&](WriteCtx& c) -> StoreResult<void> {
        auto r = append(c, inbox, "half-done write", {});  // written, then the write fails
        if (!r.ok()) return fail(r.error());
        return fail(StoreError::invalid);
      },
      [&](StoreResult<void> r) { bad.set_value(r); });
  store_->writer().submit(
      [&](WriteCtx& c) -> StoreResult<void> {
        auto r = append(c, inbox, "good write", {});
        if (!r.ok()) return fail(r.error());
        return {};
      },
      [&](StoreResult<void> r) { good.set_value(r); });
  let_first_go.set_value();
  auto bad_r = bad.get_future().get();
  auto good_r = good.get_future().get();
  ASSERT_FALSE(bad_r.ok());
  EXPECT_EQ(bad_r.error(), StoreError::invalid);
  EXPECT_TRUE(good_r.ok());
  EXPECT_EQ(store_->writer().stats().commits - commits_before, 2u);  // the first batch, then bad+good together
  auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, inbox); });
  ASSERT_EQ(msgs->size(), 1u);
  auto body = r<std::string>([&](Db& db) { return read_blob(db, (*msgs)[0].blob_id); });
  EXPECT_EQ(*body, "good write");
  EXPECT_EQ(blob_count(), 1);
}

TEST_F(WriterTest, RunFromWriterThreadIsRefused) {
  std::promise<StoreResult<void>> inner;
  store_->writer().submit([](WriteCtx&) -> StoreResult<void> { return {}; },
                          [&](StoreResult<void>) {
                            inner.set_value(store_->writer().run([](WriteCtx&) -> StoreResult<void> { return {}; }));
                          });
  auto r = inner.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), StoreError::invalid);
}

// Child process body: delivers `count` messages to the account and exits 0 when all succeeded.
int deliver_in_child(const StoreOptions& options, std::int64_t account, int count, int tag) {
  auto store = Store::open(options);
  if (!store.ok()) return 2;
  std::string bytes = "From child " + std::to_string(tag) + "\r\n\r\nbody\r\n";
  for (int i = 0; i < count; ++i) {
    Delivery d;
    d.bytes = bytes;
    d.internal_date = tag * 100000 + i + 1;
    d.local = {{account, "", {}, ""}};
    auto r = (*store)->deliver_sync(d);
    if (!r.ok() || r->local[0].error) return 3;
  }
  return 0;
}

TEST_F(WriterTest, TwoProcessesWriteAtOnce) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  store_.reset();  // no threads across fork
  constexpr int kEach = 150;
  std::vector<pid_t> children;
  for (int tag = 1; tag <= 2; ++tag) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(deliver_in_child(options_, id, kEach, tag));
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  open_store();
  auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, inbox); });
  ASSERT_EQ(msgs->size(), 2u * kEach);
  std::set<std::uint32_t> uids;
  for (const auto& m : *msgs) uids.insert(m.uid);
  EXPECT_EQ(uids.size(), 2u * kEach);
  EXPECT_EQ(*uids.rbegin(), 2u * kEach);
  auto account = r<Account>([&](Db& db) { return get_account(db, id); });
  std::int64_t want = 0;
  for (const auto& m : *msgs) want += m.size;
  EXPECT_EQ(account->used_bytes, want);
}

TEST_F(WriterTest, SigkillLosesNoWriteReportedCommitted) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  store_.reset();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto store = Store::open(options_);
    if (!store.ok()) _exit(2);
    // Several threads stream durable deliveries and report each one once it is committed.
    std::vector<std::thread> threads;
    std::atomic<std::int32_t> next{1};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        std::string bytes(2048, 'k');
        for (;;) {
          std::int32_t n = next++;
          Delivery d;
          d.bytes = bytes;
          d.internal_date = n;
          d.local = {{id, "", {}, ""}};
          auto r = (*store)->deliver_sync(d);
          if (!r.ok() || r->local[0].error) _exit(3);
          if (write(fds[1], &n, sizeof n) != sizeof n) _exit(4);
        }
      });
    }
    for (auto& t : threads) t.join();
    _exit(0);
  }
  close(fds[1]);
  std::set<std::int32_t> reported;
  std::int32_t n;
  while (reported.size() < 300 && read(fds[0], &n, sizeof n) == sizeof n) reported.insert(n);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  while (read(fds[0], &n, sizeof n) == sizeof n) reported.insert(n);  // reported before the kill
  close(fds[0]);
  ASSERT_GE(reported.size(), 300u);

  open_store();
  auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, inbox); });
  std::set<std::int32_t> stored;
  for (const auto& m : *msgs) stored.insert(static_cast<std::int32_t>(m.internal_date));
  for (auto k : reported) EXPECT_TRUE(stored.count(k)) << "reported committed but lost: " << k;
  // And the counters stayed consistent.
  auto status_now = r<MailboxStatus>([&](Db& db) { return mailbox_status(db, inbox); });
  EXPECT_EQ(status_now->messages, msgs->size());
  EXPECT_EQ(r<Account>([&](Db& db) { return get_account(db, id); })->used_bytes,
            static_cast<std::int64_t>(msgs->size()) * 2048);
}

}  // namespace
}  // namespace roost::store
