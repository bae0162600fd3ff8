// Header inspection, From: address extraction, the Received field, reply rendering and the one
// store-error mapping.
#include "smtpd/smtp_message.h"

#include <gtest/gtest.h>

#include "smtpd/smtp_reply.h"

namespace roost::smtp {
namespace {

TEST(SmtpMessage, ExtractsAddressesFromMailboxLists) {
  EXPECT_EQ(extract_addresses(" Alice <alice@example.org>"), std::vector<std::string>{"alice@example.org"});
  EXPECT_EQ(extract_addresses(" bob@example.org (Bob, the builder)"), std::vector<std::string>{"bob@example.org"});
  EXPECT_EQ(extract_addresses(" \"Smith, Alice\" <alice@example.org>, bob@example.org"),
            (std::vector<std::string>{"alice@example.org", "bob@example.org"}));
  EXPECT_EQ(extract_addresses(" \"a <x@evil.example>\" <alice@example.org>"), std::vector<std::string>{"alice@example.org"});
  EXPECT_EQ(extract_addresses(" team: a@example.org, b@example.org;"), (std::vector<std::string>{"a@example.org", "b@example.org"}));
  EXPECT_TRUE(extract_addresses(" ").empty());
}

TEST(SmtpMessage, InspectsTheHeaderSectionOnly) {
  HeaderFacts f = inspect_headers(
      "Received: from a\r\n\tby b; x\r\nFROM: Alice\r\n <alice@example.org>\r\nmessage-id: <1@x>\r\n\r\n"
      "Date: in the body\r\nFrom: body@example.org\r\n");
  EXPECT_EQ(f.received_count, 1u);
  EXPECT_TRUE(f.has_message_id);
  EXPECT_FALSE(f.has_date);
  EXPECT_EQ(f.from_fields, 1u);
  EXPECT_EQ(f.from_addresses, std::vector<std::string>{"alice@example.org"});
  HeaderFacts two = inspect_headers("From: a@x\r\nFrom: b@x\r\n\r\n");
  EXPECT_EQ(two.from_fields, 2u);
  EXPECT_TRUE(inspect_headers("From: \r\n\r\n").from_unparsable);
}

TEST(SmtpMessage, ReceivedFieldFollowsRfc5321Section44) {
  ReceivedInfo info;
  info.helo = "client.example.net";
  info.peer_ip = "192.0.2.7";
  info.hostname = "mx.example.org";
  info.protocol = "ESMTPS";
  info.id = "ID1";
  info.tls_version = "TLSv1.3";
  info.tls_cipher = "TLS_AES_128_GCM_SHA256";
  info.date = "Mon, 23 Nov 2026 13:22:07 +0000";
  EXPECT_EQ(received_field(info),
            "Received: from client.example.net ([192.0.2.7])\r\n\tby mx.example.org (Roost) with ESMTPS id ID1\r\n"
            "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256); Mon, 23 Nov 2026 13:22:07 +0000\r\n");
}

TEST(SmtpReply, RendersEnhancedCodeOnEveryLine) {
  Reply r = reply(250, "2.0.0", "Ok");
  r.lines = {"one", "two"};
  EXPECT_EQ(r.render(), "250-2.0.0 one\r\n250 2.0.0 two\r\n");
  Reply plain;
  plain.code = 354;
  plain.lines = {"go"};
  EXPECT_EQ(plain.render(), "354 go\r\n");
}

TEST(SmtpReply, TextNeverCarriesLineBreaks) {
  EXPECT_EQ(reply(501, "5.5.4", "bad\r\n250 ok").render(), "501 5.5.4 bad250 ok\r\n");
  EXPECT_TRUE(reply(501, "5.5.4", "x").client_error);
  EXPECT_FALSE(server_reply(554, "5.6.0", "x").client_error);
  EXPECT_FALSE(reply(452, "4.5.3", "x").client_error);
}

TEST(SmtpReply, EveryStoreErrorHasAReplyAndTemporaryOnesAre4xx) {
  using store::StoreError;
  for (StoreError e : {StoreError::not_found, StoreError::exists, StoreError::over_quota, StoreError::account_disabled,
                       StoreError::auth_failed, StoreError::invalid, StoreError::busy, StoreError::io, StoreError::corrupt,
                       StoreError::schema_too_new}) {
    Reply r = reply_for_store_error(e);
    EXPECT_FALSE(r.client_error);
    EXPECT_FALSE(r.enhanced.empty());
    if (e == StoreError::busy || e == StoreError::io || e == StoreError::over_quota) {
      EXPECT_EQ(r.code / 100, 4);
    }
  }
  EXPECT_EQ(reply_for_store_error(StoreError::busy).render(), "451 4.3.0 Local error in processing, try again later\r\n");
  EXPECT_EQ(reply_for_store_error(StoreError::over_quota).render(), "452 4.2.2 Mailbox full\r\n");
}

}  // namespace
}  // namespace roost::smtp
