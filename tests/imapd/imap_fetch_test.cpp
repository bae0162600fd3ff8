// Tests of FETCH responses (imapd/imap_fetch.h) against a real store: every data item and section,
// partials, BINARY, the UID/MODSEQ/\Seen additions, streaming in small steps, a missing
// message_parts row, and a message expunged while the FETCH runs.
#include "imapd/imap_fetch.h"

#include <gtest/gtest.h>

#include "common/mail/mime_codec.h"
#include "imapd/message_source.h"
#include "tests/storage/store_fixture.h"

namespace roost::imap {
namespace {

using store::testing::StoreTest;

const std::string kPlain =
    "From: Alice Example <alice@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Lunch\r\n"
    "X-Long: first\r\n"
    " second\r\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <1@example.org>\r\n"
    "\r\n"
    "Shall we meet at noon?\r\n";

const std::string kMixedHeader =
    "From: Carol <carol@example.com>\r\n"
    "To: alice@example.org\r\n"
    "Subject: Report\r\n"
    "Date: Tue, 24 Nov 2026 09:30:00 +0100\r\n"
    "Message-ID: <2@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n";
const std::string kInnerMessage =
    "From: Dave <dave@example.net>\r\n"
    "Subject: Inner\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "plain inner\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>html inner</p>\r\n"
    "--inner--";
const std::string kMixedBody =
    "This is a multi-part message in MIME format.\r\n"
    "--outer\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=C3=A9 at 10=\r\n"
    "am.\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
    "\r\n"
    "AAECAwQF\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n" +
    kInnerMessage +
    "\r\n"
    "--outer--\r\n";
const std::string kMixed = kMixedHeader + kMixedBody;

const std::string kAlternative =
    "From: Erin <erin@example.org>\r\n"
    "Subject: Both\r\n"
    "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Hello\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=us-ascii\r\n"
    "\r\n"
    "<b>Hello</b>\r\n"
    "--alt--\r\n";

// No closing boundary, an unknown transfer encoding.
const std::string kBroken =
    "Subject: broken\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Transfer-Encoding: x-uuencode\r\n"
    "\r\n"
    "unterminated\r\n";

constexpr std::int64_t kInternalDate = 1700000000;  // 14-Nov-2023 22:13:20 UTC

Fetch parse_fetch(const std::string& items) {
  auto command = parse_command(RawCommand{"a", "a FETCH 1:* " + items});
  EXPECT_TRUE(command.ok()) << items;
  if (!command.ok()) return {};
  return std::get<Fetch>(command->body);
}

// Checks that every literal's announced size matches the bytes and the response ends in ")\r\n".
bool well_formed(const std::string& response) {
  std::size_t i = 0;
  while (i < response.size()) {
    if (response[i] == '{') {
      std::size_t close = response.find("}\r\n", i);
      if (close == std::string::npos) return false;
      std::size_t n = std::stoul(response.substr(i + 1, close - i - 1));
      i = close + 3 + n;
      if (i > response.size()) return false;
      continue;
    }
    ++i;
  }
  return response.size() >= 3 && response.compare(response.size() - 3, 3, ")\r\n") == 0;
}

class FetchTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    account_ = make_account("alice@example.org");
    inbox_ = mailbox_id(account_, "INBOX");
  }

  store::MessageInfo add(const std::string& bytes, store::Flags flags = {}) {
    auto a = w<store::AppendResult>(
        [&](store::WriteCtx& c) { return store::append(c, inbox_, bytes, flags, kInternalDate); });
    EXPECT_TRUE(a.ok());
    auto info = r<store::MessageInfo>([&](store::Db& db) { return store::get_message(db, inbox_, a->uid); });
    EXPECT_TRUE(info.ok());
    return *info;
  }

