// roostctl dkim keygen|list|show|activate: the DKIM signing keys of the local domains, kept under
// <data_dir>/dkim (see common/dkim/key_store.h), and the TXT records that publish them.
#include <cstdio>
#include <ctime>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "admin/table.h"
#include "common/dkim/dns_record.h"
#include "common/dkim/key_store.h"
#include "storage/accounts.h"

namespace roost::admin {
namespace {

struct DkimArgs {
  std::string domain;
  std::string selector;
  std::string algorithm = "rsa";
  bool inactive = false;
};

// The normalised name of a domain the store knows; keys are only made for domains we send for.
Result<std::string> existing_domain(Session& s, std::string_view arg) {
  auto name = normalize_domain_arg(arg);
  if (!name) return fail(name.error());
  auto found = store::find_domain(s.db(), *name);
  if (!found) {
    if (found.error() == store::StoreError::not_found) {
      return fail(fmt::format("there is no domain {}: add it first with 'roostctl domain add {}'", *name, *name));
    }
    return fail(s.describe(found.error()));
  }
  return name;
}

void print_record(const std::string& domain, const dkim::DomainKey& key) {
  std::string value = dkim::key_record_value(key.key);
  std::printf("Name:  %s\n", dkim::key_record_name(key.selector, domain).c_str());
  std::printf("Value: %s\n", value.c_str());
  std::printf("In a zone file:\n%s. IN TXT %s\n", dkim::key_record_name(key.selector, domain).c_str(),
              dkim::zone_txt_strings(value).c_str());
}

Status dkim_keygen(const Cli& cli, const DkimArgs& args) {
  auto algorithm = dkim::parse_key_type(args.algorithm);
  if (!algorithm) return fail(fmt::format("unknown algorithm '{}': use rsa or ed25519", args.algorithm));
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto domain = existing_domain(s, args.domain);
  if (!domain) return fail(domain.error());
  std::string selector = args.selector.empty() ? dkim::default_selector(std::time(nullptr)) : args.selector;
  if (!dkim::valid_selector(selector)) {
    return fail(fmt::format("'{}' is not a valid selector: use letters, digits and '-' (dots between labels)", selector));
  }
  const std::string& data_dir = s.settings().data_dir;
  auto key = dkim::SigningKey::generate(*algorithm);
  if (!key) return fail(key.error());
  auto stored = dkim::store_new_key(data_dir, *domain, selector, *key);
  if (!stored) {
    if (stored.error().kind == dkim::KeyErrorKind::exists) {
      return fail(fmt::format("{} already has a key with selector {}; choose another with --selector", *domain, selector));
    }
    return fail(stored.error().message);
  }
  if (!args.inactive) {
    if (auto active = dkim::set_active_selector(data_dir, *domain, selector); !active) {
      return fail(active.error().message);
    }
  }
  std::printf("Created an %s key for %s with selector %s (%s).\n", std::string(dkim::algorithm_tag(*algorithm)).c_str(),
              domain->c_str(), selector.c_str(), dkim::key_file_path(data_dir, *domain, selector).c_str());
  if (args.inactive) {
    std::printf("It does not sign yet: publish the record below, then run 'roostctl dkim activate %s %s'.\n",
                domain->c_str(), selector.c_str());
  } else {
    std::printf("Mail from %s is signed with it from now on. Publish this TXT record:\n", domain->c_str());
  }
  print_record(*domain, dkim::DomainKey{*domain, selector, std::move(*key)});
  return {};
}

Status dkim_activate(const Cli& cli, const DkimArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto domain = existing_domain(s, args.domain);
  if (!domain) return fail(domain.error());
  const std::string& data_dir = s.settings().data_dir;
  auto key = dkim::load_key(data_dir, *domain, args.selector);
  if (!key) {
    if (key.error().kind == dkim::KeyErrorKind::no_key) {
      return fail(fmt::format("{} has no key with selector {}; see 'roostctl dkim list {}'", *domain, args.selector,
                              *domain));
    }
    return fail(key.error().message);
  }
  if (auto active = dkim::set_active_selector(data_dir, *domain, args.selector); !active) {
    return fail(active.error().message);
  }
  std::printf("Mail from %s is signed with selector %s from now on.\n", domain->c_str(), args.selector.c_str());
  return {};
}

Status dkim_show(const Cli& cli, const DkimArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto domain = existing_domain(s, args.domain);
  if (!domain) return fail(domain.error());
  const std::string& data_dir = s.settings().data_dir;
  auto key = args.selector.empty() ? dkim::load_active_key(data_dir, *domain)
                                   : dkim::load_key(data_dir, *domain, args.selector);
  if (!key) {
    if (key.error().kind == dkim::KeyErrorKind::no_key) {
      return fail(fmt::format("{} has no {}DKIM key; make one with 'roostctl dkim keygen {}'", *domain,
                              args.selector.empty() ? "active " : "such ", *domain));
    }
    return fail(key.error().message);
  }
  print_record(*domain, *key);
  return {};
}

Status dkim_list(const Cli& cli, const DkimArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto filter = s.domain_filter(args.domain);
  if (!filter) return fail(filter.error());
  const std::string& data_dir = s.settings().data_dir;
  std::vector<std::string> domains;
  if (filter->empty()) {
    auto found = dkim::list_key_domains(data_dir);
    if (!found) return fail(found.error().message);
    domains = std::move(*found);
  } else {
    domains.push_back(*filter);
  }
  Table table({"DOMAIN", "SELECTOR", "ALGORITHM", "ACTIVE"});
  for (const auto& domain : domains) {
    auto selectors = dkim::list_selectors(data_dir, domain);
    if (!selectors) return fail(selectors.error().message);
    auto active = dkim::active_selector(data_dir, domain);
    for (const auto& selector : *selectors) {
      auto key = dkim::load_key(data_dir, domain, selector);
      std::string algorithm = key ? std::string(dkim::algorithm_tag(key->key.algorithm())) : "unreadable";
      bool is_active = active && *active == selector;
      table.add({domain, selector, algorithm, is_active ? "yes" : "no"});
    }
  }
  if (table.empty()) {
    std::printf("No DKIM keys%s yet: make one with 'roostctl dkim keygen %s'.\n",
                filter->empty() ? "" : (" for " + *filter).c_str(), filter->empty() ? "DOMAIN" : filter->c_str());
    return {};
  }
  table.print(stdout);
  return {};
}

}  // namespace

void add_dkim_commands(CLI::App& app, Cli& cli) {
  auto* dkim = app.add_subcommand("dkim", "DKIM signing keys of the local domains");
  dkim->require_subcommand(1);
  auto& args = cli.keep<DkimArgs>();

  auto* keygen = dkim->add_subcommand("keygen", "Make a signing key for a domain and print its DNS record");
  keygen->add_option("domain", args.domain, "The domain, e.g. example.org")->required();
  keygen->add_option("-s,--selector", args.selector, "The selector (default: roost<YYYYMM>)");
  keygen->add_option("-a,--algorithm", args.algorithm, "rsa (2048 bits, every verifier knows it) or ed25519 (RFC 8463)")
      ->check(CLI::IsMember({"rsa", "ed25519"}))
      ->capture_default_str();
  keygen->add_flag("--inactive", args.inactive, "Store the key without signing with it yet (publish its record first)");
  add_common_options(*keygen, cli);
  keygen->callback([&cli, &args] { cli.action = [&cli, &args] { return dkim_keygen(cli, args); }; });

  auto* activate = dkim->add_subcommand("activate", "Sign a domain's mail with another of its keys");
  activate->add_option("domain", args.domain, "The domain")->required();
  activate->add_option("selector", args.selector, "The selector of the key to sign with")->required();
  add_common_options(*activate, cli);
  activate->callback([&cli, &args] { cli.action = [&cli, &args] { return dkim_activate(cli, args); }; });

  auto* show = dkim->add_subcommand("show", "Print the DNS record of a domain's active key");
  show->add_option("domain", args.domain, "The domain")->required();
  show->add_option("-s,--selector", args.selector, "Another of its keys instead of the active one");
  add_common_options(*show, cli);
  show->callback([&cli, &args] { cli.action = [&cli, &args] { return dkim_show(cli, args); }; });

  auto* list = dkim->add_subcommand("list", "List the keys (of one domain, or of all)");
  list->add_option("domain", args.domain, "Only this domain");
  add_common_options(*list, cli);
  list->callback([&cli, &args] { cli.action = [&cli, &args] { return dkim_list(cli, args); }; });
}

}  // namespace roost::admin
