// roostctl domain add|list|remove: the mail domains this server receives for.
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "admin/table.h"
#include "storage/accounts.h"

namespace roost::admin {
namespace {

struct DomainArgs {
  std::string name;
  bool force = false;
};

Status domain_add(const Cli& cli, const DomainArgs& args) {
  auto name = normalize_domain_arg(args.name);
  if (!name) return fail(name.error());
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto added = s.write<std::int64_t>([&](store::WriteCtx& w) { return store::add_domain(w, *name); });
  if (!added) {
    if (added.error() == store::StoreError::exists) {
      return fail(fmt::format("domain {} exists already; see 'roostctl domain list'", *name));
    }
    return fail(s.describe(added.error()));
  }
  std::printf("Added domain %s.\n", name->c_str());
  std::printf("Next: add its users with 'roostctl user add USER@%s' and point its MX record at %s.\n",
              name->c_str(), s.settings().hostname.c_str());
  return {};
}

Status domain_list(const Cli& cli) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto domains = store::list_domains(s.db());
  if (!domains) return fail(s.describe(domains.error()));
  auto accounts = store::list_accounts(s.db());
  if (!accounts) return fail(s.describe(accounts.error()));
  auto aliases = store::list_aliases(s.db());
  if (!aliases) return fail(s.describe(aliases.error()));
  std::map<std::string, std::size_t> account_count;
  for (const auto& a : *accounts) ++account_count[a.domain];
  std::map<std::string, std::size_t> alias_count;
  for (const auto& a : *aliases) {
    auto at = a.source.rfind('@');
    ++alias_count[at == std::string::npos ? a.source : a.source.substr(at + 1)];
  }
  if (domains->empty()) {
    std::printf("No domains yet: add one with 'roostctl domain add example.org'.\n");
    return {};
  }
  Table table({"DOMAIN", "ACCOUNTS", "ALIASES"});
  for (const auto& d : *domains) {
    table.add({d.name, std::to_string(account_count[d.name]), std::to_string(alias_count[d.name])});
  }
  table.print(stdout);
  return {};
}

Status domain_remove(const Cli& cli, const DomainArgs& args) {
  auto name = normalize_domain_arg(args.name);
  if (!name) return fail(name.error());
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto found = store::find_domain(s.db(), *name);
  if (!found) {
    if (found.error() == store::StoreError::not_found) {
      return fail(fmt::format("there is no domain {}; see 'roostctl domain list'", *name));
    }
    return fail(s.describe(found.error()));
  }
  auto accounts = store::list_accounts(s.db(), *name);
  if (!accounts) return fail(s.describe(accounts.error()));
  if (!accounts->empty() && !args.force) {
    return fail(fmt::format(
        "domain {} still has {} account(s); removing it deletes them and all their mail: run again with "
        "--force to do so",
        *name, accounts->size()));
  }
  auto removed = s.write_void([&](store::WriteCtx& w) { return store::remove_domain(w, *name); });
  if (!removed) {
    if (removed.error() == store::StoreError::not_found) {
      return fail(fmt::format("there is no domain {}; see 'roostctl domain list'", *name));
    }
    return fail(s.describe(removed.error()));
  }
  if (accounts->empty()) {
    std::printf("Removed domain %s.\n", name->c_str());
  } else {
    std::printf("Removed domain %s with its %zu account(s), their mail and its aliases.\n", name->c_str(),
                accounts->size());
  }
  return {};
}

}  // namespace

void add_domain_commands(CLI::App& app, Cli& cli) {
  auto* domain = app.add_subcommand("domain", "Domains this server receives mail for");
  domain->require_subcommand(1);
  auto& args = cli.keep<DomainArgs>();

  auto* add = domain->add_subcommand("add", "Add a domain (IDNs are stored as A-labels)");
  add->add_option("domain", args.name, "The domain, e.g. example.org")->required();
  add_common_options(*add, cli);
  add->callback([&cli, &args] { cli.action = [&cli, &args] { return domain_add(cli, args); }; });

  auto* list = domain->add_subcommand("list", "List the domains with their numbers of accounts and aliases");
  add_common_options(*list, cli);
  list->callback([&cli] { cli.action = [&cli] { return domain_list(cli); }; });

  auto* remove = domain->add_subcommand("remove", "Remove a domain");
  remove->add_option("domain", args.name, "The domain to remove")->required();
  remove->add_flag("--force", args.force, "Also delete its accounts, their mail and its aliases");
  add_common_options(*remove, cli);
  remove->callback([&cli, &args] { cli.action = [&cli, &args] { return domain_remove(cli, args); }; });
}

}  // namespace roost::admin
