// The command line every Roost daemon takes, and its --help text in the shape of a man page:
//   roost-<name> [--config FILE] [--help]
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roost {

struct DaemonHelp {
  std::string_view name;         // "roost-smtpd"
  std::string_view summary;      // one line: what the daemon is
  std::string_view description;  // what it serves, which config section and keys matter
};

// The config file path (explicit, else $ROOST_CONFIG, else /etc/roost/roost.toml), or the exit
// code when the daemon must not start: 0 after --help (printed to stdout), 2 after a usage error
// (printed to stderr).
struct DaemonArgs {
  std::optional<std::string> config_file;
  int exit_code = 0;
};
DaemonArgs parse_daemon_args(int argc, char** argv, const DaemonHelp& help);

// The --help text.
std::string daemon_help_text(const DaemonHelp& help);

}  // namespace roost