  // Runs a FETCH of `items` over `messages` (sequence numbers 1, 2, ...) to the end.
  std::string fetch_all(const std::vector<store::MessageInfo>& messages, const std::string& items,
                    FetchOptions options = {}, std::size_t budget = 1 << 20, bool seen_set = false) {
    std::vector<FetchTarget> targets;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      targets.push_back(FetchTarget{static_cast<std::uint32_t>(i + 1), messages[i], seen_set});
    }
    FetchJob job(*store_, parse_fetch(items), std::move(targets), options);
    std::string out;
    for (int step = 0; step < 100000; ++step) {
      auto done = job.run(out, budget);
      EXPECT_TRUE(done.ok());
      if (!done.ok() || *done) break;
    }
    return out;
  }
  std::string fetch(const store::MessageInfo& message, const std::string& items, FetchOptions options = {}) {
    return fetch_all({message}, items, options);
  }

  std::int64_t account_ = 0;
  std::int64_t inbox_ = 0;
};

std::string literal(const std::string& bytes) { return "{" + std::to_string(bytes.size()) + "}\r\n" + bytes; }

TEST_F(FetchTest, SimpleItemsOfAPlainMessage) {
  auto m = add(kPlain, store::Flags{store::kSeen | store::kFlagged, {"$Label1"}});
  EXPECT_EQ(fetch(m, "(UID FLAGS RFC822.SIZE INTERNALDATE)"),
            "* 1 FETCH (UID " + std::to_string(m.uid) + " FLAGS (\\Flagged \\Seen $Label1) RFC822.SIZE " +
                std::to_string(kPlain.size()) + " INTERNALDATE \"14-Nov-2023 22:13:20 +0000\")\r\n");
}

TEST_F(FetchTest, EnvelopeOfAPlainMessage) {
  auto m = add(kPlain);
  EXPECT_EQ(fetch(m, "ENVELOPE"),
            "* 1 FETCH (ENVELOPE (\"Mon, 23 Nov 2026 10:00:00 +0000\" \"Lunch\" "
            "((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Alice Example\" NIL \"alice\" \"example.org\")) "
            "((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Bob\" NIL \"bob\" \"example.net\")) "
            "NIL NIL NIL \"<1@example.org>\"))\r\n");
}

// RFC 3501 7.4.2: a text part carries its size in bytes and lines; BODY leaves out extension data.
TEST_F(FetchTest, BodyStructureOfAPlainMessage) {
  auto m = add(kPlain);
  EXPECT_EQ(fetch(m, "BODY"), "* 1 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 24 1))\r\n");
  EXPECT_EQ(fetch(m, "BODYSTRUCTURE"),
            "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 24 1 NIL NIL NIL "
            "NIL))\r\n");
}

// The form Dovecot 2.3 gives for multipart/alternative: the parts, the subtype, then the parameters.
TEST_F(FetchTest, BodyStructureOfAnAlternative) {
  auto m = add(kAlternative);
  EXPECT_EQ(fetch(m, "BODYSTRUCTURE"),
            "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 0 NIL NIL NIL "
            "NIL)(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 0 NIL NIL NIL NIL) \"alternative\" "
            "(\"boundary\" \"alt\") NIL NIL NIL))\r\n");
}

// RFC 3501 7.4.2 and Dovecot 2.3's form: a message/rfc822 part carries the enclosed message's
// envelope, body structure and line count; an attachment its disposition.
TEST_F(FetchTest, BodyStructureOfAMixedMessageWithAttachments) {
  auto m = add(kMixed);
  const std::string inner_envelope =
      "(NIL \"Inner\" ((\"Dave\" NIL \"dave\" \"example.net\")) ((\"Dave\" NIL \"dave\" \"example.net\")) "
      "((\"Dave\" NIL \"dave\" \"example.net\")) NIL NIL NIL NIL NIL)";
  const std::string size = std::to_string(kInnerMessage.size());
  EXPECT_EQ(fetch(m, "BODYSTRUCTURE"),
            "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 1 "
            "NIL NIL NIL NIL)(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" 8 NIL "
            "(\"attachment\" (\"filename\" \"data.bin\")) NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" " +
                size + " " + inner_envelope +
                " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 0 NIL NIL NIL NIL)(\"text\" "
                "\"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 17 0 NIL NIL NIL NIL) \"alternative\" "
                "(\"boundary\" \"inner\") NIL NIL NIL) 12 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"outer\") NIL NIL "
                "NIL))\r\n");
  EXPECT_EQ(fetch(m, "BODY"),
            "* 1 FETCH (BODY ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 1)"
            "(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" 8)(\"message\" \"rfc822\" "
            "NIL NIL NIL \"7bit\" " +
                size + " " + inner_envelope +
                " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 0)(\"text\" \"html\" "
                "(\"charset\" \"us-ascii\") NIL NIL \"7bit\" 17 0) \"alternative\") 12) \"mixed\"))\r\n");
}

