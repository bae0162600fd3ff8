#include "storage/message_parse.h"

#include <gtest/gtest.h>

#include <string>

#include "common/mail/mime_codec.h"
#include "tests/storage/store_fixture.h"

namespace roost::store {
namespace {

using testing::StoreTest;

const std::string kMultipart =
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.org\r\n"
    "Subject: parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "hello\r\n"
    "--b1\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "inner body\r\n"
    "--b1--\r\n";

TEST(MessageParseTest, PrefixedParseEqualsParseOfPrefixedBytes) {
  const std::string prefix = "Return-Path: <a@example.org>\r\nDelivered-To: bob@example.org\r\n";
  for (const std::string& message : {kMultipart, std::string("Subject: x\r\n\r\nbody\r\n"), std::string("\r\nno header\r\n")}) {
    auto shifted = with_prefix(parse_for_store(message), prefix.size());
    auto direct = parse_for_store(prefix + message);
    EXPECT_EQ(mail::encode_parsed_message(shifted), mail::encode_parsed_message(direct)) << message;
    ASSERT_TRUE(direct.root.envelope.has_value());
    EXPECT_EQ(shifted.root.envelope, direct.root.envelope);
  }
}

class DeliveryPartsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alice_ = make_account("alice@example.org");
    bob_ = make_account("bob@example.org");
  }
  std::string blob_of(std::int64_t account) {
    auto inbox = mailbox_id(account, "INBOX");
    return r<std::string>([&](Db& db) -> StoreResult<std::string> {
             auto m = get_message(db, inbox, 1);
             if (!m.ok()) return fail(m.error());
             return read_blob(db, m->blob_id);
           })
        .value_or("<missing>");
  }
  mail::ParsedMessage stored_parse(std::int64_t account) {
    auto inbox = mailbox_id(account, "INBOX");
    auto parts = r<MessageParts>([&](Db& db) -> StoreResult<MessageParts> {
      auto m = get_message(db, inbox, 1);
      if (!m.ok()) return fail(m.error());
      return get_message_parts(db, m->blob_id);
    });
    EXPECT_TRUE(parts.ok());
    auto decoded = mail::decode_parsed_message(parts.ok() ? parts->body_structure : "");
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? *decoded : mail::ParsedMessage{};
  }
  std::int64_t alice_ = 0;
  std::int64_t bob_ = 0;
};

TEST_F(DeliveryPartsTest, EachRecipientGetsItsOwnTraceFieldsAndMatchingParts) {
  Delivery d;
  d.bytes = kMultipart;
  d.local.push_back({alice_, "", {}, "Delivered-To: alice@example.org\r\n"});
  d.local.push_back({bob_, "", {}, "Delivered-To: bob@example.org\r\n"});
  d.sender = "x@remote.example";
  d.outbound.push_back({"carol@remote.example"});
  ASSERT_TRUE(store_->deliver_sync(d).ok());
  EXPECT_EQ(blob_count(), 3);  // two local copies, one for the queue without trace fields
  EXPECT_EQ(blob_of(alice_), "Delivered-To: alice@example.org\r\n" + kMultipart);
  EXPECT_EQ(blob_of(bob_), "Delivered-To: bob@example.org\r\n" + kMultipart);
  EXPECT_EQ(stored_parse(bob_), parse_for_store("Delivered-To: bob@example.org\r\n" + kMultipart));
  // The quota counts the bytes each account holds.
  EXPECT_EQ(r<Account>([&](Db& db) { return get_account(db, bob_); })->used_bytes,
            static_cast<std::int64_t>(kMultipart.size() + std::string("Delivered-To: bob@example.org\r\n").size()));
}

TEST_F(DeliveryPartsTest, SamePrefixSharesOneBlob) {
  Delivery d;
  d.bytes = kMultipart;
  d.local.push_back({alice_, "", {}, "Return-Path: <>\r\n"});
  d.local.push_back({bob_, "", {}, "Return-Path: <>\r\n"});
  ASSERT_TRUE(store_->deliver_sync(d).ok());
  EXPECT_EQ(blob_count(), 1);
}

TEST_F(DeliveryPartsTest, ACallersParseIsUsedAsGiven) {
  auto parsed = parse_for_store(kMultipart);
  Delivery d;
  d.bytes = kMultipart;
  d.parsed = &parsed;
  d.local.push_back({alice_, "", {}, ""});
  ASSERT_TRUE(store_->deliver_sync(d).ok());
  EXPECT_EQ(stored_parse(alice_), parsed);
}

}  // namespace
}  // namespace roost::store
