// The roostctl command line: the CLI11 app with every command group, parsing, running the chosen
// command and turning its outcome into a message and an exit code.
#include "admin/cli.h"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "common/base/log.h"

namespace roost::admin {

void add_common_options(CLI::App& sub, Cli& cli) {
  sub.add_option("-c,--config", cli.config_file,
                 "Config file (default: $ROOST_CONFIG, else /etc/roost/roost.toml)")
      ->type_name("FILE");
  sub.add_flag("-v,--verbose", cli.verbose, "Log what the store does (to stderr)");
}

void add_all_commands(CLI::App& app, Cli& cli) {
  app.require_subcommand(1);
  add_common_options(app, cli);  // so `roostctl --config F user list` works too
  app.footer("Every command takes --help. Exit codes: 0 done, 1 refused (the message says why), 2 bad usage.");
  add_init_command(app, cli);
  add_domain_commands(app, cli);
  add_user_commands(app, cli);
  add_alias_commands(app, cli);
  add_mailbox_commands(app, cli);
  add_dkim_commands(app, cli);
  add_dns_command(app, cli);
  add_import_commands(app, cli);
  add_export_commands(app, cli);
  add_backup_command(app, cli);
  add_verify_command(app, cli);
  add_status_command(app, cli);
}

int run_cli(int argc, char** argv) {
  log::set_daemon("roostctl");
  log::set_level(log::Level::warn);

  Cli cli;
  CLI::App app("roostctl: manage a Roost mail server (domains, users, aliases, mailboxes)", "roostctl");
  add_all_commands(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (cli.verbose) log::set_level(log::Level::debug);
  if (!cli.action) {
    std::fputs(app.help().c_str(), stderr);
    return kExitUsage;
  }
  Status st = cli.action();
  if (!st) {
    std::fprintf(stderr, "roostctl: %s\n", st.error().message.c_str());
    return kExitUserError;
  }
  return kExitOk;
}

}  // namespace roost::admin
