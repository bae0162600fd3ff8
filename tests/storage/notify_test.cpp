// Tests of change notification: same process, across processes (fork), stale sockets, the
// data_version fallback.
#include "storage/notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "storage/mailboxes.h"
#include "storage/messages.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class NotifyTest : public StoreTest {};

TEST_F(NotifyTest, ListenerHearsAboutCommittedChange) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  auto listener = NotifyListener::open(store_->notify_dir());
  ASSERT_TRUE(listener.ok());
  (void)(*listener)->drain();
  auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "new mail", {}); });
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*listener)->wait(1000));
  auto changes = (*listener)->drain();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].account_id, id);
  EXPECT_EQ(changes[0].mailbox_id, inbox);
  auto box = r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox); });
  EXPECT_EQ(changes[0].modseq, box->highest_modseq);
}

TEST_F(NotifyTest, FailedWriteAnnouncesNothing) {
  auto id = make_account("alice@example.org", 1);
  auto inbox = mailbox_id(id, "INBOX");
  auto listener = NotifyListener::open(store_->notify_dir());
  ASSERT_TRUE(listener.ok());
  (void)(*listener)->drain();
  EXPECT_FALSE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "too big", {}); }).ok());
  EXPECT_FALSE((*listener)->wait(100));
}

TEST_F(NotifyTest, ChangeInAnotherProcessArrivesWithinASecond) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  std::string notify_dir = store_->notify_dir();
  store_.reset();  // no threads across fork
  auto listener = NotifyListener::open(notify_dir);
  ASSERT_TRUE(listener.ok());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::open(options_);
    if (!store.ok()) _exit(2);
    auto r = (*store)->write_sync<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "from smtpd", {}); });
    _exit(r.ok() ? 0 : 3);
  }
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE((*listener)->wait(5000));
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto changes = (*listener)->drain();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes[0].account_id, id);
  EXPECT_EQ(changes[0].mailbox_id, inbox);
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST_F(NotifyTest, StaleSocketIsRemoved) {
  std::string stale = store_->notify_dir() + "/99999999-0.sock";
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, stale.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  close(fd);  // the file stays, nobody listens
  ASSERT_TRUE(std::filesystem::exists(stale));
  announce(store_->notify_dir(), {{1, 2, 3}});
  EXPECT_FALSE(std::filesystem::exists(stale));
}

TEST_F(NotifyTest, ManyChangesArePackedAndParsed) {
  auto listener = NotifyListener::open(store_->notify_dir());
  ASSERT_TRUE(listener.ok());
  std::vector<MailboxChange> sent;
  for (int i = 0; i < 300; ++i) sent.push_back({i, 1000 + i, 5000 + i});
  announce(store_->notify_dir(), sent);
  auto got = (*listener)->drain();
  ASSERT_EQ(got.size(), sent.size());
  EXPECT_EQ(got[299].mailbox_id, 1299);
  EXPECT_EQ(got[299].modseq, 5299);
}

TEST_F(NotifyTest, ProbeSeesCommitsOfOtherConnections) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  auto probe = ChangeProbe::open(options_);
  ASSERT_TRUE(probe.ok());
  EXPECT_TRUE((*probe)->changed().value_or(false));  // first call
  EXPECT_FALSE((*probe)->changed().value_or(true));
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "x", {}); }).ok());
  EXPECT_TRUE((*probe)->changed().value_or(false));
  EXPECT_FALSE((*probe)->changed().value_or(true));
}

}  // namespace
}  // namespace roost::store
