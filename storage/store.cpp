// Store: opens the database for a process and wires the writer, readers and hashing pool (see store.h).
#include "storage/store.h"

#include <sys/stat.h>

#include <cerrno>
#include <future>
#include <mutex>

#include "common/base/log.h"
#include "storage/migrations.h"
#include "storage/try.h"

namespace roost::store {
namespace {

std::string default_notify_dir(const std::string& db_path) {
  auto slash = db_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : db_path.substr(0, slash);
  if (dir.empty()) dir = "/";
  return dir + "/notify";
}

}  // namespace

StoreResult<std::unique_ptr<Store>> Store::open(StoreOptions options) {
  std::string notify_dir = options.notify_dir.empty() ? default_notify_dir(options.db_path) : options.notify_dir;
  {
    ROOST_TRY_ASSIGN(db, Db::open(options));
    ROOST_TRY(migrate(*db));
  }
  if (::mkdir(notify_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    log::warn("store.notify_dir_failed").kv("path", notify_dir);
  }
  ROOST_TRY_ASSIGN(writer, Writer::start(options, notify_dir));
  return std::unique_ptr<Store>(new Store(std::move(options), std::move(notify_dir), std::move(writer)));
}

Store::Store(StoreOptions options, std::string notify_dir, std::unique_ptr<Writer> writer)
    : options_(std::move(options)),
      notify_dir_(std::move(notify_dir)),
      writer_(std::move(writer)),
      readers_(options_, options_.reader_pool_size),
      hasher_(options_.argon2, options_.max_concurrent_hashes, options_.max_queued_hashes) {}

Store::~Store() = default;

void Store::deliver(Delivery delivery, std::function<void(StoreResult<DeliveryResult>)> done) {
  write<DeliveryResult>([d = std::move(delivery)](WriteCtx& w) { return store::deliver(w, d); }, std::move(done));
}

StoreResult<DeliveryResult> Store::deliver_sync(const Delivery& delivery) {
  return write_sync<DeliveryResult>([&delivery](WriteCtx& w) { return store::deliver(w, delivery); });
}

void Store::authenticate(std::string address, std::string password,
                         std::function<void(StoreResult<AuthResult>)> done) {
  auto shared_done = std::make_shared<std::function<void(StoreResult<AuthResult>)>>(std::move(done));
  bool queued = hasher_.run([this, address = std::move(address), password = std::move(password), shared_done]() mutable {
    auto account = read<Account>([&](Db& db) { return find_account(db, address); });
    if (!account.ok() && account.error() != StoreError::not_found && account.error() != StoreError::invalid) {
      (*shared_done)(fail(account.error()));
      return;
    }
    if (!account.ok()) {
      // The same work as a real check, so timing does not tell which addresses exist.
      static std::once_flag once;
      static std::string dummy;
      std::call_once(once, [this] { dummy = hash_password("roost-unknown-account", options_.argon2).value_or(""); });
      (void)verify_password(password, dummy);
      std::fill(password.begin(), password.end(), '\0');
      (*shared_done)(fail(StoreError::auth_failed));
      return;
    }
    bool ok = verify_password(password, account->password_hash);
    if (!ok) {
      std::fill(password.begin(), password.end(), '\0');
      (*shared_done)(fail(StoreError::auth_failed));
      return;
    }
    if (!account->enabled) {
      std::fill(password.begin(), password.end(), '\0');
      (*shared_done)(fail(StoreError::account_disabled));
      return;
    }
    if (needs_rehash(account->password_hash, options_.argon2)) {
      auto fresh = hash_password(password, options_.argon2);
      if (fresh.ok()) {
        // Only replaces the hash that was verified: a password changed meanwhile wins.
        writer_->submit(
            [id = account->id, old = account->password_hash, fresh = *fresh](WriteCtx& w) -> StoreResult<void> {
              ROOST_TRY_ASSIGN(q, w.db.query("UPDATE accounts SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2"));
              q->bind(1, id).bind(2, old).bind(3, fresh);
              return q->run();
            },
            [id = account->id](StoreResult<void> r) {
              if (r.ok()) {
                log::info("store.password_rehashed").kv("account", id);
              } else {
                log::warn("store.password_rehash_failed").kv("account", id).kv("error", store_error_name(r.error()));
              }
            });
      }
    }
    std::fill(password.begin(), password.end(), '\0');
    (*shared_done)(AuthResult{account->id, account->address()});
  });
  if (!queued) (*shared_done)(fail(StoreError::busy));
}

StoreResult<AuthResult> Store::authenticate_sync(std::string address, std::string password) {
  std::promise<StoreResult<AuthResult>> promise;
  auto future = promise.get_future();
  authenticate(std::move(address), std::move(password),
               [&promise](StoreResult<AuthResult> r) { promise.set_value(std::move(r)); });
  return future.get();
}

StoreResult<std::int64_t> Store::add_account_sync(const std::string& address, const std::string& password,
                                                  std::int64_t quota_bytes) {
  ROOST_TRY(parse_address(address));
  ROOST_TRY_ASSIGN(hash, hasher_.hash_sync(password));
  return write_sync<std::int64_t>(
      [&](WriteCtx& w) { return add_account(w, address, hash, quota_bytes); });
}

StoreResult<void> Store::set_password_sync(const std::string& address, const std::string& password) {
  ROOST_TRY_ASSIGN(account, read<Account>([&](Db& db) { return find_account(db, address); }));
  ROOST_TRY_ASSIGN(hash, hasher_.hash_sync(password));
  auto r = write_sync<bool>([&](WriteCtx& w) -> StoreResult<bool> {
    ROOST_TRY(set_password_hash(w, account.id, hash));
    return true;
  });
  if (!r.ok()) return fail(r.error());
  return {};
}

StoreResult<std::vector<Recipient>> Store::resolve(std::string_view address) {
  return read<std::vector<Recipient>>([&](Db& db) { return store::resolve(db, address, options_.plus_separator); });
}

}  // namespace roost::store
