// The daemons' command line: --help in man-page shape, --config forms, usage errors.
#include "common/base/daemon_args.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace roost {
namespace {

const DaemonHelp kHelp{"roost-testd", "a test daemon", "  Serves nothing."};

DaemonArgs parse(std::vector<const char*> args) {
  args.insert(args.begin(), "roost-testd");
  return parse_daemon_args(static_cast<int>(args.size()), const_cast<char**>(args.data()), kHelp);
}

TEST(DaemonArgs, HelpHasEverySectionAndEndsTheRun) {
  std::string text = daemon_help_text(kHelp);
  for (const char* section : {"NAME\n  roost-testd - a test daemon", "SYNOPSIS", "DESCRIPTION\n  Serves nothing.",
                              "OPTIONS", "--config FILE", "SIGNALS", "SIGHUP", "ENVIRONMENT", "ROOST_CONFIG",
                              "EXIT STATUS"}) {
    EXPECT_NE(text.find(section), std::string::npos) << section;
  }
  testing::internal::CaptureStdout();
  DaemonArgs a = parse({"--help"});
  EXPECT_EQ(testing::internal::GetCapturedStdout(), text);
  EXPECT_FALSE(a.config_file.has_value());
  EXPECT_EQ(a.exit_code, 0);
}

TEST(DaemonArgs, ConfigFileInEveryForm) {
  EXPECT_EQ(parse({"--config", "/a.toml"}).config_file, "/a.toml");
  EXPECT_EQ(parse({"-c", "/b.toml"}).config_file, "/b.toml");
  EXPECT_EQ(parse({"--config=/c.toml"}).config_file, "/c.toml");
  ::setenv("ROOST_CONFIG", "/env.toml", 1);
  EXPECT_EQ(parse({}).config_file, "/env.toml");
  ::unsetenv("ROOST_CONFIG");
  EXPECT_EQ(parse({}).config_file, "/etc/roost/roost.toml");
}

TEST(DaemonArgs, UnknownArgumentIsAUsageError) {
  testing::internal::CaptureStderr();
  DaemonArgs a = parse({"--verbose"});
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(a.config_file.has_value());
  EXPECT_EQ(a.exit_code, 2);
  EXPECT_NE(err.find("unknown argument --verbose"), std::string::npos) << err;
  EXPECT_EQ(parse({"--config"}).exit_code, 2);  // FILE missing
}

}  // namespace
}  // namespace roost
