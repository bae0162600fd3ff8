// roostctl user add|list|passwd|quota|enable|disable|remove: mail accounts, their passwords and quotas.
#include <string.h>

#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/password_input.h"
#include "admin/session.h"
#include "admin/table.h"
#include "storage/accounts.h"
#include "storage/passwords.h"

namespace roost::admin {
namespace {

struct UserArgs {
  std::string address;
  std::string quota;
  std::string domain;
  bool password_stdin = false;
  bool generate = false;
};

struct NewPassword {
  Password password;
  bool generated = false;
};

// The password for `address`: from stdin when asked, else from the terminal (an empty answer there
// generates one), else generated when may_generate_silently (user add) or asked (--generate-password);
// otherwise a sentence saying how to pass one.
Result<NewPassword> obtain_password(const UserArgs& args, const std::string& address, bool may_generate_silently) {
  NewPassword out;
  if (args.password_stdin) {
    auto pw = read_password_stdin();
    if (!pw) return fail(pw.error());
    out.password = std::move(*pw);
  } else if (!args.generate && stdin_is_terminal()) {
    std::string prompt = may_generate_silently
                             ? fmt::format("Password for {} (empty: generate one): ", address)
                             : fmt::format("New password for {} (empty: generate one): ", address);
    auto pw = prompt_password(prompt, true);
    if (!pw) return fail(pw.error());
    out.password = std::move(*pw);
  } else if (!args.generate && !may_generate_silently) {
    return fail(
        "standard input is not a terminal, so there is nobody to ask for the password: pipe it in with "
        "--password-stdin, or use --generate-password");
  }
  if (out.password.empty() && !args.password_stdin) {
    auto pw = generate_password();
    if (!pw) return fail(pw.error());
    out.password = std::move(*pw);
    out.generated = true;
  }
  if (auto st = check_password(out.password); !st) return fail(st.error());
  return out;
}

Result<std::string> hash(Session& s, const Password& password) {
  auto phc = store::hash_password(password.view(), s.options().argon2);
  if (!phc) {
    if (phc.error() == store::StoreError::invalid) {
      return fail("the Argon2 parameters in the config ([auth] argon2_*) were refused by libargon2; check them");
    }
    return fail("cannot hash the password: no randomness available from the system");
  }
  return std::move(*phc);
}

void print_generated(const std::string& address, const Password& password) {
  std::string line = fmt::format("Generated password for {} (shown only once, store it now): ", address);
  line.append(password.view());
  line += '\n';
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  explicit_bzero(line.data(), line.size());
}

Status user_add(const Cli& cli, const UserArgs& args) {
  auto address = parse_local_address(args.address);
  if (!address) return fail(address.error());
  std::int64_t quota = 0;
  if (!args.quota.empty()) {
    auto q = parse_quota(args.quota);
    if (!q) return fail(q.error());
    quota = *q;
  }
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  const std::string full = address->full();

  // Refuse before asking for a password that would be thrown away.
  auto domain = store::find_domain(s.db(), address->domain);
  if (!domain) {
    if (domain.error() == store::StoreError::not_found) {
      return fail(fmt::format("domain {} is not served here: add it first with 'roostctl domain add {}'",
                              address->domain, address->domain));
    }
    return fail(s.describe(domain.error()));
  }
  if (auto existing = store::find_account(s.db(), full); existing) {
    return fail(fmt::format("user {} exists already; change its password with 'roostctl user passwd {}'",
                            existing->address(), existing->address()));
  }

  auto pw = obtain_password(args, full, true);
  if (!pw) return fail(pw.error());
  auto phc = hash(s, pw->password);
  if (!phc) return fail(phc.error());
  auto added = s.write<std::int64_t>([&](store::WriteCtx& w) { return store::add_account(w, full, *phc, quota); });
  explicit_bzero(phc->data(), phc->size());
  if (!added) {
    switch (added.error()) {
      case store::StoreError::exists:
        return fail(fmt::format("user {} exists already; change its password with 'roostctl user passwd {}'",
                                full, full));
      case store::StoreError::not_found:
        return fail(fmt::format("domain {} is not served here: add it first with 'roostctl domain add {}'",
                                address->domain, address->domain));
      case store::StoreError::invalid:
        return fail(fmt::format("'{}' is not an address the store accepts (too long or a bad character)", full));
      default:
        return fail(s.describe(added.error()));
    }
  }
  std::printf("Added user %s (quota %s) with the mailboxes INBOX, Drafts, Sent, Junk, Trash and Archive.\n",
              full.c_str(), quota == 0 ? "none" : format_size(quota).c_str());
  if (pw->generated) print_generated(full, pw->password);
  return {};
}

Status user_list(const Cli& cli, const UserArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto filter = s.domain_filter(args.domain);
  if (!filter) return fail(filter.error());
  const std::string& domain = *filter;
  auto accounts = store::list_accounts(s.db(), domain);
  if (!accounts) return fail(s.describe(accounts.error()));
  if (accounts->empty()) {
    std::printf("No users yet: add one with 'roostctl user add alice@%s'.\n",
                domain.empty() ? "example.org" : domain.c_str());
    return {};
  }
  Table table({"USER", "USED", "QUOTA", "ENABLED"});
  for (const auto& a : *accounts) {
    table.add({a.address(), format_size(a.used_bytes), a.quota_bytes == 0 ? "none" : format_size(a.quota_bytes),
               a.enabled ? "yes" : "no"});
  }
  table.print(stdout);
  return {};
}

Status user_passwd(const Cli& cli, const UserArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.address);
  if (!account) return fail(account.error());
  const std::string full = account->address();
  auto pw = obtain_password(args, full, false);
  if (!pw) return fail(pw.error());
  auto phc = hash(s, pw->password);
  if (!phc) return fail(phc.error());
  auto id = account->id;
  auto done = s.write_void([&](store::WriteCtx& w) { return store::set_password_hash(w, id, *phc); });
  explicit_bzero(phc->data(), phc->size());
  if (!done) {
    if (done.error() == store::StoreError::not_found) return fail(no_such_user(full));
    return fail(s.describe(done.error()));
  }
  std::printf("Changed the password of %s.\n", full.c_str());
  if (pw->generated) print_generated(full, pw->password);
  return {};
}

Status user_quota(const Cli& cli, const UserArgs& args) {
  auto quota = parse_quota(args.quota);
  if (!quota) return fail(quota.error());
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.address);
  if (!account) return fail(account.error());
  auto id = account->id;
  auto q = *quota;
  auto done = s.write_void([&](store::WriteCtx& w) { return store::set_quota(w, id, q); });
  if (!done) {
    if (done.error() == store::StoreError::not_found) return fail(no_such_user(account->address()));
    return fail(s.describe(done.error()));
  }
  if (q == 0) {
    std::printf("User %s has no quota now (%s used).\n", account->address().c_str(),
                format_size(account->used_bytes).c_str());
  } else {
    std::printf("Quota of %s is now %s (%s used).\n", account->address().c_str(), format_size(q).c_str(),
                format_size(account->used_bytes).c_str());
    if (account->used_bytes > q) {
      std::printf("Note: the mailbox is over the new quota already; new mail is refused until it shrinks.\n");
    }
  }
  return {};
}

