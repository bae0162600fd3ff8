// Mailbox names: modified UTF-7 (RFC 3501 5.1.3) both ways, strict decoding, UTF-8 mode, INBOX.
#include "imapd/mailbox_name.h"

#include <gtest/gtest.h>

namespace roost::imap {
namespace {

struct Mutf7Case {
  std::string utf8;
  std::string mutf7;
};

TEST(MailboxName, ModifiedUtf7RoundTrips) {
  const Mutf7Case cases[] = {
      {"\xe2\x98\xba", "&Jjo-"},                         // U+263A
      {"\xc3\x89t\xc3\xa9", "&AMk-t&AOk-"},              // "Été"
      {"&", "&-"},
      {"Tom & Jerry", "Tom &- Jerry"},
      {"INBOX", "INBOX"},
      {"~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
       "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},                // RFC 3501 5.1.3's example
      {"\xf0\x9f\x98\x80", "&2D3eAA-"},                   // U+1F600 as a surrogate pair
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(encode_mutf7(c.utf8), c.mutf7) << c.mutf7;
    auto decoded = decode_mutf7(c.mutf7);
    ASSERT_TRUE(decoded) << c.mutf7;
    EXPECT_EQ(*decoded, c.utf8);
  }
}

TEST(MailboxName, MalformedModifiedUtf7IsRefused) {
  for (const char* bad : {"&Jjo", "&", "&Jj-", "&AGE-", "&2D0-", "&3gA-", "a\x80", "&Jjo!-", "tab\there",
                          "&AMk", "&AMl-"}) {
    EXPECT_FALSE(decode_mutf7(bad)) << bad;
  }
}

TEST(MailboxName, Utf8ModeTakesNamesAsTheyAre) {
  EXPECT_EQ(mailbox_from_wire("\xc3\x89t\xc3\xa9", true), "\xc3\x89t\xc3\xa9");
  EXPECT_EQ(mailbox_from_wire("&AMk-t&AOk-", true), "&AMk-t&AOk-");
  EXPECT_FALSE(mailbox_from_wire("\xc3", true));
  EXPECT_FALSE(mailbox_from_wire("\xed\xa0\x80", true));  // a surrogate
  EXPECT_FALSE(mailbox_from_wire("\xc0\xaf", true));      // overlong
  EXPECT_EQ(mailbox_from_wire("&AMk-t&AOk-", false), "\xc3\x89t\xc3\xa9");
  EXPECT_FALSE(mailbox_from_wire("\xc3\x89t\xc3\xa9", false));
  EXPECT_EQ(mailbox_to_wire("\xc3\x89t\xc3\xa9", false), "&AMk-t&AOk-");
  EXPECT_EQ(mailbox_to_wire("\xc3\x89t\xc3\xa9", true), "\xc3\x89t\xc3\xa9");
}

TEST(MailboxName, InboxIsCaseInsensitive) {
  EXPECT_EQ(mailbox_from_wire("inbox", false), "INBOX");
  EXPECT_EQ(mailbox_from_wire("InBox/Sub", true), "INBOX/Sub");
  EXPECT_EQ(mailbox_from_wire("inboxes", false), "inboxes");
}

}  // namespace
}  // namespace roost::imap
