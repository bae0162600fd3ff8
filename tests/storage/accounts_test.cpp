// Tests of domains, accounts, aliases and the resolver.
#include "storage/accounts.h"

#include <gtest/gtest.h>

#include "storage/mailboxes.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class AccountsTest : public StoreTest {
 protected:
  std::vector<std::string> resolved(const std::string& address) {
    auto r = store_->resolve(address);
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& rcpt : *r) out.push_back((rcpt.local() ? "local:" : "remote:") + rcpt.address);
    }
    return out;
  }
  StoreError resolve_error(const std::string& address) {
    auto r = store_->resolve(address);
    EXPECT_FALSE(r.ok());
    return r.ok() ? StoreError::io : r.error();
  }
};

TEST_F(AccountsTest, ParseAddressChecksParts) {
  EXPECT_TRUE(parse_address("a@b.example").ok());
  EXPECT_EQ(parse_address("Al@Example.ORG")->domain, "example.org");
  EXPECT_EQ(parse_address("Al@Example.ORG")->local, "Al");
  EXPECT_FALSE(parse_address("nodomain").ok());
  EXPECT_FALSE(parse_address("@example.org").ok());
  EXPECT_TRUE(parse_address("@example.org", true).ok());
  EXPECT_FALSE(parse_address("a b@example.org").ok());
  EXPECT_FALSE(parse_address("a@").ok());
  EXPECT_FALSE(parse_address(std::string(65, 'a') + "@example.org").ok());
}

TEST_F(AccountsTest, DomainsAddListRemove) {
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_domain(c, "Example.ORG"); }).ok());
  auto again = wv([](WriteCtx& c) { return add_domain(c, "example.org"); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), StoreError::exists);
  auto list = r<std::vector<Domain>>([](Db& db) { return list_domains(db); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "example.org");
  EXPECT_TRUE(r<bool>([](Db& db) { return is_local_domain(db, "EXAMPLE.org"); }).value_or(false));
  ASSERT_TRUE(wv([](WriteCtx& c) { return remove_domain(c, "example.org"); }).ok());
  EXPECT_EQ(wv([](WriteCtx& c) { return remove_domain(c, "example.org"); }).error(), StoreError::not_found);
}

TEST_F(AccountsTest, AccountLookupIsCaseInsensitiveAndKeepsDisplayForm) {
  auto id = make_account("Alice.Smith@example.org");
  auto a = r<Account>([](Db& db) { return find_account(db, "alice.smith@EXAMPLE.org"); });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, id);
  EXPECT_EQ(a->address(), "Alice.Smith@example.org");
  EXPECT_TRUE(a->enabled);
  EXPECT_EQ(a->quota_bytes, 0);
  EXPECT_TRUE(a->password_hash.starts_with("$argon2id$"));
  auto dup = store_->add_account_sync("ALICE.SMITH@example.org", "x");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error(), StoreError::exists);
}

TEST_F(AccountsTest, AccountInUnknownDomainIsNotFound) {
  auto r = store_->add_account_sync("bob@nowhere.example", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), StoreError::not_found);
}

TEST_F(AccountsTest, NewAccountHasDefaultMailboxesWithSpecialUse) {
  auto id = make_account("alice@example.org");
  auto boxes = r<std::vector<Mailbox>>([&](Db& db) { return list_mailboxes(db, id); });
  ASSERT_TRUE(boxes.ok());
  std::map<std::string, std::string> got;
  for (const auto& m : *boxes) {
    got[m.name] = m.special_use;
    EXPECT_TRUE(m.subscribed) << m.name;
  }
  std::map<std::string, std::string> want = {{"INBOX", ""},          {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
                                             {"Junk", "\\Junk"},     {"Trash", "\\Trash"},   {"Archive", "\\Archive"}};
  EXPECT_EQ(got, want);
}

TEST_F(AccountsTest, QuotaEnabledAndPasswordUpdates) {
  auto id = make_account("alice@example.org");
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_quota(c, id, 1000); }).ok());
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_enabled(c, id, false); }).ok());
  auto a = r<Account>([&](Db& db) { return get_account(db, id); });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->quota_bytes, 1000);
  EXPECT_FALSE(a->enabled);
  EXPECT_EQ(wv([&](WriteCtx& c) { return set_quota(c, id, -1); }).error(), StoreError::invalid);
  EXPECT_EQ(wv([&](WriteCtx& c) { return set_enabled(c, 9999, true); }).error(), StoreError::not_found);
}

TEST_F(AccountsTest, RemoveAccountDropsItsMailboxesAndBlobs) {
  auto id = make_account("alice@example.org");
  auto inbox = mailbox_id(id, "INBOX");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox, "hello", {}); }).ok());
  EXPECT_EQ(blob_count(), 1);
  ASSERT_TRUE(wv([](WriteCtx& c) { return remove_account(c, "ALICE@example.org"); }).ok());
  EXPECT_EQ(blob_count(), 0);
  EXPECT_EQ(r<Account>([](Db& db) { return find_account(db, "alice@example.org"); }).error(), StoreError::not_found);
  auto boxes = r<std::vector<Mailbox>>([&](Db& db) { return list_mailboxes(db, id); });
  EXPECT_TRUE(boxes.ok() && boxes->empty());
}