Status user_set_enabled(const Cli& cli, const UserArgs& args, bool enabled) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.address);
  if (!account) return fail(account.error());
  auto id = account->id;
  auto done = s.write_void([&](store::WriteCtx& w) { return store::set_enabled(w, id, enabled); });
  if (!done) {
    if (done.error() == store::StoreError::not_found) return fail(no_such_user(account->address()));
    return fail(s.describe(done.error()));
  }
  std::printf(enabled ? "Enabled %s: it can log in and receive mail.\n"
                      : "Disabled %s: it can no longer log in, and mail to it is refused.\n",
              account->address().c_str());
  return {};
}

Status user_remove(const Cli& cli, const UserArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.address);
  if (!account) return fail(account.error());
  const std::string full = account->address();
  auto done = s.write_void([&](store::WriteCtx& w) { return store::remove_account(w, full); });
  if (!done) {
    if (done.error() == store::StoreError::not_found) return fail(no_such_user(full));
    return fail(s.describe(done.error()));
  }
  std::printf("Removed user %s and all its mail.\n", full.c_str());
  return {};
}

void add_password_options(CLI::App& sub, UserArgs& args) {
  auto* from_stdin = sub.add_flag("--password-stdin", args.password_stdin,
                                  "Read the password from the first line of standard input");
  auto* generate = sub.add_flag("--generate-password", args.generate,
                                "Generate a random password and print it once");
  from_stdin->excludes(generate);
}

}  // namespace

