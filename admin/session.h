// Session: what a roostctl command works with once the config is loaded: the settings, the opened
// Store with one reader connection held for the command, and the sentences that turn store errors
// into something an admin can act on.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "admin/cli.h"
#include "common/base/config.h"
#include "common/base/result.h"
#include "storage/db.h"
#include "storage/options.h"
#include "storage/readers.h"
#include "storage/store.h"
#include "storage/store_error.h"
#include "storage/writer.h"

namespace roost::admin {


// Loads the config named by --config / $ROOST_CONFIG / the default path. A missing file is an error
// telling the admin to run `roostctl init` or to point --config at the right file.
Result<Settings> load_settings(const Cli& cli);

// "there is no user ADDRESS; see 'roostctl user list'".
std::string no_such_user(std::string_view address);

class Session {
 public:
  // Loads the config and opens the existing database (bringing its schema up to date). A missing
  // database is an error telling the admin to run `roostctl init`.
  static Result<std::unique_ptr<Session>> open(const Cli& cli);

  const Settings& settings() const { return settings_; }
  const store::StoreOptions& options() const { return store_->options(); }
  // A reader connection (autocommit reads), held until the Session ends.
  store::Db& db() { return reader_->db(); }

  // Runs one write through the store's writer and waits until it is durable.
  template <typename T, typename Fn>
  store::StoreResult<T> write(Fn fn) {
    return store_->write_sync<T>(std::move(fn));
  }
  store::StoreResult<void> write_void(store::Writer::Work work) { return store_->writer().run(std::move(work)); }

  // A sentence for an error the command did not expect (busy, io, corrupt...).
  std::string describe(store::StoreError error) const;

  // The optional DOMAIN argument of the list commands: "" when not given, else the normalised name
  // of a domain that exists (an error sentence when it does not).
  Result<std::string> domain_filter(std::string_view arg);
  // The account a command line names ("alice@example.org"), or a sentence saying why there is none.
  Result<store::Account> find_user(std::string_view typed);

 private:
  Session(Settings settings, std::unique_ptr<store::Store> store, store::ReaderPool::Lease reader)
      : settings_(std::move(settings)), store_(std::move(store)), reader_(std::move(reader)) {}

  Settings settings_;
  std::unique_ptr<store::Store> store_;
  std::optional<store::ReaderPool::Lease> reader_;  // released before store_ goes
};

// The generic sentence for a store error, naming the database file.
std::string describe_store_error(store::StoreError error, std::string_view db_path);

}  // namespace roost::admin
