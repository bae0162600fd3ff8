// Tests of mailboxes: names, hierarchy, delete/rename rules, subscriptions, UIDVALIDITY.
#include "storage/mailboxes.h"

#include <gtest/gtest.h>

#include "storage/messages.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class MailboxesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    account_ = make_account("alice@example.org");
  }
  StoreResult<bool> create(const std::string& name) {
    return wv([&](WriteCtx& c) { return create_mailbox(c, account_, name); });
  }
  StoreResult<bool> remove(const std::string& name) {
    return wv([&](WriteCtx& c) { return delete_mailbox(c, account_, name); });
  }
  StoreResult<bool> rename(const std::string& from, const std::string& to) {
    return wv([&](WriteCtx& c) { return rename_mailbox(c, account_, from, to); });
  }
  std::vector<std::string> names() {
    auto boxes = r<std::vector<Mailbox>>([&](Db& db) { return list_mailboxes(db, account_); });
    std::vector<std::string> out;
    for (const auto& m : *boxes) out.push_back(m.name + (m.noselect ? "(noselect)" : ""));
    return out;
  }
  Mailbox get(const std::string& name) {
    auto m = r<Mailbox>([&](Db& db) { return find_mailbox(db, account_, name); });
    EXPECT_TRUE(m.ok()) << name;
    return m.ok() ? *m : Mailbox{};
  }
  std::int64_t account_ = 0;
};

TEST_F(MailboxesTest, NamesAreValidatedAndInboxIsCaseInsensitive) {
  EXPECT_EQ(normalize_mailbox_name("inbox").value_or(""), "INBOX");
  EXPECT_EQ(normalize_mailbox_name("InBox/Sub").value_or(""), "INBOX/Sub");
  EXPECT_EQ(normalize_mailbox_name("Inboxes").value_or(""), "Inboxes");
  EXPECT_EQ(normalize_mailbox_name("Entwürfe").value_or(""), "Entwürfe");
  for (const char* bad : {"", "/a", "a/", "a//b", "a\x01", "a*", "b%", "\xff\xfe", "\xc0\xaf"}) {
    EXPECT_FALSE(normalize_mailbox_name(bad).ok()) << bad;
  }
  EXPECT_FALSE(normalize_mailbox_name(std::string(kMaxMailboxNameLength + 1, 'a')).ok());
}

TEST_F(MailboxesTest, CreateMakesMissingParentsAndRefusesDuplicates) {
  ASSERT_TRUE(create("Lists/rust/announce").ok());
  EXPECT_TRUE(get("Lists").id);
  EXPECT_TRUE(get("Lists/rust").id);
  EXPECT_EQ(create("Lists/rust").error(), StoreError::exists);
  EXPECT_EQ(create("inbox").error(), StoreError::exists);
  auto boxes = r<std::vector<Mailbox>>([&](Db& db) { return list_mailboxes(db, account_); });
  for (const auto& m : *boxes) {
    if (m.name == "Lists" || m.name == "Lists/rust") {
      EXPECT_TRUE(m.has_children) << m.name;
    }
    if (m.name == "Lists/rust/announce") {
      EXPECT_FALSE(m.has_children);
    }
  }
}

TEST_F(MailboxesTest, InboxCannotBeDeleted) { EXPECT_EQ(remove("INBOX").error(), StoreError::invalid); }

TEST_F(MailboxesTest, DeleteLeafRemovesItAndItsMessages) {
  ASSERT_TRUE(create("Old").ok());
  auto id = get("Old").id;
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, id, "12345", {}); }).ok());
  ASSERT_TRUE(remove("Old").ok());
  EXPECT_EQ(r<Mailbox>([&](Db& db) { return find_mailbox(db, account_, "Old"); }).error(), StoreError::not_found);
  EXPECT_EQ(blob_count(), 0);
  auto a = r<Account>([&](Db& db) { return get_account(db, account_); });
  EXPECT_EQ(a->used_bytes, 0);
  EXPECT_EQ(remove("Old").error(), StoreError::not_found);
}

TEST_F(MailboxesTest, DeleteWithChildrenLeavesNoselectPerRfc3501) {
  ASSERT_TRUE(create("Work/2024").ok());
  auto id = get("Work").id;
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, id, "12345", {}); }).ok());
  ASSERT_TRUE(remove("Work").ok());
  auto work = get("Work");
  EXPECT_TRUE(work.noselect);
  auto status = r<MailboxStatus>([&](Db& db) { return mailbox_status(db, work.id); });
  EXPECT_EQ(status->messages, 0u);
  // A \Noselect mailbox that still has children cannot be deleted.
  EXPECT_EQ(remove("Work").error(), StoreError::invalid);
  // APPEND into it is refused.
  EXPECT_EQ(w<AppendResult>([&](WriteCtx& c) { return append(c, work.id, "x", {}); }).error(), StoreError::invalid);
  // Once the child is gone, it can be deleted.
  ASSERT_TRUE(remove("Work/2024").ok());
  ASSERT_TRUE(remove("Work").ok());
}

TEST_F(MailboxesTest, CreatingOverNoselectMakesItSelectableWithNewUidvalidity) {
  ASSERT_TRUE(create("Work/2024").ok());
  auto before = get("Work");
  ASSERT_TRUE(remove("Work").ok());
  ASSERT_TRUE(create("Work").ok());
  auto after = get("Work");
  EXPECT_FALSE(after.noselect);
  EXPECT_NE(after.uidvalidity, before.uidvalidity);
}