TEST_F(FetchTest, WholeMessageHeaderAndText) {
  auto m = add(kPlain);
  std::size_t split = kPlain.find("\r\n\r\n") + 4;
  EXPECT_EQ(fetch(m, "BODY[]"), "* 1 FETCH (BODY[] " + literal(kPlain) + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[HEADER]"), "* 1 FETCH (BODY[HEADER] " + literal(kPlain.substr(0, split)) + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY[TEXT]"), "* 1 FETCH (BODY[TEXT] " + literal(kPlain.substr(split)) + ")\r\n");
  // Part 1 of a message that is not multipart is its body (RFC 9051 6.4.5).
  EXPECT_EQ(fetch(m, "BODY[1]"), "* 1 FETCH (BODY[1] " + literal(kPlain.substr(split)) + ")\r\n");
}

TEST_F(FetchTest, Rfc822ItemsAnswerUnderTheirOwnNames) {
  auto m = add(kPlain);
  std::size_t split = kPlain.find("\r\n\r\n") + 4;
  EXPECT_EQ(fetch(m, "(RFC822.HEADER RFC822.TEXT RFC822)"),
            "* 1 FETCH (RFC822.HEADER " + literal(kPlain.substr(0, split)) + " RFC822.TEXT " +
                literal(kPlain.substr(split)) + " RFC822 " + literal(kPlain) + ")\r\n");
}

TEST_F(FetchTest, HeaderFieldsKeepMessageOrderAndFolding) {
  auto m = add(kPlain);
  EXPECT_EQ(fetch(m, "BODY.PEEK[HEADER.FIELDS (x-long From)]"),
            "* 1 FETCH (BODY[HEADER.FIELDS (X-LONG FROM)] " +
                literal("From: Alice Example <alice@example.org>\r\nX-Long: first\r\n second\r\n\r\n") + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[HEADER.FIELDS.NOT (X-LONG FROM TO DATE)]"),
            "* 1 FETCH (BODY[HEADER.FIELDS.NOT (X-LONG FROM TO DATE)] " +
                literal("Subject: Lunch\r\nMessage-ID: <1@example.org>\r\n\r\n") + ")\r\n");
  // No field matches: only the empty line.
  EXPECT_EQ(fetch(m, "BODY.PEEK[HEADER.FIELDS (CC)]"), "* 1 FETCH (BODY[HEADER.FIELDS (CC)] {2}\r\n\r\n)\r\n");
}

TEST_F(FetchTest, PartialBodies) {
  auto m = add(kPlain);
  EXPECT_EQ(fetch(m, "BODY.PEEK[]<0.10>"), "* 1 FETCH (BODY[]<0> {10}\r\nFrom: Alic)\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[]<6.5>"), "* 1 FETCH (BODY[]<6> {5}\r\nAlice)\r\n");
  // Past the end: what is left, then nothing.
  std::string tail = kPlain.substr(kPlain.size() - 4);
  EXPECT_EQ(fetch(m, "BODY.PEEK[]<" + std::to_string(kPlain.size() - 4) + ".100>"),
            "* 1 FETCH (BODY[]<" + std::to_string(kPlain.size() - 4) + "> " + literal(tail) + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[]<100000.10>"), "* 1 FETCH (BODY[]<100000> \"\")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[HEADER.FIELDS (SUBJECT)]<2.5>"),
            "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<2> {5}\r\nbject)\r\n");
}

