// roostctl backup and verify end to end, and the restore that the README documents: stop, copy the
// backup to <data_dir>/roost.db, remove roost.db-wal and roost.db-shm, start.
#include <sys/stat.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kPassword = "correct horse battery staple 7";

std::string mbox_of(int first, int count) {
  std::string out;
  for (int i = first; i < first + count; ++i) {
    out += "From alice@example.org Sat Jan  3 01:05:34 2004\nSubject: " + std::to_string(i) + "\n\nbody " +
           std::to_string(i) + "\n\n";
  }
  return out;
}

class RoostctlBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
    Outcome r = roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void import(int first, int count) {
    fs::path file = roost_.dir() / ("in" + std::to_string(first) + ".mbox");
    write_file(file, mbox_of(first, count));
    Outcome r = roost_.run({"import", "mbox", file.string(), "alice@example.org"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Raw SQL on the store, as an outside tool would damage it.
  void damage(const char* sql) {
    store::StoreOptions options;
    options.db_path = roost_.db_path();
    auto db = store::Db::open(options);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec(sql).ok()) << sql;
  }
  Installation roost_;
};

TEST_F(RoostctlBackup, BackupVerifiesAndRestoresToTheStateItWasTaken) {
  import(1, 3);
  std::string backup = (roost_.dir() / "roost-backup.db").string();
  Outcome r = roost_.run({"backup", backup});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("integrity check ok"));
  struct stat st {};
  ASSERT_EQ(::stat(backup.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Outcome again = roost_.run({"backup", backup});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("exists already"));

  import(10, 2);  // after the backup: gone once restored
  ASSERT_THAT(roost_.run({"export", "mbox", "alice@example.org", "-"}).out, HasSubstr("Subject: 11"));

  // The documented restore (no daemon runs in this test).
  fs::path data = roost_.data_dir();
  fs::remove(data / "roost.db-wal");
  fs::remove(data / "roost.db-shm");
  fs::copy_file(backup, data / "roost.db", fs::copy_options::overwrite_existing);

  Outcome verify = roost_.run({"verify"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("is sound: 1 accounts"));
  EXPECT_THAT(verify.out, HasSubstr("3 messages"));
  Outcome exported = roost_.run({"export", "mbox", "alice@example.org", "-"});
  EXPECT_THAT(exported.out, HasSubstr("Subject: 3"));
  EXPECT_THAT(exported.out, ::testing::Not(HasSubstr("Subject: 10")));
  EXPECT_THAT(exported.err, HasSubstr("exported 3 messages"));
}

TEST_F(RoostctlBackup, BackupIntoAMissingDirectoryIsRefused) {
  Outcome r = roost_.run({"backup", (roost_.dir() / "no" / "such" / "b.db").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot write"));
}

TEST_F(RoostctlBackup, VerifyOfAHealthyStoreExitsZero) {
  import(1, 5);
  Outcome r = roost_.run({"verify"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("5 messages in 5 blobs, 0 queue entries"));
}

TEST_F(RoostctlBackup, VerifyListsEachProblemAndExitsOne) {
  import(1, 3);
  damage("UPDATE accounts SET used_bytes = used_bytes + 100");
  damage("UPDATE messages SET size = 1 WHERE uid = 2");
  Outcome r = roost_.run({"verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("account alice@example.org: used quota is"));
  EXPECT_THAT(r.out, HasSubstr("uid 2): size = 1 but its blob holds"));
  EXPECT_THAT(r.err, StartsWith("roostctl: "));
  EXPECT_THAT(r.err, HasSubstr("found 2 problems"));
}

TEST_F(RoostctlBackup, OperationsCommandsHaveHelpAndUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"import", "--help"}, {"import", "maildir", "--help"}, {"import", "mbox", "--help"},
           {"export", "--help"}, {"export", "mbox", "--help"}, {"backup", "--help"},
           {"verify", "--help"}, {"status", "--help"}}) {
    Outcome r = roost_.run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1];
    EXPECT_THAT(r.out, HasSubstr("Usage:")) << args[0] << " " << args[1];
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"import"}, {"import", "maildir", "/tmp"}, {"import", "mbox"}, {"export", "mbox", "alice@example.org"},
           {"backup"}, {"verify", "extra"}, {"status", "--timeout"}}) {
    Outcome r = roost_.run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
  }
}

}  // namespace
}  // namespace roost::admin::test
