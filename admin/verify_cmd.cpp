// roostctl verify: the store's integrity check (storage/verify.h) on one snapshot, safe while the
// daemons run. Exit 0 with a summary when all is well, 1 with one line per problem otherwise.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/cli.h"
#include "admin/session.h"
#include "storage/db.h"
#include "storage/verify.h"

namespace roost::admin {
namespace {

Status verify(const Cli& cli) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  // One read transaction: every check sees the same snapshot.
  auto report = store::with_retry(s.options(), [&]() -> store::StoreResult<store::VerifyReport> {
    auto txn = store::Txn::begin(s.db(), store::Txn::Kind::read);
    if (!txn.ok()) return fail(txn.error());
    return store::verify_store(s.db());
  });
  if (!report.ok()) return fail(s.describe(report.error()));
  if (!report->clean()) {
    for (const auto& problem : report->problems) std::printf("%s\n", problem.c_str());
    if (report->unlisted_problems) {
      std::printf("... and %zu more problems\n", report->unlisted_problems);
    }
    std::size_t total = report->problems.size() + report->unlisted_problems;
    return fail(fmt::format("{} found {} problem{}", s.options().db_path, total, total == 1 ? "" : "s"));
  }
  std::printf("%s is sound: %lld accounts, %lld mailboxes, %lld messages in %lld blobs, %lld queue entries\n",
              s.options().db_path.c_str(), static_cast<long long>(report->accounts),
              static_cast<long long>(report->mailboxes), static_cast<long long>(report->messages),
              static_cast<long long>(report->blobs), static_cast<long long>(report->queue_entries));
  return {};
}

}  // namespace

void add_verify_command(CLI::App& app, Cli& cli) {
  auto* sub = app.add_subcommand("verify", "Check the store's integrity (safe while the daemons run)");
  sub->footer(
      "Checks SQLite's integrity and foreign keys, blob reference counts, message sizes, UIDs below UIDNEXT, "
      "modseqs and quota sums. Exit 0 with a summary, or 1 with one line per problem.");
  add_common_options(*sub, cli);
  sub->callback([&cli] { cli.action = [&cli] { return verify(cli); }; });
}

}  // namespace roost::admin
