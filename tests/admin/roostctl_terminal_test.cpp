// roostctl at a terminal: passwords are asked twice with echo off (so they never show in the
// terminal's output), a mismatch changes nothing, and an empty answer generates one. Runs the real
// binary on a pseudo-terminal.
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/admin/roostctl_runner.h"

namespace roost::admin::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// roostctl on a pseudo-terminal: everything it writes to the terminal lands in transcript().
class TerminalRun {
 public:
  TerminalRun(const std::vector<std::string>& args, const std::string& config) {
    std::vector<std::string> argv_strings{kRoostctl};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto argv = c_strings(argv_strings);
    auto env_strings = child_environment(config);
    auto envp = c_strings(env_strings);
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
      ::execve(kRoostctl, argv.data(), envp.data());
      ::_exit(127);
    }
  }
  ~TerminalRun() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }

  // Reads until the output since the last call holds `needle`; false on timeout or end of output.
  bool wait_for(const std::string& needle, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (transcript_.find(needle, seen_) == std::string::npos) {
      if (!read_some(deadline)) return false;
    }
    seen_ = transcript_.find(needle, seen_) + needle.size();
    return true;
  }
  void type(const std::string& text) { ASSERT_EQ(::write(master_, text.data(), text.size()), ssize_t(text.size())); }
  // Reads to the end and returns the exit code (-1 on timeout or signal).
  int finish(int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (read_some(deadline)) {
    }
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      ::usleep(2000);
    }
    return -1;
  }
  const std::string& transcript() const { return transcript_; }

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO once the child has closed the terminal
    transcript_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  std::string transcript_;
  std::size_t seen_ = 0;
};

class RoostctlTerminal : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(roost_.run({"domain", "add", "example.org"}).exit_code, 0); }
  Installation roost_;
};

TEST_F(RoostctlTerminal, UserAddAsksTwiceWithEchoOff) {
  TerminalRun t({"user", "add", "alice@example.org"}, roost_.config());
  ASSERT_TRUE(t.wait_for("Password for alice@example.org")) << t.transcript();
  t.type("typed at the terminal 1\n");
  ASSERT_TRUE(t.wait_for("Repeat the password")) << t.transcript();
  t.type("typed at the terminal 1\n");
  EXPECT_EQ(t.finish(), 0) << t.transcript();
  EXPECT_THAT(t.transcript(), HasSubstr("Added user alice@example.org"));
  EXPECT_THAT(t.transcript(), Not(HasSubstr("typed at"))) << "the password was echoed";
  EXPECT_TRUE(roost_.password_matches("alice@example.org", "typed at the terminal 1"));
}

TEST_F(RoostctlTerminal, DifferentAnswersChangeNothing) {
  TerminalRun t({"user", "add", "alice@example.org"}, roost_.config());
  ASSERT_TRUE(t.wait_for("Password for")) << t.transcript();
  t.type("first answer here\n");
  ASSERT_TRUE(t.wait_for("Repeat")) << t.transcript();
  t.type("second answer here\n");
  EXPECT_EQ(t.finish(), 1);
  EXPECT_THAT(t.transcript(), HasSubstr("roostctl: the two passwords differ"));
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

TEST_F(RoostctlTerminal, AnEmptyAnswerGeneratesAPassword) {
  TerminalRun t({"user", "add", "alice@example.org"}, roost_.config());
  ASSERT_TRUE(t.wait_for("empty: generate one")) << t.transcript();
  t.type("\n");
  EXPECT_EQ(t.finish(), 0) << t.transcript();
  std::smatch m;
  std::string transcript = t.transcript();
  ASSERT_TRUE(std::regex_search(transcript, m, std::regex("Generated password for alice@example.org .*: (\\S+)")))
      << transcript;
  EXPECT_TRUE(roost_.password_matches("alice@example.org", m[1]));
}

TEST_F(RoostctlTerminal, UserPasswdAsksAtTheTerminal) {
  ASSERT_EQ(roost_.run({"user", "add", "alice@example.org", "--password-stdin"}, "the old password\n").exit_code, 0);
  TerminalRun t({"user", "passwd", "alice@example.org"}, roost_.config());
  ASSERT_TRUE(t.wait_for("New password for alice@example.org")) << t.transcript();
  t.type("the new password\n");
  ASSERT_TRUE(t.wait_for("Repeat")) << t.transcript();
  t.type("the new password\n");
  EXPECT_EQ(t.finish(), 0) << t.transcript();
  EXPECT_THAT(t.transcript(), Not(HasSubstr("the new password")));
  EXPECT_TRUE(roost_.password_matches("alice@example.org", "the new password"));
}

TEST_F(RoostctlTerminal, EndOfInputAtThePromptChangesNothing) {
  TerminalRun t({"user", "add", "alice@example.org"}, roost_.config());
  ASSERT_TRUE(t.wait_for("Password for")) << t.transcript();
  t.type("\x04");  // ^D: end of input on a terminal in canonical mode
  EXPECT_EQ(t.finish(), 1) << t.transcript();
  EXPECT_THAT(t.transcript(), HasSubstr("no password was entered"));
  EXPECT_THAT(roost_.run({"user", "list"}).out, HasSubstr("No users"));
}

}  // namespace
}  // namespace roost::admin::test
