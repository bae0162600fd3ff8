// roostctl alias add|list|remove: addresses that forward to accounts or elsewhere, and catch-alls
// ("@example.org").
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "admin/table.h"
#include "storage/accounts.h"

namespace roost::admin {
namespace {

struct AliasArgs {
  std::string source;
  std::vector<std::string> targets;
  std::string target;
  std::string domain;
};

std::string domain_not_served(const std::string& domain) {
  return fmt::format("domain {} is not served here: add it first with 'roostctl domain add {}'", domain, domain);
}

Status alias_add(const Cli& cli, const AliasArgs& args) {
  auto source = parse_local_address(args.source, true);
  if (!source) return fail(source.error());
  std::vector<std::string> targets;
  for (const auto& t : args.targets) {
    auto target = parse_target_address(t);
    if (!target) return fail(target.error());
    targets.push_back(target->full());
  }
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  const std::string from = source->full();
  // Which target the write stopped at, to name it in the error.
  std::size_t at = 0;
  auto done = s.write_void([&](store::WriteCtx& w) -> store::StoreResult<void> {
    for (at = 0; at < targets.size(); ++at) {
      if (auto st = store::add_alias(w, from, targets[at]); !st) return st;
    }
    return {};
  });
  if (!done) {
    switch (done.error()) {
      case store::StoreError::exists:
        return fail(fmt::format("{} already forwards to {}; nothing was added", from, targets[at]));
      case store::StoreError::not_found:
        return fail(domain_not_served(source->domain));
      case store::StoreError::invalid:
        return fail(fmt::format("the store refused the alias {} -> {} (too long or a bad character)", from,
                                targets[at]));
      default:
        return fail(s.describe(done.error()));
    }
  }
  std::string what = source->local.empty() ? fmt::format("Mail to any unknown address of {}", source->domain)
                                           : fmt::format("Mail to {}", from);
  std::string to;
  for (const auto& t : targets) to += (to.empty() ? "" : ", ") + t;
  std::printf("%s now goes to %s.\n", what.c_str(), to.c_str());
  return {};
}

Status alias_list(const Cli& cli, const AliasArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto filter = s.domain_filter(args.domain);
  if (!filter) return fail(filter.error());
  const std::string& domain = *filter;
  auto aliases = store::list_aliases(s.db(), domain);
  if (!aliases) return fail(s.describe(aliases.error()));
  if (aliases->empty()) {
    std::printf("No aliases yet: add one with 'roostctl alias add postmaster@%s alice@%s'.\n",
                domain.empty() ? "example.org" : domain.c_str(), domain.empty() ? "example.org" : domain.c_str());
    return {};
  }
  Table table({"ALIAS", "TARGET"});
  for (const auto& a : *aliases) {
    table.add({a.source.starts_with('@') ? a.source + " (catch-all)" : a.source, a.target});
  }
  table.print(stdout);
  return {};
}

Status alias_remove(const Cli& cli, const AliasArgs& args) {
  auto source = parse_local_address(args.source, true);
  if (!source) return fail(source.error());
  std::string target;
  if (!args.target.empty()) {
    auto t = parse_target_address(args.target);
    if (!t) return fail(t.error());
    target = t->full();
  }
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  const std::string from = source->full();
  auto done = s.write_void([&](store::WriteCtx& w) { return store::remove_alias(w, from, target); });
  if (!done) {
    if (done.error() == store::StoreError::not_found) {
      if (target.empty()) return fail(fmt::format("there is no alias {}; see 'roostctl alias list'", from));
      return fail(fmt::format("{} does not forward to {}; see 'roostctl alias list'", from, target));
    }
    return fail(s.describe(done.error()));
  }
  if (target.empty()) {
    std::printf("Removed the alias %s.\n", from.c_str());
  } else {
    std::printf("%s no longer forwards to %s.\n", from.c_str(), target.c_str());
  }
  return {};
}

}  // namespace

void add_alias_commands(CLI::App& app, Cli& cli) {
  auto* alias = app.add_subcommand("alias", "Addresses that forward mail, and catch-alls (@example.org)");
  alias->require_subcommand(1);
  auto& args = cli.keep<AliasArgs>();

  auto* add = alias->add_subcommand("add", "Forward mail for an address (or '@domain': any unknown one) to targets");
  add->add_option("alias", args.source, "The address, e.g. postmaster@example.org, or @example.org")->required();
  add->add_option("targets", args.targets, "Where the mail goes: local accounts or other addresses")->required();
  add_common_options(*add, cli);
  add->callback([&cli, &args] { cli.action = [&cli, &args] { return alias_add(cli, args); }; });

  auto* list = alias->add_subcommand("list", "List the aliases and where they forward to");
  list->add_option("domain", args.domain, "Only the aliases of this domain");
  add_common_options(*list, cli);
  list->callback([&cli, &args] { cli.action = [&cli, &args] { return alias_list(cli, args); }; });

  auto* remove = alias->add_subcommand("remove", "Remove an alias, or one of its targets");
  remove->add_option("alias", args.source, "The address, or @domain for the catch-all")->required();
  remove->add_option("target", args.target, "Only this target (default: all of them)");
  add_common_options(*remove, cli);
  remove->callback([&cli, &args] { cli.action = [&cli, &args] { return alias_remove(cli, args); }; });
}

}  // namespace roost::admin