TEST_F(AccountsTest, ListAccountsByDomain) {
  make_account("b@one.example");
  make_account("a@one.example");
  make_account("c@two.example");
  auto all = r<std::vector<Account>>([](Db& db) { return list_accounts(db); });
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto one = r<std::vector<Account>>([](Db& db) { return list_accounts(db, "one.example"); });
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 2u);
  EXPECT_EQ((*one)[0].local, "a");
}

TEST_F(AccountsTest, ResolverFindsAccountsCaseInsensitively) {
  make_account("Alice@example.org");
  EXPECT_EQ(resolved("ALICE@Example.org"), std::vector<std::string>{"local:Alice@example.org"});
  EXPECT_EQ(resolve_error("nobody@example.org"), StoreError::not_found);
  EXPECT_EQ(resolve_error("alice@elsewhere.example"), StoreError::not_found);
  EXPECT_EQ(resolve_error("not an address"), StoreError::invalid);
}

TEST_F(AccountsTest, ResolverStripsSubAddress) {
  make_account("alice@example.org");
  EXPECT_EQ(resolved("alice+lists@example.org"), std::vector<std::string>{"local:alice@example.org"});
  EXPECT_EQ(resolve_error("+lists@example.org"), StoreError::not_found);
}

TEST_F(AccountsTest, SubAddressSeparatorIsConfigurable) {
  options_.plus_separator = "-";
  open_store();
  make_account("alice@example.org");
  EXPECT_EQ(resolved("alice-x@example.org"), std::vector<std::string>{"local:alice@example.org"});
  EXPECT_EQ(resolve_error("alice+x@example.org"), StoreError::not_found);
}

TEST_F(AccountsTest, AliasesExpandToLocalAndExternalTargets) {
  make_account("alice@example.org");
  make_account("bob@example.org");
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "team@example.org", "alice@example.org"); }).ok());
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "team@example.org", "Bob@Example.org"); }).ok());
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "team@example.org", "carol@remote.example"); }).ok());
  EXPECT_EQ(wv([](WriteCtx& c) { return add_alias(c, "team@example.org", "alice@example.org"); }).error(),
            StoreError::exists);
  EXPECT_EQ(resolved("Team@example.org"),
            (std::vector<std::string>{"local:alice@example.org", "local:bob@example.org", "remote:carol@remote.example"}));
  auto list = r<std::vector<Alias>>([](Db& db) { return list_aliases(db, "example.org"); });
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
  ASSERT_TRUE(wv([](WriteCtx& c) { return remove_alias(c, "team@example.org", "bob@example.org"); }).ok());
  EXPECT_EQ(resolved("team@example.org").size(), 2u);
  ASSERT_TRUE(wv([](WriteCtx& c) { return remove_alias(c, "team@example.org"); }).ok());
  EXPECT_EQ(resolve_error("team@example.org"), StoreError::not_found);
}

TEST_F(AccountsTest, AliasToItselfKeepsACopyAndCyclesEnd) {
  make_account("alice@example.org");
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "alice@example.org", "alice@example.org"); }).ok());
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "alice@example.org", "alice@remote.example"); }).ok());
  EXPECT_EQ(resolved("alice@example.org"),
            (std::vector<std::string>{"local:alice@example.org", "remote:alice@remote.example"}));
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "x@example.org", "y@example.org"); }).ok());
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "y@example.org", "x@example.org"); }).ok());
  EXPECT_EQ(resolve_error("x@example.org"), StoreError::not_found);
}

TEST_F(AccountsTest, CatchAllTakesWhatNothingElseMatches) {
  make_account("alice@example.org");
  make_account("postmaster@example.org");
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "@example.org", "postmaster@example.org"); }).ok());
  EXPECT_EQ(resolved("alice@example.org"), std::vector<std::string>{"local:alice@example.org"});
  EXPECT_EQ(resolved("random@example.org"), std::vector<std::string>{"local:postmaster@example.org"});
  EXPECT_EQ(resolved("alice+tag@example.org"), std::vector<std::string>{"local:alice@example.org"});
}

TEST_F(AccountsTest, AliasOnBaseAddressAppliesToSubAddress) {
  make_account("alice@example.org");
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "sales@example.org", "alice@example.org"); }).ok());
  EXPECT_EQ(resolved("sales+eu@example.org"), std::vector<std::string>{"local:alice@example.org"});
}

TEST_F(AccountsTest, DisabledAccountIsReportedAsSuch) {
  auto id = make_account("alice@example.org");
  make_account("bob@example.org");
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_enabled(c, id, false); }).ok());
  EXPECT_EQ(resolve_error("alice@example.org"), StoreError::account_disabled);
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "both@example.org", "alice@example.org"); }).ok());
  ASSERT_TRUE(wv([](WriteCtx& c) { return add_alias(c, "both@example.org", "bob@example.org"); }).ok());
  EXPECT_EQ(resolved("both@example.org"), std::vector<std::string>{"local:bob@example.org"});
}

TEST_F(AccountsTest, AliasSourceMustBeInLocalDomain) {
  EXPECT_EQ(wv([](WriteCtx& c) { return add_alias(c, "x@nowhere.example", "a@b.example"); }).error(),
            StoreError::not_found);
}

}  // namespace
}  // namespace roost::store