TEST_F(FetchTest, NestedPartsOfAMixedMessage) {
  auto m = add(kMixed);
  EXPECT_EQ(fetch(m, "BODY.PEEK[1]"), "* 1 FETCH (BODY[1] " + literal("Caf=C3=A9 at 10=\r\nam.") + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[1.MIME]"),
            "* 1 FETCH (BODY[1.MIME] " +
                literal("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n") +
                ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[2]"), "* 1 FETCH (BODY[2] {8}\r\nAAECAwQF)\r\n");
  // A message/rfc822 part: its body is the enclosed message; HEADER and TEXT address that message.
  EXPECT_EQ(fetch(m, "BODY.PEEK[3]"), "* 1 FETCH (BODY[3] " + literal(kInnerMessage) + ")\r\n");
  std::size_t split = kInnerMessage.find("\r\n\r\n") + 4;
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.HEADER]"),
            "* 1 FETCH (BODY[3.HEADER] " + literal(kInnerMessage.substr(0, split)) + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.TEXT]"),
            "* 1 FETCH (BODY[3.TEXT] " + literal(kInnerMessage.substr(split)) + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.HEADER.FIELDS (SUBJECT)]"),
            "* 1 FETCH (BODY[3.HEADER.FIELDS (SUBJECT)] " + literal("Subject: Inner\r\n\r\n") + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.1]"), "* 1 FETCH (BODY[3.1] {11}\r\nplain inner)\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.2]"), "* 1 FETCH (BODY[3.2] {17}\r\n<p>html inner</p>)\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[3.2.MIME]"),
            "* 1 FETCH (BODY[3.2.MIME] " + literal("Content-Type: text/html\r\n\r\n") + ")\r\n");
  EXPECT_EQ(fetch(m, "BODY.PEEK[TEXT]"), "* 1 FETCH (BODY[TEXT] " + literal(kMixedBody) + ")\r\n");
}

TEST_F(FetchTest, MissingPartsGiveEmptyStrings) {
  auto m = add(kMixed);
  EXPECT_EQ(fetch(m, "(BODY.PEEK[4] BODY.PEEK[3.3] BODY.PEEK[1.HEADER] BODY.PEEK[2.1])"),
            "* 1 FETCH (BODY[4] \"\" BODY[3.3] \"\" BODY[1.HEADER] \"\" BODY[2.1] \"\")\r\n");
}

TEST_F(FetchTest, BinaryDecodesBase64AndQuotedPrintable) {
  auto m = add(kMixed);
  EXPECT_EQ(fetch(m, "BINARY.PEEK[1]"), "* 1 FETCH (BINARY[1] {14}\r\nCaf\xC3\xA9 at 10am.)\r\n");
  EXPECT_EQ(fetch(m, "BINARY.PEEK[2]"), "* 1 FETCH (BINARY[2] ~{6}\r\n" + std::string("\0\1\2\3\4\5", 6) + ")\r\n");
  EXPECT_EQ(fetch(m, "(BINARY.SIZE[1] BINARY.SIZE[2] BINARY.SIZE[3.1])"),
            "* 1 FETCH (BINARY.SIZE[1] 14 BINARY.SIZE[2] 6 BINARY.SIZE[3.1] 11)\r\n");
  EXPECT_EQ(fetch(m, "BINARY.PEEK[1]<3.4>"), "* 1 FETCH (BINARY[1]<3> {4}\r\n\xC3\xA9 a)\r\n");
  EXPECT_EQ(fetch(m, "BINARY.PEEK[2]<6.1>"), "* 1 FETCH (BINARY[2]<6> \"\")\r\n");
}

