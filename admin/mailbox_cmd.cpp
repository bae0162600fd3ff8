// roostctl mailbox list USER: an account's mailboxes with their special use, message counts, sizes
// and subscriptions.
#include <algorithm>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "admin/table.h"
#include "storage/accounts.h"
#include "storage/mailboxes.h"

namespace roost::admin {
namespace {

struct MailboxArgs {
  std::string address;
};

Status mailbox_list(const Cli& cli, const MailboxArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.address);
  if (!account) return fail(account.error());
  auto mailboxes = store::list_mailboxes(s.db(), account->id);
  if (!mailboxes) return fail(s.describe(mailboxes.error()));
  // INBOX first, the rest in the store's order (by name).
  std::stable_partition(mailboxes->begin(), mailboxes->end(),
                        [](const store::Mailbox& m) { return m.name == "INBOX"; });
  Table table({"MAILBOX", "SPECIAL-USE", "MESSAGES", "UNSEEN", "SIZE", "SUBSCRIBED"});
  for (const auto& m : *mailboxes) {
    if (m.noselect) {
      table.add({m.name, "(no messages: parent only)", "-", "-", "-", m.subscribed ? "yes" : "no"});
      continue;
    }
    auto status = store::mailbox_status(s.db(), m.id);
    if (!status) return fail(s.describe(status.error()));
    table.add({m.name, m.special_use.empty() ? "-" : m.special_use, std::to_string(status->messages),
               std::to_string(status->unseen), format_size(status->size), m.subscribed ? "yes" : "no"});
  }
  table.print(stdout);
  return {};
}

}  // namespace

void add_mailbox_commands(CLI::App& app, Cli& cli) {
  auto* mailbox = app.add_subcommand("mailbox", "An account's mailboxes (folders)");
  mailbox->require_subcommand(1);
  auto& args = cli.keep<MailboxArgs>();

  auto* list = mailbox->add_subcommand("list", "List an account's mailboxes with message counts and sizes");
  list->add_option("user", args.address, "The account's address, e.g. alice@example.org")->required();
  add_common_options(*list, cli);
  list->callback([&cli, &args] { cli.action = [&cli, &args] { return mailbox_list(cli, args); }; });
}

}  // namespace roost::admin
