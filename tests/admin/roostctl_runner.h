// Runs the real roostctl binary for the admin tests: a temporary directory with a config and data
// dir made by `roostctl init` (cheap Argon2 parameters), ROOST_CONFIG pointing at it, stdin from a
// string, stdout/stderr captured, and a time bound on every run.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/options.h"
#include "storage/passwords.h"

namespace roost::admin::test {

inline constexpr const char* kRoostctl = ROOST_BINARY_DIR "/admin/roostctl";

struct Outcome {
  int exit_code = -1;  // -1 when killed (timeout or signal)
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_text;
  // ROOST_CONFIG for the child; nullopt = unset.
  std::optional<std::string> roost_config;
  int timeout_ms = 20000;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// The child's environment: ours without ROOST_CONFIG, plus the one asked for.
inline std::vector<std::string> child_environment(const std::optional<std::string>& roost_config) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).starts_with("ROOST_CONFIG=")) continue;
    env.emplace_back(*e);
  }
  if (roost_config) env.push_back("ROOST_CONFIG=" + *roost_config);
  return env;
}

inline std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs roostctl with `args` (argv[0] is added); stdin is a file holding opts.stdin_text, stdout and
// stderr go to files in `scratch`.
inline Outcome run_roostctl(const std::vector<std::string>& args, const RunOptions& opts,
                        const std::filesystem::path& scratch) {
  static int counter = 0;
  std::string base = (scratch / ("run" + std::to_string(++counter))).string();
  std::string in_path = base + ".in", out_path = base + ".out", err_path = base + ".err";
  write_file(in_path, opts.stdin_text);

  std::vector<std::string> argv_strings{kRoostctl};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = c_strings(argv_strings);
  auto env_strings = child_environment(opts.roost_config);
  auto envp = c_strings(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, kRoostctl, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + std::string(kRoostctl));

  Outcome run;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts.timeout_ms);
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  std::filesystem::remove(in_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return run;
}

// A temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "roostctl-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Replaces the first `from` in the file with `to`; false when absent.
inline bool edit_file(const std::filesystem::path& path, std::string_view from, std::string_view to) {
  std::string text = read_file(path);
  auto at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  write_file(path, text);
  return true;
}

// A Roost set up in a temporary directory: <dir>/roost.toml and <dir>/data, Argon2 at t=1, m=64 KiB
// (so a test run hashes in microseconds).
class Installation {
 public:
  Installation() {
    Outcome init = run({"init", "--config", config(), "--data-dir", data_dir().string(), "--hostname", "mail.test"});
    if (init.exit_code != 0) throw std::runtime_error("roostctl init failed: " + init.err);
    if (!edit_file(config(), "# argon2_time_cost = 2", "argon2_time_cost = 1") ||
        !edit_file(config(), "# argon2_memory_kib = 19456", "argon2_memory_kib = 64")) {
      throw std::runtime_error("the config written by init has no argon2 keys to edit");
    }
  }
  std::filesystem::path dir() const { return tmp_.path(); }
  std::string config() const { return (tmp_.path() / "roost.toml").string(); }
  std::filesystem::path data_dir() const { return tmp_.path() / "data"; }
  std::string db_path() const { return (data_dir() / "roost.db").string(); }

  // Runs roostctl with ROOST_CONFIG set to this installation's config.
  Outcome run(const std::vector<std::string>& args, std::string stdin_text = {}) const {
    RunOptions opts;
    opts.stdin_text = std::move(stdin_text);
    opts.roost_config = config();
    return run_roostctl(args, opts, tmp_.path());
  }
  // Runs roostctl without ROOST_CONFIG (for --config and missing-config tests).
  Outcome run_without_env(const std::vector<std::string>& args) const {
    return run_roostctl(args, RunOptions{}, tmp_.path());
  }

  // Every byte of every file under the data directory (database, WAL...), concatenated.
  std::string data_bytes() const {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir())) {
      if (entry.is_regular_file()) all += read_file(entry.path());
    }
    return all;
  }

  // The stored PHC hash of an account ("" if absent).
  std::string stored_hash(const std::string& address) const {
    store::StoreOptions options;
    options.db_path = db_path();
    auto db = store::Db::open(options);
    if (!db.ok()) return {};
    auto account = store::find_account(**db, address);
    return account.ok() ? account->password_hash : std::string();
  }
  // True when `password` verifies against the stored hash of `address`.
  bool password_matches(const std::string& address, const std::string& password) const {
    std::string phc = stored_hash(address);
    return !phc.empty() && store::verify_password(password, phc);
  }

 private:
  TempDir tmp_;
};

}  // namespace roost::admin::test