// RFC 3516 4.3: content holding NUL goes out as a literal8, other content as a plain literal.
TEST_F(FetchTest, BinaryUsesLiteral8OnlyForContentWithNul) {
  std::string part("a\0b\r\n", 5);
  auto m = add("Subject: raw\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
               "Content-Transfer-Encoding: binary\r\n\r\n" + part + "\r\n--b\r\n\r\n8-bit \xC3\xA9\r\n--b--\r\n");
  EXPECT_EQ(fetch(m, "(BINARY.PEEK[1] BINARY.PEEK[2] BINARY.SIZE[1])"),
            "* 1 FETCH (BINARY[1] ~{5}\r\n" + part + " BINARY[2] {8}\r\n8-bit \xC3\xA9 BINARY.SIZE[1] 5)\r\n");
}

TEST_F(FetchTest, UnknownTransferEncodingIsADistinctError) {
  auto good = add(kPlain);
  auto broken = add(kBroken);
  std::vector<FetchTarget> targets{{1, good, false}, {2, broken, false}};
  FetchJob job(*store_, parse_fetch("(UID BINARY.PEEK[1])"), targets, {});
  std::string out;
  auto done = job.run(out, 1 << 20);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error(), store::StoreError::invalid);
  EXPECT_TRUE(job.unknown_cte());
  EXPECT_FALSE(job.broken());
  // The first message's response is complete; none was started for the second.
  EXPECT_EQ(out, "* 1 FETCH (UID " + std::to_string(good.uid) + " BINARY[1] {24}\r\nShall we meet at noon?\r\n)\r\n");
  // BODY[] of the same part is raw bytes and works.
  EXPECT_EQ(fetch(broken, "BODY.PEEK[1]"), "* 1 FETCH (BODY[1] {14}\r\nunterminated\r\n)\r\n");
}

TEST_F(FetchTest, BrokenMailStillGivesWellFormedResponses) {
  auto m = add(kBroken);
  for (const char* items : {"BODYSTRUCTURE", "ENVELOPE", "BODY.PEEK[1]", "BODY.PEEK[1.MIME]", "BODY.PEEK[TEXT]",
                            "BODY.PEEK[2]", "BINARY.SIZE[]"}) {
    std::string out = fetch(m, items);
    EXPECT_TRUE(well_formed(out)) << items << ": " << out;
  }
}

TEST_F(FetchTest, UidCommandAndCondstoreAddUidAndModseq) {
  auto m = add(kPlain);
  std::string uid = std::to_string(m.uid);
  EXPECT_EQ(fetch(m, "FLAGS", FetchOptions{true, false}), "* 1 FETCH (UID " + uid + " FLAGS ())\r\n");
  EXPECT_EQ(fetch(m, "(FLAGS UID)", FetchOptions{true, false}), "* 1 FETCH (FLAGS () UID " + uid + ")\r\n");
  EXPECT_EQ(fetch(m, "FLAGS", FetchOptions{true, true}),
            "* 1 FETCH (UID " + uid + " FLAGS () MODSEQ (" + std::to_string(m.modseq) + "))\r\n");
  EXPECT_EQ(fetch(m, "MODSEQ"), "* 1 FETCH (MODSEQ (" + std::to_string(m.modseq) + "))\r\n");
}

TEST_F(FetchTest, SeenSetByTheFetchSendsFlags) {
  auto m = add(kPlain);
  std::string out = fetch_all({m}, "BODY[TEXT]", {}, 1 << 20, true);
  EXPECT_EQ(out, "* 1 FETCH (BODY[TEXT] {24}\r\nShall we meet at noon?\r\n FLAGS (\\Seen))\r\n");
}

TEST_F(FetchTest, WhichItemsSetSeen) {
  EXPECT_TRUE(fetch_sets_seen(parse_fetch("BODY[]")));
  EXPECT_TRUE(fetch_sets_seen(parse_fetch("RFC822")));
  EXPECT_TRUE(fetch_sets_seen(parse_fetch("RFC822.TEXT")));
  EXPECT_TRUE(fetch_sets_seen(parse_fetch("BINARY[1]")));
  EXPECT_FALSE(fetch_sets_seen(parse_fetch("(BODY.PEEK[] BINARY.PEEK[1] RFC822.HEADER BINARY.SIZE[1] FLAGS)")));
  EXPECT_FALSE(fetch_sets_seen(parse_fetch("ALL")));
}