void add_user_commands(CLI::App& app, Cli& cli) {
  auto* user = app.add_subcommand("user", "Mail accounts: passwords, quotas, enabling and removal");
  user->require_subcommand(1);
  auto& args = cli.keep<UserArgs>();
  const char* kAddressHelp = "The account's address, e.g. alice@example.org";

  auto* add = user->add_subcommand(
      "add",
      "Add an account with its standard mailboxes. The password comes from --password-stdin, else the "
      "terminal (asked twice), else it is generated and printed once");
  add->add_option("address", args.address, kAddressHelp)->required();
  add->add_option("--quota", args.quota, "Storage limit, e.g. 500M or 2G (default: none)")->type_name("SIZE");
  add_password_options(*add, args);
  add_common_options(*add, cli);
  add->callback([&cli, &args] { cli.action = [&cli, &args] { return user_add(cli, args); }; });

  auto* list = user->add_subcommand("list", "List the accounts with their quota use and state");
  list->add_option("domain", args.domain, "Only the accounts of this domain");
  add_common_options(*list, cli);
  list->callback([&cli, &args] { cli.action = [&cli, &args] { return user_list(cli, args); }; });

  auto* passwd = user->add_subcommand(
      "passwd", "Set an account's password (from --password-stdin, the terminal, or --generate-password)");
  passwd->add_option("address", args.address, kAddressHelp)->required();
  add_password_options(*passwd, args);
  add_common_options(*passwd, cli);
  passwd->callback([&cli, &args] { cli.action = [&cli, &args] { return user_passwd(cli, args); }; });

  auto* quota = user->add_subcommand("quota", "Set an account's storage limit");
  quota->add_option("address", args.address, kAddressHelp)->required();
  quota->add_option("size", args.quota, "The limit, e.g. 500M or 2G, or 'none'")->required();
  add_common_options(*quota, cli);
  quota->callback([&cli, &args] { cli.action = [&cli, &args] { return user_quota(cli, args); }; });

  auto* enable = user->add_subcommand("enable", "Let a disabled account log in and receive mail again");
  enable->add_option("address", args.address, kAddressHelp)->required();
  add_common_options(*enable, cli);
  enable->callback([&cli, &args] { cli.action = [&cli, &args] { return user_set_enabled(cli, args, true); }; });

  auto* disable =
      user->add_subcommand("disable", "Stop an account from logging in and receiving mail (keeps its mail)");
  disable->add_option("address", args.address, kAddressHelp)->required();
  add_common_options(*disable, cli);
  disable->callback([&cli, &args] { cli.action = [&cli, &args] { return user_set_enabled(cli, args, false); }; });

  auto* remove = user->add_subcommand("remove", "Remove an account with all its mail");
  remove->add_option("address", args.address, kAddressHelp)->required();
  add_common_options(*remove, cli);
  remove->callback([&cli, &args] { cli.action = [&cli, &args] { return user_remove(cli, args); }; });
}

}  // namespace roost::admin