TEST_F(MailboxesTest, RenameMovesChildrenAndSubscriptions) {
  ASSERT_TRUE(create("Projects/a/b").ok());
  ASSERT_TRUE(wv([&](WriteCtx& c) { return subscribe(c, account_, "Projects/a"); }).ok());
  auto a_id = get("Projects/a").id;
  auto b_id = get("Projects/a/b").id;
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, b_id, "msg", {}); }).ok());
  ASSERT_TRUE(rename("Projects", "Archive/Projects").ok());
  EXPECT_EQ(get("Archive/Projects/a").id, a_id);
  EXPECT_EQ(get("Archive/Projects/a/b").id, b_id);
  EXPECT_EQ(r<Mailbox>([&](Db& db) { return find_mailbox(db, account_, "Projects/a"); }).error(),
            StoreError::not_found);
  auto subs = r<std::vector<std::string>>([&](Db& db) { return list_subscriptions(db, account_); });
  EXPECT_NE(std::find(subs->begin(), subs->end(), "Archive/Projects/a"), subs->end());
  EXPECT_EQ(std::find(subs->begin(), subs->end(), "Projects/a"), subs->end());
  auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, b_id); });
  EXPECT_EQ(msgs->size(), 1u);
}

TEST_F(MailboxesTest, RenameRefusesTakenNamesAndMovingUnderItself) {
  ASSERT_TRUE(create("A/x").ok());
  ASSERT_TRUE(create("B/x").ok());
  ASSERT_TRUE(create("C").ok());
  EXPECT_EQ(rename("A", "C").error(), StoreError::exists);
  EXPECT_EQ(rename("A", "A/x/y").error(), StoreError::invalid);
  EXPECT_EQ(rename("Nope", "D").error(), StoreError::not_found);
  ASSERT_TRUE(create("D").ok());
  // The child's new name "D/x" is free, but "B" -> "C" would need "C"; with a clash on a child:
  ASSERT_TRUE(create("E/x").ok());
  ASSERT_TRUE(remove("E/x").ok());
  ASSERT_TRUE(create("F/x").ok());
  EXPECT_EQ(rename("B", "F").error(), StoreError::exists);
}

TEST_F(MailboxesTest, RenameInboxMovesMessagesAndLeavesInboxEmpty) {
  auto inbox = get("INBOX");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox.id, "one", {}); }).ok());
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox.id, "two", {}); }).ok());
  ASSERT_TRUE(rename("INBOX", "Old Mail").ok());
  auto old_mail = get("Old Mail");
  EXPECT_EQ(r<MailboxStatus>([&](Db& db) { return mailbox_status(db, old_mail.id); })->messages, 2u);
  auto after = get("INBOX");
  EXPECT_EQ(after.id, inbox.id);
  EXPECT_EQ(r<MailboxStatus>([&](Db& db) { return mailbox_status(db, inbox.id); })->messages, 0u);
  EXPECT_EQ(r<Account>([&](Db& db) { return get_account(db, account_); })->used_bytes, 6);
}

TEST_F(MailboxesTest, SubscriptionsMayOutliveMailboxes) {
  ASSERT_TRUE(wv([&](WriteCtx& c) { return subscribe(c, account_, "Gone"); }).ok());
  ASSERT_TRUE(wv([&](WriteCtx& c) { return subscribe(c, account_, "Gone"); }).ok());  // idempotent
  auto subs = r<std::vector<std::string>>([&](Db& db) { return list_subscriptions(db, account_); });
  EXPECT_NE(std::find(subs->begin(), subs->end(), "Gone"), subs->end());
  ASSERT_TRUE(wv([&](WriteCtx& c) { return unsubscribe(c, account_, "Gone"); }).ok());
  EXPECT_EQ(wv([&](WriteCtx& c) { return unsubscribe(c, account_, "Gone"); }).error(), StoreError::not_found);
}

TEST_F(MailboxesTest, RecreatedMailboxNeverReusesUidvalidity) {
  std::int64_t fake_now = 4'000'000'000;  // later than the account's creation
  options_.clock = [&] { return fake_now; };
  open_store();
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(create("Tmp").ok());
    auto m = get("Tmp");
    EXPECT_TRUE(seen.insert(m.uidvalidity).second);
    ASSERT_TRUE(remove("Tmp").ok());
  }
  fake_now += 1000;
  ASSERT_TRUE(create("Tmp").ok());
  EXPECT_EQ(get("Tmp").uidvalidity, static_cast<std::uint32_t>(fake_now));
}

TEST_F(MailboxesTest, SpecialMailboxLookup) {
  auto sent = r<Mailbox>([&](Db& db) { return find_special_mailbox(db, account_, "\\Sent"); });
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->name, "Sent");
  EXPECT_EQ(wv([&](WriteCtx& c) { return create_mailbox(c, account_, "X", "\\Bogus"); }).error(), StoreError::invalid);
}

TEST_F(MailboxesTest, EveryChangeBumpsHighestModseq) {
  auto inbox = get("INBOX");
  ASSERT_TRUE(w<AppendResult>([&](WriteCtx& c) { return append(c, inbox.id, "one", {}); }).ok());
  auto after_append = get("INBOX");
  EXPECT_GT(after_append.highest_modseq, inbox.highest_modseq);
  EXPECT_EQ(after_append.uidnext, inbox.uidnext + 1);
  ASSERT_TRUE(w<StoreFlagsResult>([&](WriteCtx& c) {
                return store_flags(c, inbox.id, all_uids(), FlagOp::add, Flags{kSeen, {}});
              }).ok());
  EXPECT_GT(get("INBOX").highest_modseq, after_append.highest_modseq);
}

}  // namespace
}  // namespace roost::store
