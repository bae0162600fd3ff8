#include "common/base/daemon_args.h"

#include <cstdio>

#include <fmt/format.h>

#include "common/base/config.h"

namespace roost {

std::string daemon_help_text(const DaemonHelp& help) {
  return fmt::format(
      "NAME\n"
      "  {0} - {1}\n\n"
      "SYNOPSIS\n"
      "  {0} [--config FILE]\n\n"
      "DESCRIPTION\n"
      "{2}\n\n"
      "OPTIONS\n"
      "  -c, --config FILE  the config file (default: $ROOST_CONFIG, else /etc/roost/roost.toml)\n"
      "  -h, --help         this text\n\n"
      "SIGNALS\n"
      "  SIGTERM, SIGINT    stop: listeners close, open sessions get limits.shutdown_grace to finish\n"
      "  SIGHUP             load the TLS certificate and key again (a failed load keeps the old ones)\n\n"
      "ENVIRONMENT\n"
      "  ROOST_CONFIG       the config file when --config is not given\n"
      "  NOTIFY_SOCKET      set by systemd for Type=notify units: READY=1, RELOADING=1, STOPPING=1 go there\n\n"
      "EXIT STATUS\n"
      "  0 after a stop, 1 when the config, the store, the certificate or a listener fails at start-up\n"
      "  (the log line says which), 2 for a bad command line.\n\n"
      "Logs go to stderr, one key=value line per event. `roostctl init` writes a config with every key,\n"
      "its default and its meaning.\n",
      help.name, help.summary, help.description);
}

DaemonArgs parse_daemon_args(int argc, char** argv, const DaemonHelp& help) {
  std::string explicit_path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(daemon_help_text(help).c_str(), stdout);
      return {std::nullopt, 0};
    }
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      explicit_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      explicit_path = std::string(arg.substr(9));
    } else {
      std::fprintf(stderr, "%.*s: unknown argument %.*s\nusage: %.*s [--config FILE] (--help for more)\n",
                   static_cast<int>(help.name.size()), help.name.data(), static_cast<int>(arg.size()), arg.data(),
                   static_cast<int>(help.name.size()), help.name.data());
      return {std::nullopt, 2};
    }
  }
  return {config_path(explicit_path), 0};
}

}  // namespace roost
