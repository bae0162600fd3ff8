// Tests for common/mail/mime_envelope: ENVELOPE fields from a header, the RFC 3501 7.4.2 defaults for
// Sender and Reply-To, and the rendering compared with RFC 3501's example.
#include "common/mail/mime_envelope.h"

#include <gtest/gtest.h>

#include <string>

#include "common/mail/mime_imap.h"
#include "common/mail/mime_parser.h"

namespace roost::mail {
namespace {

Envelope envelope_of(std::string_view header) { return build_envelope(split_header_fields(header)); }

// The ENVELOPE of RFC 3501 8's example exchange, from the header it describes.
TEST(Envelope, MatchesRfc3501Example) {
  Envelope e = envelope_of(
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
      "From: Terry Gray <gray@cac.washington.edu>\r\n"
      "Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
      "To: imap@cac.washington.edu\r\n"
      "cc: minutes@CNRI.Reston.VA.US,\r\n John Klensin <KLENSIN@MIT.EDU>\r\n"
      "Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n");
  EXPECT_EQ(render_envelope(e),
            R"x(("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>"))x");
}

TEST(Envelope, SenderAndReplyToDefaultToFrom) {
  Envelope e = envelope_of("From: a@b.test\r\nSender:\r\nReply-To: r@b.test\r\n\r\n");
  ASSERT_EQ(e.from.size(), 1u);
  EXPECT_EQ(e.sender, e.from);  // present but empty
  ASSERT_EQ(e.reply_to.size(), 1u);
  EXPECT_EQ(e.reply_to[0].mailbox, "r");
  Envelope none = envelope_of("Subject: x\r\n\r\n");
  EXPECT_TRUE(none.from.empty());
  EXPECT_TRUE(none.sender.empty());
  EXPECT_EQ(render_envelope(none), "(NIL \"x\" NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(Envelope, FoldingIsRemovedAndEncodedWordsKept) {
  Envelope e = envelope_of(
      "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\tsecond line\r\nIn-Reply-To: <a@x>\r\n <b@x>\r\n"
      "Message-ID:<m@x>\r\nDate:\r\n\r\n");
  EXPECT_EQ(e.subject, "=?UTF-8?B?R3LDvMOfZQ==?=\tsecond line");
  EXPECT_EQ(e.in_reply_to, "<a@x> <b@x>");
  EXPECT_EQ(e.message_id, "<m@x>");
  EXPECT_EQ(e.date, "");
}

TEST(Envelope, FirstFieldCounts) {
  Envelope e = envelope_of("Subject: one\r\nSubject: two\r\n\r\n");
  EXPECT_EQ(e.subject, "one");
}

TEST(Envelope, GroupsAndEightBitRender) {
  Envelope e = envelope_of(
      "From: J\xC3\xBCrgen <j@example.de>\r\nTo: A Group:Ed Jones <c@a.test>,joe@where.test;\r\n"
      "Cc: undisclosed-recipients:;\r\n\r\n");
  EXPECT_EQ(render_envelope(e),
            "(NIL NIL (({7}\r\nJ\xC3\xBCrgen NIL \"j\" \"example.de\")) (({7}\r\nJ\xC3\xBCrgen NIL \"j\" "
            "\"example.de\")) (({7}\r\nJ\xC3\xBCrgen NIL \"j\" \"example.de\")) ((NIL NIL \"A Group\" NIL)"
            "(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")(NIL NIL NIL NIL)) ((NIL NIL "
            "\"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL)");
}

}  // namespace
}  // namespace roost::mail
