// Loading the config and opening the store for a roostctl command, and the generic sentences for
// store errors.
#include "admin/session.h"
#include "admin/arguments.h"
#include "storage/options_from_settings.h"

#include <sys/stat.h>

#include <fmt/format.h>

namespace roost::admin {

Result<Settings> load_settings(const Cli& cli) {
  std::string path = config_path(cli.config_file);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return fail(fmt::format(
        "no config file at {}: run 'roostctl init' to create one, or point --config or ROOST_CONFIG at yours",
        path));
  }
  auto settings = load_config(path);
  if (!settings) return fail(fmt::format("the config file has an error: {}", settings.error().message));
  return settings;
}

std::string describe_store_error(store::StoreError error, std::string_view db_path) {
  using store::StoreError;
  switch (error) {
    case StoreError::busy:
      return fmt::format("the database {} stayed locked by another process; try again in a moment", db_path);
    case StoreError::io:
      return fmt::format("cannot read or write the database {} (check the disk space and the permissions)",
                         db_path);
    case StoreError::corrupt:
      return fmt::format("{} is damaged or is not a Roost database", db_path);
    case StoreError::schema_too_new:
      return fmt::format("{} was written by a newer Roost; use the roostctl of that version", db_path);
    default:
      return fmt::format("the store refused the change ({})", store::store_error_name(error));
  }
}

Result<std::unique_ptr<Session>> Session::open(const Cli& cli) {
  auto settings = load_settings(cli);
  if (!settings) return fail(settings.error());
  auto options = store::options_from(*settings);
  // roostctl reads whole mailboxes once (import, export, verify): mapping the file would only add
  // the pages it touches to its resident size, which an import must keep bounded.
  options.mmap_size = 0;
  const std::string db_path = options.db_path;
  struct stat st {};
  if (::stat(db_path.c_str(), &st) != 0) {
    return fail(fmt::format("no database at {}: run 'roostctl init' to create it (data_dir is set in {})", db_path,
                            config_path(cli.config_file)));
  }
  auto store = store::Store::open(std::move(options));
  if (!store) return fail(describe_store_error(store.error(), db_path));
  auto reader = (*store)->readers().acquire();
  if (!reader) return fail(describe_store_error(reader.error(), db_path));
  return std::unique_ptr<Session>(new Session(std::move(*settings), std::move(*store), std::move(*reader)));
}

Result<std::string> Session::domain_filter(std::string_view arg) {
  if (arg.empty()) return std::string();
  auto domain = normalize_domain_arg(arg);
  if (!domain) return fail(domain.error());
  if (auto found = store::find_domain(db(), *domain); !found) {
    if (found.error() == store::StoreError::not_found) {
      return fail(fmt::format("there is no domain {}; see 'roostctl domain list'", *domain));
    }
    return fail(describe(found.error()));
  }
  return domain;
}

Result<store::Account> Session::find_user(std::string_view typed) {
  auto address = parse_local_address(typed);
  if (!address) return fail(address.error());
  auto account = store::find_account(db(), address->full());
  if (!account) {
    if (account.error() == store::StoreError::not_found) return fail(no_such_user(address->full()));
    return fail(describe(account.error()));
  }
  return std::move(*account);
}

std::string no_such_user(std::string_view address) {
  return fmt::format("there is no user {}; see 'roostctl user list'", address);
}

std::string Session::describe(store::StoreError error) const {
  return describe_store_error(error, store_->options().db_path);
}

}  // namespace roost::admin
