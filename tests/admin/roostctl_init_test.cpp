// roostctl init and how commands find the config: the files init writes and their modes, refusing to
// overwrite, --config / ROOST_CONFIG / the default path, and the sentences for a missing config or
// database. Runs the real binary in a temporary directory.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class RoostctlSetup : public ::testing::Test {
 protected:
  Installation roost_;
};

// --- init

TEST(RoostctlInit, WritesCommentedConfigPrivateDataDirAndDatabase) {
  TempDir tmp;
  std::string config = (tmp.path() / "etc/roost.toml").string();
  std::string data = (tmp.path() / "var/roost").string();
  Outcome r = run_roostctl({"init", "--config", config, "--data-dir", data, "--hostname", "Mail.Example.ORG"}, {},
                       tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, AllOf(HasSubstr("roostctl domain add"), HasSubstr("roostctl user add"),
                           HasSubstr("ROOST_CONFIG=" + config)));
  std::string text = read_file(config);
  EXPECT_THAT(text, AllOf(HasSubstr("hostname = \"mail.example.org\""), HasSubstr("data_dir = \"" + data + "\""),
                          HasSubstr("# argon2_time_cost = 2"), HasSubstr("[auth]")));
  struct stat st {};
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((data + "/roost.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "the database is readable by others";
  ASSERT_EQ(::stat(config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  // The config it wrote is one the other commands accept.
  Outcome list = run_roostctl({"domain", "list", "--config", config}, {}, tmp.path());
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

TEST(RoostctlInit, UsesRoostConfigFromTheEnvironment) {
  TempDir tmp;
  std::string config = (tmp.path() / "roost.toml").string();
  RunOptions opts;
  opts.roost_config = config;
  Outcome r = run_roostctl({"init", "--data-dir", (tmp.path() / "data").string()}, opts, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(config));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "data/roost.db"));
}

TEST_F(RoostctlSetup, InitRefusesToOverwriteAnExistingConfig) {
  std::string before = read_file(roost_.config());
  Outcome r = roost_.run({"init", "--data-dir", (roost_.dir() / "other").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("roostctl: "), HasSubstr("exists already"), HasSubstr("--force")));
  EXPECT_EQ(read_file(roost_.config()), before);
  EXPECT_FALSE(std::filesystem::exists(roost_.dir() / "other"));
}

TEST_F(RoostctlSetup, InitForceRewritesTheConfigAndKeepsTheDatabase) {
  ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0);
  Outcome r = roost_.run({"init", "--force", "--data-dir", roost_.data_dir().string(), "--hostname", "mx.test"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("kept"));
  EXPECT_THAT(read_file(roost_.config()), HasSubstr("hostname = \"mx.test\""));
  EXPECT_THAT(roost_.run({"domain", "list"}).out, HasSubstr("example.org"));
}

TEST_F(RoostctlSetup, InitMakesAnExistingDataDirPrivate) {
  TempDir tmp;
  std::string data = (tmp.path() / "data").string();
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(data.c_str(), 0755), 0);
  Outcome r = run_roostctl({"init", "--config", (tmp.path() / "r.toml").string(), "--data-dir", data}, {}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(RoostctlSetup, InitRejectsABadHostname) {
  TempDir tmp;
  Outcome r = run_roostctl({"init", "--config", (tmp.path() / "r.toml").string(), "--hostname", "bad host!"}, {},
                       tmp.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--hostname"));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "r.toml"));
}

// --- finding the config

TEST_F(RoostctlSetup, MissingConfigTellsToRunInit) {
  RunOptions opts;
  opts.roost_config = (roost_.dir() / "nowhere.toml").string();
  Outcome r = run_roostctl({"domain", "list"}, opts, roost_.dir());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("roostctl: "), HasSubstr("nowhere.toml"), HasSubstr("roostctl init")));
  EXPECT_EQ(r.out, "");
}

TEST_F(RoostctlSetup, WithoutConfigOrEnvironmentTheDefaultPathIsNamed) {
  if (std::filesystem::exists("/etc/roost/roost.toml")) GTEST_SKIP() << "this machine has a Roost config";
  Outcome r = roost_.run_without_env({"user", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("/etc/roost/roost.toml"), HasSubstr("roostctl init"), HasSubstr("ROOST_CONFIG")));
}

TEST_F(RoostctlSetup, ConfigOptionWinsOverTheEnvironment) {
  RunOptions opts;
  opts.roost_config = (roost_.dir() / "nowhere.toml").string();
  Outcome r = run_roostctl({"domain", "add", "example.org", "--config", roost_.config()}, opts, roost_.dir());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Before the command or after it, without ROOST_CONFIG.
  Outcome before = roost_.run_without_env({"--config", roost_.config(), "domain", "list"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(before.out, HasSubstr("example.org"));
  Outcome after = roost_.run_without_env({"domain", "list", "-c", roost_.config()});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, HasSubstr("example.org"));
}

TEST_F(RoostctlSetup, MissingDatabaseTellsToRunInit) {
  std::filesystem::remove_all(roost_.data_dir());
  Outcome r = roost_.run({"user", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("no database"), HasSubstr("roostctl init")));
  EXPECT_FALSE(std::filesystem::exists(roost_.data_dir())) << "a read command must not create the data dir";
}

TEST_F(RoostctlSetup, BadConfigValueIsNamed) {
  ASSERT_TRUE(edit_file(roost_.config(), "argon2_time_cost = 1", "argon2_time_cost = 0"));
  Outcome r = roost_.run({"domain", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("roostctl: "), HasSubstr("argon2_time_cost")));
}

}  // namespace
}  // namespace roost::admin::test
