// Tests of messages: delivery, APPEND/COPY/MOVE, flags, EXPUNGE, UIDs, blob reference counts,
// streamed reads, CONDSTORE/QRESYNC data.
#include "storage/messages.h"

#include <gtest/gtest.h>

#include "common/mail/mime_codec.h"
#include "storage/mailboxes.h"
#include "storage/queue.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

class MessagesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alice_ = make_account("alice@example.org");
    inbox_ = mailbox_id(alice_, "INBOX");
  }
  std::uint32_t add(std::int64_t mailbox, const std::string& bytes, Flags flags = {}) {
    auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, mailbox, bytes, flags); });
    EXPECT_TRUE(a.ok());
    return a.ok() ? a->uid : 0;
  }
  std::vector<std::uint32_t> uids(std::int64_t mailbox) {
    auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, mailbox); });
    std::vector<std::uint32_t> out;
    for (const auto& m : *msgs) out.push_back(m.uid);
    return out;
  }
  std::int64_t used() { return r<Account>([&](Db& db) { return get_account(db, alice_); })->used_bytes; }
  StoreResult<StoreFlagsResult> flags(std::int64_t mailbox, UidSet set, FlagOp op, Flags f,
                                      std::optional<std::int64_t> since = {}) {
    return w<StoreFlagsResult>([&](WriteCtx& c) { return store_flags(c, mailbox, set, op, f, since); });
  }
  std::int64_t alice_ = 0;
  std::int64_t inbox_ = 0;
};

TEST_F(MessagesTest, DeliveryToManyRecipientsStoresOneBlob) {
  std::vector<std::int64_t> accounts{alice_};
  for (int i = 0; i < 4; ++i) accounts.push_back(make_account("user" + std::to_string(i) + "@example.org"));
  std::string bytes = "Subject: hi\r\n\r\nhello\r\n";
  Delivery d;
  d.bytes = bytes;
  for (auto id : accounts) d.local.push_back({id, "", {}, ""});
  d.sender = "sender@remote.example";
  d.outbound.push_back({"x@remote.example"});
  auto r = store_->deliver_sync(d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->local.size(), 5u);
  for (const auto& o : r->local) {
    EXPECT_FALSE(o.error.has_value());
    EXPECT_EQ(o.uid, 1u);
  }
  EXPECT_EQ(r->queue_ids.size(), 1u);
  EXPECT_EQ(blob_count(), 1);
  auto blob = this->r<std::string>([&](Db& db) { return read_blob(db, r->blob_id); });
  EXPECT_EQ(blob.value_or(""), bytes);
}

TEST_F(MessagesTest, DeliveryToNamedMailboxFallsBackToInbox) {
  Delivery d;
  std::string bytes = "x";
  d.bytes = bytes;
  d.local.push_back({alice_, "Junk", {}, ""});
  d.local.push_back({alice_, "No Such Folder", {}, ""});
  auto r = store_->deliver_sync(d);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->local[0].mailbox_id, mailbox_id(alice_, "Junk"));
  EXPECT_EQ(r->local[1].mailbox_id, inbox_);
}

TEST_F(MessagesTest, RefusedTargetsDoNotStopOthersAndLeaveNoBlob) {
  auto bob = make_account("bob@example.org", 10);
  auto carol = make_account("carol@example.org");
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_enabled(c, carol, false); }).ok());
  std::string bytes(100, 'x');
  Delivery d;
  d.bytes = bytes;
  d.local = {{bob, "", {}, ""}, {carol, "", {}, ""}, {alice_, "", {}, ""}, {424242, "", {}, ""}};
  auto r = store_->deliver_sync(d);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->local[0].error, StoreError::over_quota);
  EXPECT_EQ(r->local[1].error, StoreError::account_disabled);
  EXPECT_FALSE(r->local[2].error.has_value());
  EXPECT_EQ(r->local[3].error, StoreError::not_found);
  EXPECT_EQ(blob_count(), 1);

  Delivery refused;
  refused.bytes = bytes;
  refused.local = {{bob, "", {}, ""}};
  auto r2 = store_->deliver_sync(refused);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->blob_id, 0);
  EXPECT_EQ(blob_count(), 1);
}