TEST_F(FetchTest, SeveralMessagesInSequenceOrder) {
  auto a = add(kPlain);
  auto b = add(kAlternative);
  EXPECT_EQ(fetch_all({a, b}, "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
            "* 1 FETCH (UID " + std::to_string(a.uid) + " BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: Lunch\r\n\r\n)\r\n"
            "* 2 FETCH (UID " + std::to_string(b.uid) + " BODY[HEADER.FIELDS (SUBJECT)] {17}\r\nSubject: Both\r\n\r\n)\r\n");
}

// A large body goes out in budget-sized steps, and the pieces add up to the one-shot answer.
TEST_F(FetchTest, LargeBodyStreamsInBudgetSizedSteps) {
  std::string big = "Subject: big\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string line;
  for (int i = 0; i < 19; ++i) line += "AAECAwQF";
  line.resize(76);
  line += "\r\n";
  while (big.size() < 3 * 1024 * 1024) big += line;
  big += "--x--\r\n";
  auto m = add(big);
  const std::string items = "(BODY.PEEK[] BINARY.PEEK[1] BODY.PEEK[1]<1000.500000>)";
  std::string whole = fetch_all({m}, items);
  ASSERT_TRUE(well_formed(whole));

  const std::size_t budget = 16 * 1024;
  std::vector<FetchTarget> targets{{1, m, false}};
  FetchJob job(*store_, parse_fetch(items), targets, {});
  std::string out;
  int calls = 0;
  for (;;) {
    std::size_t before = out.size();
    auto done = job.run(out, budget);
    ASSERT_TRUE(done.ok());
    ++calls;
    // Never more than the budget plus a response's short text at once.
    EXPECT_LE(out.size() - before, budget + 256);
    if (*done) break;
    ASSERT_LT(calls, 100000);
  }
  EXPECT_GT(calls, 300);
  EXPECT_EQ(out, whole);
}

// Many small responses with a small budget: each step ends between responses, nothing is lost or repeated.
TEST_F(FetchTest, ManyMessagesInSmallSteps) {
  std::vector<store::MessageInfo> messages;
  for (int i = 0; i < 30; ++i) messages.push_back(add(i % 2 ? kPlain : kMixed));
  const std::string items = "(UID FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])";
  std::string whole = fetch_all(messages, items);
  EXPECT_EQ(whole.find("* 30 FETCH (UID " + std::to_string(messages[29].uid) + " "), whole.rfind("* "));
  std::string stepped = fetch_all(messages, items, {}, 100);
  EXPECT_EQ(stepped, whole);
}

// RFC 9051 7.5.2: a message expunged by another session while its body streams still goes out whole
// (the job's read snapshot keeps the bytes); a later one is answered from that snapshot or skipped.
TEST_F(FetchTest, ExpungeDuringAStreamingBodyNeverBreaksTheLiteral) {
  std::string big = "Subject: big\r\n\r\n";
  while (big.size() < 1024 * 1024) big += "line of text in a large message body\r\n";
  auto first = add(big, store::Flags{store::kDeleted, {}});
  auto second = add(kPlain, store::Flags{store::kDeleted, {}});
  const std::string items = "(UID BODY.PEEK[])";
  std::string whole = fetch_all({first}, items);

  std::vector<FetchTarget> targets{{1, first, false}, {2, second, false}};
  FetchJob job(*store_, parse_fetch(items), targets, {});
  std::string out;
  auto done = job.run(out, 64 * 1024);
  ASSERT_TRUE(done.ok());
  ASSERT_FALSE(*done);
  auto removed = w<std::vector<std::uint32_t>>([&](store::WriteCtx& c) { return store::expunge(c, inbox_); });
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 2u);
  for (int step = 0; step < 10000; ++step) {
    done = job.run(out, 64 * 1024);
    ASSERT_TRUE(done.ok());
    if (*done) break;
  }
  EXPECT_FALSE(job.broken());
  ASSERT_GE(out.size(), whole.size());
  EXPECT_TRUE(out.compare(0, whole.size(), whole) == 0);
  // The second message is answered whole from the snapshot still open, or skipped: never cut.
  std::string rest = out.substr(whole.size());
  EXPECT_TRUE(rest.empty() || rest == "* 2 FETCH (UID " + std::to_string(second.uid) + " BODY[] " + literal(kPlain) +
                                          ")\r\n")
      << rest;
}

