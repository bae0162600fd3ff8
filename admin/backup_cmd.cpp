// roostctl backup DEST: an online, consistent copy of the store while the daemons keep running
// (storage/backup.h), into a new file of mode 0600 that has passed SQLite's integrity check.
// Restoring: stop the daemons, copy the file to <data_dir>/roost.db, remove roost.db-wal and
// roost.db-shm, start the daemons.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/progress.h"
#include "admin/session.h"
#include "storage/backup.h"

namespace roost::admin {
namespace {

struct BackupArgs {
  std::string dest;
};

Status backup(const Cli& cli, const BackupArgs& args) {
  // Opening the session checks the config and brings the schema up to date first, so the copy is
  // of a store this roostctl understands.
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  const auto& options = (*session)->options();
  Progress progress("pages");
  store::BackupOptions backup_options;
  backup_options.progress = [&progress](std::int64_t copied, std::int64_t) { progress.update(copied); };
  auto report = store::backup_database(options, args.dest, backup_options);
  progress.finish();
  if (!report.ok()) {
    switch (report.error()) {
      case store::StoreError::exists:
        return fail(fmt::format("{} exists already; a backup never overwrites a file, give a new name", args.dest));
      case store::StoreError::io:
        return fail(fmt::format("cannot write {} (check that its directory exists, the permissions and the free "
                                "space)",
                                args.dest));
      case store::StoreError::corrupt:
        return fail(fmt::format("the copy failed its integrity check and was removed; run 'roostctl verify' on "
                                "the store"));
      default:
        return fail((*session)->describe(report.error()));
    }
  }
  std::printf("backed up %s to %s (%s, integrity check ok)\n", options.db_path.c_str(), args.dest.c_str(),
              format_size(report->bytes).c_str());
  return {};
}

}  // namespace

void add_backup_command(CLI::App& app, Cli& cli) {
  auto& args = cli.keep<BackupArgs>();
  auto* sub = app.add_subcommand("backup", "Copy the store into a new file while the daemons run");
  sub->footer(
      "The copy is one consistent snapshot, mode 0600, checked with PRAGMA integrity_check; an existing file is "
      "never overwritten. To restore: stop the daemons, copy the file to <data_dir>/roost.db, remove "
      "roost.db-wal and roost.db-shm, run 'roostctl verify', start the daemons.");
  sub->add_option("dest", args.dest, "The new backup file (never overwritten)")->required();
  add_common_options(*sub, cli);
  sub->callback([&cli, &args] { cli.action = [&cli, &args] { return backup(cli, args); }; });
}

}  // namespace roost::admin