TEST_F(MessagesTest, UidsAreNeverReusedAfterExpungeAndRestart) {
  EXPECT_EQ(add(inbox_, "1"), 1u);
  EXPECT_EQ(add(inbox_, "2"), 2u);
  EXPECT_EQ(add(inbox_, "3"), 3u);
  ASSERT_TRUE(flags(inbox_, {{2, 3}}, FlagOp::add, {kDeleted, {}}).ok());
  auto gone = w<std::vector<std::uint32_t>>([&](WriteCtx& c) { return expunge(c, inbox_); });
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, (std::vector<std::uint32_t>{2, 3}));
  auto uidvalidity = r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox_); })->uidvalidity;
  open_store();  // a restart: new connections, new writer
  EXPECT_EQ(add(inbox_, "4"), 4u);
  EXPECT_EQ(uids(inbox_), (std::vector<std::uint32_t>{1, 4}));
  EXPECT_EQ(r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox_); })->uidvalidity, uidvalidity);
}

TEST_F(MessagesTest, BlobIsFreedExactlyWhenLastReferenceGoes) {
  auto archive = mailbox_id(alice_, "Archive");
  auto trash = mailbox_id(alice_, "Trash");
  add(inbox_, "shared bytes");
  ASSERT_TRUE(w<CopyResult>([&](WriteCtx& c) { return copy_messages(c, inbox_, all_uids(), archive); }).ok());
  ASSERT_TRUE(w<CopyResult>([&](WriteCtx& c) { return copy_messages(c, inbox_, all_uids(), trash); }).ok());
  auto q = w<std::vector<std::int64_t>>([&](WriteCtx& c) {
    auto m = get_message(c.db, inbox_, 1);
    return enqueue_blob(c, m->blob_id, "alice@example.org", {"x@remote.example"});
  });
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(blob_count(), 1);
  auto drop_all = [&](std::int64_t mailbox) {
    ASSERT_TRUE(flags(mailbox, all_uids(), FlagOp::add, {kDeleted, {}}).ok());
    ASSERT_TRUE(w<std::vector<std::uint32_t>>([&](WriteCtx& c) { return expunge(c, mailbox); }).ok());
  };
  drop_all(inbox_);
  EXPECT_EQ(blob_count(), 1);
  drop_all(archive);
  EXPECT_EQ(blob_count(), 1);
  drop_all(trash);
  EXPECT_EQ(blob_count(), 1);  // the queue entry still holds it
  ASSERT_TRUE(wv([&](WriteCtx& c) { return remove_queue_entry(c, (*q)[0]); }).ok());
  EXPECT_EQ(blob_count(), 0);
}

TEST_F(MessagesTest, CopyKeepsFlagsAndReportsCopyUid) {
  auto archive = mailbox_id(alice_, "Archive");
  add(inbox_, "a", {kSeen, {"$Label1"}});
  add(inbox_, "bb");
  add(inbox_, "ccc");
  add(archive, "existing");
  auto c = w<CopyResult>([&](WriteCtx& ctx) { return copy_messages(ctx, inbox_, {{3, 3}, {1, 1}}, archive); });
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->source, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(c->dest, (std::vector<std::uint32_t>{2, 3}));
  auto copied = r<MessageInfo>([&](Db& db) { return get_message(db, archive, 2); });
  EXPECT_EQ(copied->flags.system, kSeen);
  EXPECT_EQ(copied->flags.keywords, std::vector<std::string>{"$Label1"});
  EXPECT_EQ(used(), 1 + 2 + 3 + 8 + 1 + 3);
  EXPECT_EQ(uids(inbox_).size(), 3u);
}

