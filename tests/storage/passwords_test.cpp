// Tests of Argon2id hashing, verification, rehash on login and the bounded hashing pool.
#include "storage/passwords.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

const Argon2Params kSmall{1, 64, 1};

TEST(Passwords, HashIsPhcArgon2idAndVerifies) {
  auto h = hash_password("correct horse", kSmall);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << *h;
  EXPECT_TRUE(verify_password("correct horse", *h));
  EXPECT_FALSE(verify_password("correct horsf", *h));
  EXPECT_FALSE(verify_password("", *h));
  auto again = hash_password("correct horse", kSmall);
  EXPECT_NE(*again, *h);  // a fresh salt each time
}

TEST(Passwords, DefaultsAreAtLeastOwaspMinimum) {
  Argon2Params defaults;
  EXPECT_GE(defaults.t_cost, 2u);
  EXPECT_GE(defaults.m_cost_kib, 19u * 1024);
  EXPECT_GE(defaults.parallelism, 1u);
  auto h = hash_password("pw", defaults);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *h;
  EXPECT_TRUE(verify_password("pw", *h));
  EXPECT_FALSE(needs_rehash(*h, defaults));
}

TEST(Passwords, MalformedHashesNeverMatch) {
  for (const char* bad : {"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                          "$argon2id$v=19$m=64,t=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdA$aGFzaA"}) {
    EXPECT_FALSE(verify_password("pw", bad)) << bad;
    EXPECT_TRUE(needs_rehash(bad, kSmall)) << bad;
  }
}

TEST(Passwords, NeedsRehashWhenConfigGotStronger) {
  auto h = hash_password("pw", kSmall);
  EXPECT_FALSE(needs_rehash(*h, kSmall));
  EXPECT_TRUE(needs_rehash(*h, {2, 64, 1}));
  EXPECT_TRUE(needs_rehash(*h, {1, 128, 1}));
  EXPECT_TRUE(needs_rehash(*h, {1, 64, 2}));
  EXPECT_FALSE(needs_rehash(*h, {1, 32, 1}));  // weaker config: keep the stronger hash
}

TEST(Passwords, HasherBoundsConcurrencyAndQueue) {
  PasswordHasher hasher({1, 64, 1}, 1, 1);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(hasher.run([&, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  ASSERT_TRUE(hasher.run([] {}));  // fills the one queue slot
  std::atomic<bool> got_busy{false};
  hasher.hash("pw", [&](StoreResult<std::string> r) { got_busy = !r.ok() && r.error() == StoreError::busy; });
  EXPECT_TRUE(got_busy.load());
  release.set_value();
  auto h = hasher.hash_sync("pw");
  ASSERT_TRUE(h.ok());
  std::promise<bool> verified;
  hasher.verify("pw", *h, [&](StoreResult<bool> r) { verified.set_value(r.value_or(false)); });
  EXPECT_TRUE(verified.get_future().get());
}

class AuthTest : public StoreTest {};

TEST_F(AuthTest, LoginChecksPasswordAndAccountState) {
  auto id = make_account("Alice@example.org");
  auto ok = store_->authenticate_sync("alice@EXAMPLE.org", "secret");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->account_id, id);
  EXPECT_EQ(ok->address, "Alice@example.org");
  EXPECT_EQ(store_->authenticate_sync("alice@example.org", "wrong").error(), StoreError::auth_failed);
  EXPECT_EQ(store_->authenticate_sync("nobody@example.org", "secret").error(), StoreError::auth_failed);
  EXPECT_EQ(store_->authenticate_sync("garbage", "secret").error(), StoreError::auth_failed);
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_enabled(c, id, false); }).ok());
  EXPECT_EQ(store_->authenticate_sync("alice@example.org", "secret").error(), StoreError::account_disabled);
}

TEST_F(AuthTest, LoginRehashesWhenParametersGotStronger) {
  make_account("alice@example.org");
  auto old_hash = r<Account>([](Db& db) { return find_account(db, "alice@example.org"); })->password_hash;
  EXPECT_TRUE(old_hash.find("m=64,t=1,p=1") != std::string::npos);
  options_.argon2 = {2, 128, 1};
  open_store();
  ASSERT_TRUE(store_->authenticate_sync("alice@example.org", "secret").ok());
  // The rehash is a write of its own; a sync write behind it waits for it.
  ASSERT_TRUE(wv([](WriteCtx&) { return StoreResult<void>(); }).ok());
  auto new_hash = r<Account>([](Db& db) { return find_account(db, "alice@example.org"); })->password_hash;
  EXPECT_NE(new_hash, old_hash);
  EXPECT_TRUE(new_hash.find("m=128,t=2,p=1") != std::string::npos) << new_hash;
  EXPECT_TRUE(store_->authenticate_sync("alice@example.org", "secret").ok());
}

TEST_F(AuthTest, SetPasswordReplacesHash) {
  make_account("alice@example.org");
  ASSERT_TRUE(store_->set_password_sync("alice@example.org", "new one").ok());
  EXPECT_EQ(store_->authenticate_sync("alice@example.org", "secret").error(), StoreError::auth_failed);
  EXPECT_TRUE(store_->authenticate_sync("alice@example.org", "new one").ok());
  EXPECT_EQ(store_->set_password_sync("bob@example.org", "x").error(), StoreError::not_found);
}

}  // namespace
}  // namespace roost::store
