// What every roostctl command shares: the parsed command line (Cli), the exit codes, and the
// functions that add each command group to the CLI11 app.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace CLI {
class App;
}

namespace roost::admin {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUserError = 1;  // a sentence on stderr says what to do
inline constexpr int kExitUsage = 2;      // bad arguments: CLI11's message

// The parsed command line. Options write into storage kept here; the chosen subcommand sets
// `action`, which runs once parsing has finished (so options given after the subcommand count).
class Cli {
 public:
  std::string config_file;  // --config; empty = $ROOST_CONFIG, else /etc/roost/roost.toml
  bool verbose = false;     // -v: log at the config's level instead of warnings only
  std::function<Status()> action;

  // Storage for a command's arguments that lives as long as the Cli. Held as shared_ptr<void>
  // only to erase the type; nothing else shares it.
  template <typename T>
  T& keep() {
    auto p = std::make_shared<T>();
    kept_.push_back(p);
    return *p;
  }

 private:
  std::vector<std::shared_ptr<void>> kept_;
};

// Adds --config and -v to a subcommand (they are accepted on every leaf command).
void add_common_options(CLI::App& sub, Cli& cli);

void add_init_command(CLI::App& app, Cli& cli);
void add_domain_commands(CLI::App& app, Cli& cli);
void add_user_commands(CLI::App& app, Cli& cli);
void add_alias_commands(CLI::App& app, Cli& cli);
void add_mailbox_commands(CLI::App& app, Cli& cli);
void add_dkim_commands(CLI::App& app, Cli& cli);
void add_dns_command(CLI::App& app, Cli& cli);
void add_import_commands(CLI::App& app, Cli& cli);
void add_export_commands(CLI::App& app, Cli& cli);
void add_backup_command(CLI::App& app, Cli& cli);
void add_verify_command(CLI::App& app, Cli& cli);
void add_status_command(CLI::App& app, Cli& cli);

// Builds the app with every command group; main() parses and runs it (see run_cli).
void add_all_commands(CLI::App& app, Cli& cli);
// Parses argv, runs the chosen command, prints errors; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace roost::admin