TEST_F(MessagesTest, MoveExpungesSourceAndKeepsQuota) {
  auto archive = mailbox_id(alice_, "Archive");
  add(inbox_, "a");
  add(inbox_, "bb");
  auto before = r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox_); })->highest_modseq;
  auto m = w<CopyResult>([&](WriteCtx& ctx) { return move_messages(ctx, inbox_, {{1, 2}}, archive); });
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->dest.size(), 2u);
  EXPECT_TRUE(uids(inbox_).empty());
  EXPECT_EQ(uids(archive).size(), 2u);
  EXPECT_EQ(used(), 3);
  auto vanished = r<std::vector<std::uint32_t>>([&](Db& db) { return expunged_since(db, inbox_, before); });
  EXPECT_EQ(*vanished, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(w<CopyResult>([&](WriteCtx& ctx) { return move_messages(ctx, archive, all_uids(), archive); }).error(),
            StoreError::invalid);
}

TEST_F(MessagesTest, StoreFlagsAddRemoveSetAndKeywords) {
  add(inbox_, "a");
  add(inbox_, "b");
  auto r1 = flags(inbox_, all_uids(), FlagOp::add, {kSeen | kFlagged, {"work", "Work", "$Important"}});
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->changed.size(), 2u);
  auto m = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, 1); });
  EXPECT_EQ(m->flags.system, kSeen | kFlagged);
  EXPECT_EQ(m->flags.keywords, (std::vector<std::string>{"$Important", "work"}));
  ASSERT_TRUE(flags(inbox_, {{1, 1}}, FlagOp::remove, {kFlagged, {"WORK"}}).ok());
  m = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, 1); });
  EXPECT_EQ(m->flags.system, kSeen);
  EXPECT_EQ(m->flags.keywords, (std::vector<std::string>{"$Important"}));
  ASSERT_TRUE(flags(inbox_, {{2, 2}}, FlagOp::set, {kAnswered, {}}).ok());
  m = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, 2); });
  EXPECT_EQ(m->flags.system, kAnswered);
  EXPECT_TRUE(m->flags.keywords.empty());
  // A no-op store changes nothing and takes no modseq.
  auto modseq = r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox_); })->highest_modseq;
  auto noop = flags(inbox_, {{2, 2}}, FlagOp::add, {kAnswered, {}});
  EXPECT_TRUE(noop->changed.empty());
  EXPECT_EQ(r<Mailbox>([&](Db& db) { return get_mailbox(db, inbox_); })->highest_modseq, modseq);
  EXPECT_EQ(flags(inbox_, all_uids(), FlagOp::add, {0, {"bad keyword"}}).error(), StoreError::invalid);
  EXPECT_EQ(flags(inbox_, all_uids(), FlagOp::add, {0, {"\\Seen"}}).error(), StoreError::invalid);
}

TEST_F(MessagesTest, UnchangedSinceReportsModifiedMessages) {
  add(inbox_, "a");
  add(inbox_, "b");
  auto m1 = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, 1); });
  ASSERT_TRUE(flags(inbox_, {{2, 2}}, FlagOp::add, {kSeen, {}}).ok());
  auto m2 = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, 2); });
  ASSERT_GT(m2->modseq, m1->modseq);
  auto res = flags(inbox_, all_uids(), FlagOp::add, {kFlagged, {}}, m1->modseq);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->failed, std::vector<std::uint32_t>{2});
  ASSERT_EQ(res->changed.size(), 1u);
  EXPECT_EQ(res->changed[0].uid, 1u);
  EXPECT_GT(res->changed[0].modseq, m2->modseq);
  auto changed = r<std::vector<MessageInfo>>([&](Db& db) { return changed_since(db, inbox_, m2->modseq); });
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_EQ((*changed)[0].uid, 1u);
}

