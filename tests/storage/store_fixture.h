// Shared test fixture for the store: a fresh temporary directory and database per test, Argon2 with
// small parameters so tests stay fast, and helpers to run writes and reads.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/mailboxes.h"
#include "storage/store.h"

namespace roost::store::testing {

inline StoreOptions small_options(const std::string& dir) {
  StoreOptions o;
  o.db_path = dir + "/roost.db";
  o.argon2 = {1, 64, 1};  // t=1, 64 KiB: fast; the defaults get one test of their own
  o.busy_timeout = std::chrono::milliseconds(2000);
  return o;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "roost-store-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    options_ = small_options(dir_);
    open_store();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void open_store() {
    store_.reset();
    auto s = Store::open(options_);
    ASSERT_TRUE(s.ok()) << store_error_name(s.error());
    store_ = std::move(*s);
  }

  // Runs fn(WriteCtx&) through the writer and returns its result.
  template <typename T, typename Fn>
  StoreResult<T> w(Fn fn) {
    return store_->write_sync<T>(std::move(fn));
  }
  template <typename Fn>
  StoreResult<bool> wv(Fn fn) {
    return store_->write_sync<bool>([fn = std::move(fn)](WriteCtx& ctx) -> StoreResult<bool> {
      auto r = fn(ctx);
      if (!r.ok()) return fail(r.error());
      return true;
    });
  }
  template <typename T, typename Fn>
  StoreResult<T> r(Fn fn) {
    return store_->read<T>(std::move(fn));
  }

  // A domain and an account with mailboxes; returns the account id.
  std::int64_t make_account(const std::string& address, std::int64_t quota = 0) {
    auto at = address.rfind('@');
    std::string domain = address.substr(at + 1);
    (void)wv([domain](WriteCtx& c) { return add_domain(c, domain); });
    auto id = store_->add_account_sync(address, "secret", quota);
    EXPECT_TRUE(id.ok());
    return id.value_or(0);
  }
  std::int64_t mailbox_id(std::int64_t account, const std::string& name) {
    auto m = r<Mailbox>([&](Db& db) { return find_mailbox(db, account, name); });
    EXPECT_TRUE(m.ok()) << name;
    return m.ok() ? m->id : 0;
  }
  std::int64_t blob_count() {
    return r<std::int64_t>([](Db& db) -> StoreResult<std::int64_t> {
             auto q = db.query("SELECT count(*) FROM blobs");
             if (!q.ok()) return fail(q.error());
             (void)(*q)->step();
             return (*q)->col_int(0);
           })
        .value_or(-1);
  }

  std::string dir_;
  StoreOptions options_;
  std::unique_ptr<Store> store_;
};

}  // namespace roost::store::testing
