// Store: what a process opens to use the mail store. It migrates the schema, starts the process's
// writer (group commit), keeps a pool of reader connections and a bounded pool of hashing threads.
// Daemons call the typed async helpers (completions run on the writer or a hashing thread; hand them
// back to the loop); roostctl and tests use the *_sync forms. The functions of accounts.h,
// mailboxes.h, messages.h and queue.h run through write()/read() for anything not wrapped here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "storage/accounts.h"
#include "storage/messages.h"
#include "storage/options.h"
#include "storage/passwords.h"
#include "storage/readers.h"
#include "storage/writer.h"

namespace roost::store {

struct AuthResult {
  std::int64_t account_id = 0;
  std::string address;  // as stored (display form)
};

class Store {
 public:
  // Opens (creating if needed) the database, runs migrations (schema_too_new for a newer database),
  // starts the writer. The notify directory is created; the Store does not listen on it itself.
  static StoreResult<std::unique_ptr<Store>> open(StoreOptions options);
  ~Store();

  const StoreOptions& options() const { return options_; }
  const std::string& notify_dir() const { return notify_dir_; }
  Writer& writer() { return *writer_; }
  ReaderPool& readers() { return readers_; }
  PasswordHasher& hasher() { return hasher_; }

  // Generic access. write(): see Writer::submit_for. read(): runs fn(Db&) on the calling thread with
  // a leased reader connection, inside one read transaction (one consistent snapshot).
  template <typename T, typename Fn>
  void write(Fn fn, std::function<void(StoreResult<T>)> done) {
    writer_->submit_for<T>(std::move(fn), std::move(done));
  }
  template <typename T, typename Fn>
  StoreResult<T> write_sync(Fn fn) {
    return writer_->run_for<T>(std::move(fn));
  }
  template <typename T, typename Fn>
  StoreResult<T> read(Fn fn);

  // Delivery (smtpd): durable when done runs.
  void deliver(Delivery delivery, std::function<void(StoreResult<DeliveryResult>)> done);
  StoreResult<DeliveryResult> deliver_sync(const Delivery& delivery);

  // Login: looks the account up, verifies on a hashing thread, and when the configured Argon2 cost
  // grew stores a new hash (a separate write; a failure there is logged, the login still succeeds).
  // auth_failed for a wrong password or an unknown address (the same work is done for both),
  // account_disabled for a disabled account with the right password. done runs on a hashing thread.
  void authenticate(std::string address, std::string password, std::function<void(StoreResult<AuthResult>)> done);
  StoreResult<AuthResult> authenticate_sync(std::string address, std::string password);

  // Account admin (roostctl): hashes on the hashing pool, then writes.
  StoreResult<std::int64_t> add_account_sync(const std::string& address, const std::string& password,
                                             std::int64_t quota_bytes = 0);
  StoreResult<void> set_password_sync(const std::string& address, const std::string& password);

  // The resolver with the configured sub-address separator (reader connection, calling thread).
  StoreResult<std::vector<Recipient>> resolve(std::string_view address);

 private:
  Store(StoreOptions options, std::string notify_dir, std::unique_ptr<Writer> writer);
  StoreOptions options_;
  std::string notify_dir_;
  std::unique_ptr<Writer> writer_;
  ReaderPool readers_;
  PasswordHasher hasher_;
};

template <typename T, typename Fn>
StoreResult<T> Store::read(Fn fn) {
  return with_retry(options_, [&]() -> StoreResult<T> {
    auto lease = readers_.acquire();
    if (!lease.ok()) return fail(lease.error());
    auto txn = Txn::begin(lease->db(), Txn::Kind::read);
    if (!txn.ok()) return fail(txn.error());
    return fn(lease->db());
  });
}

}  // namespace roost::store