TEST_F(MessagesTest, UidExpungeOnlyTouchesGivenDeletedMessages) {
  for (int i = 0; i < 4; ++i) add(inbox_, "m");
  ASSERT_TRUE(flags(inbox_, all_uids(), FlagOp::add, {kDeleted, {}}).ok());
  auto gone = w<std::vector<std::uint32_t>>([&](WriteCtx& c) { return expunge(c, inbox_, UidSet{{2, 3}}); });
  EXPECT_EQ(*gone, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(uids(inbox_), (std::vector<std::uint32_t>{1, 4}));
  EXPECT_EQ(used(), 2);
  auto nothing = w<std::vector<std::uint32_t>>([&](WriteCtx& c) { return expunge(c, inbox_, UidSet{{2, 3}}); });
  EXPECT_TRUE(nothing->empty());
}

TEST_F(MessagesTest, ListMessagesHonoursUidSets) {
  for (int i = 0; i < 6; ++i) add(inbox_, "m");
  auto msgs = r<std::vector<MessageInfo>>([&](Db& db) { return list_messages(db, inbox_, {{5, 2}, {4, 6}, {1, 1}}); });
  std::vector<std::uint32_t> got;
  for (const auto& m : *msgs) got.push_back(m.uid);
  EXPECT_EQ(got, (std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(MessagesTest, LargeMessageIsReadInChunks) {
  std::string big(5 * 1024 * 1024 + 123, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox_, big, {}); });
  ASSERT_TRUE(a.ok());
  auto lease = store_->readers().acquire();
  ASSERT_TRUE(lease.ok());
  auto stream = BlobStream::open(lease->db(), a->blob_id);
  ASSERT_TRUE(stream.ok());
  EXPECT_EQ((*stream)->size(), static_cast<std::int64_t>(big.size()));
  std::string out;
  std::vector<char> chunk(64 * 1024);
  std::int64_t offset = 0;
  int reads = 0;
  for (;;) {
    auto n = (*stream)->read(offset, chunk);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    out.append(chunk.data(), *n);
    offset += static_cast<std::int64_t>(*n);
    ++reads;
  }
  EXPECT_EQ(out, big);
  EXPECT_GT(reads, 80);
  EXPECT_EQ(BlobStream::open(lease->db(), 987654).error(), StoreError::not_found);
}

TEST_F(MessagesTest, StreamKeepsItsSnapshotWhenMessageIsExpunged) {
  auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox_, "still here", Flags{kDeleted, {}}); });
  ASSERT_TRUE(a.ok());
  auto lease = store_->readers().acquire();
  auto stream = BlobStream::open(lease->db(), a->blob_id);
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE(w<std::vector<std::uint32_t>>([&](WriteCtx& c) { return expunge(c, inbox_); }).ok());
  std::vector<char> buf(64);
  auto n = (*stream)->read(0, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf.data(), *n), "still here");
}

TEST_F(MessagesTest, MessagePartsAreStoredPerBlob) {
  auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox_, "x", {}); });
  auto stored = r<MessageParts>([&](Db& db) { return get_message_parts(db, a->blob_id); });
  ASSERT_TRUE(stored.ok());  // APPEND parses the message once
  EXPECT_EQ(stored->parser_version, static_cast<int>(mail::kMimeFormatVersion));
  ASSERT_TRUE(wv([&](WriteCtx& c) { return set_message_parts(c, {a->blob_id, 3, "e", "b", "o"}); }).ok());
  auto p = r<MessageParts>([&](Db& db) { return get_message_parts(db, a->blob_id); });
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->parser_version, 3);
  EXPECT_EQ(p->body_structure, "b");
  EXPECT_EQ(wv([&](WriteCtx& c) { return set_message_parts(c, {999999, 1, "", "", ""}); }).error(),
            StoreError::not_found);
}

TEST_F(MessagesTest, InternalDateAndSizeAreKept) {
  auto a = w<AppendResult>([&](WriteCtx& c) { return append(c, inbox_, "12345", Flags{kDraft, {}}, 1'600'000'000); });
  auto m = r<MessageInfo>([&](Db& db) { return get_message(db, inbox_, a->uid); });
  EXPECT_EQ(m->internal_date, 1'600'000'000);
  EXPECT_EQ(m->size, 5);
  EXPECT_EQ(m->flags.system, kDraft);
}

}  // namespace
}  // namespace roost::store