TEST_F(FetchTest, MissingPartsRowIsParsedAgainWithTheSameAnswer) {
  auto m = add(kMixed);
  const std::string items =
      "(ENVELOPE BODYSTRUCTURE BODY BODY.PEEK[3.2] BODY.PEEK[3.HEADER] BINARY.PEEK[1] BODY.PEEK[1.MIME])";
  std::string with_row = fetch(m, items);
  std::string envelope_only = fetch(m, "ENVELOPE");
  ASSERT_TRUE(wv([&](store::WriteCtx& c) -> store::StoreResult<bool> {
                auto q = c.db.query("DELETE FROM message_parts WHERE blob_id = ?1");
                if (!q.ok()) return fail(q.error());
                (*q)->bind(1, m.blob_id);
                auto run = (*q)->run();
                if (!run.ok()) return fail(run.error());
                return true;
              }).ok());
  auto parts = r<store::MessageParts>([&](store::Db& db) { return store::get_message_parts(db, m.blob_id); });
  ASSERT_FALSE(parts.ok());
  EXPECT_EQ(fetch(m, items), with_row);
  EXPECT_EQ(fetch(m, "ENVELOPE"), envelope_only);
}

// The stored structure is what FETCH uses: a row that says otherwise than the bytes wins, so the
// message was not parsed again. A row of another parser version is not trusted.
TEST_F(FetchTest, StoredStructureIsUsedWithoutParsingAgain) {
  auto m = add(kAlternative);
  std::string original = fetch(m, "BODYSTRUCTURE");
  mail::ParsedMessage parsed = mail::parse_mime_message(kAlternative);
  parsed.root.children[1].subtype = "x-stored";
  store::MessageParts row;
  row.blob_id = m.blob_id;
  row.parser_version = static_cast<int>(mail::kMimeFormatVersion);
  row.body_structure = mail::encode_parsed_message(parsed);
  row.envelope = mail::encode_envelope(*parsed.root.envelope);
  ASSERT_TRUE(wv([&](store::WriteCtx& c) { return store::set_message_parts(c, row); }).ok());
  std::string stored = fetch(m, "BODYSTRUCTURE");
  EXPECT_NE(stored.find("\"text\" \"x-stored\""), std::string::npos) << stored;

  row.parser_version = static_cast<int>(mail::kMimeFormatVersion) + 1;
  ASSERT_TRUE(wv([&](store::WriteCtx& c) { return store::set_message_parts(c, row); }).ok());
  EXPECT_EQ(fetch(m, "BODYSTRUCTURE"), original);
}

TEST_F(FetchTest, ExpungedMessageIsSkippedWhenItsBytesAreGone) {
  auto gone = add(kPlain, store::Flags{store::kDeleted, {}});
  auto kept = add(kAlternative);
  ASSERT_TRUE(w<std::vector<std::uint32_t>>([&](store::WriteCtx& c) { return store::expunge(c, inbox_); }).ok());
  // The session's view still has the message: its bytes are gone, its flags and UID are known.
  EXPECT_EQ(fetch_all({gone, kept}, "(UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
            "* 2 FETCH (UID " + std::to_string(kept.uid) +
                " BODY[HEADER.FIELDS (SUBJECT)] {17}\r\nSubject: Both\r\n\r\n)\r\n");
  EXPECT_EQ(fetch_all({gone}, "(UID FLAGS)"), "* 1 FETCH (UID " + std::to_string(gone.uid) + " FLAGS (\\Deleted))\r\n");
  EXPECT_EQ(fetch_all({gone}, "ENVELOPE"), "");
}

}  // namespace
}  // namespace roost::imap
