// SEARCH evaluation against a real store: every key on a mailbox of varied messages (plain, multipart
// with a base64 part, quoted-printable Latin-1, KOI8-R, RFC 2047 headers, an attached message, a 5 MB
// message), nesting, "$" and "*", CHARSET, MODSEQ, and both ways of finding a message's structure.
#include "imapd/imap_search_eval.h"

#include <gtest/gtest.h>

#include "common/mail/date.h"
#include "common/mail/mime_codec.h"
#include "imapd/imap_command.h"
#include "storage/mailboxes.h"
#include "tests/storage/store_fixture.h"

namespace roost::imap {
namespace {

using store::Flags;
using Seqs = std::vector<std::uint32_t>;

std::int64_t at(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  return mail::days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

const std::string kPlain =
    "From: Alice Example <alice@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Cc: carol@example.com\r\n"
    "Subject: Lunch on Friday\r\n"
    "Date: Fri, 06 Nov 2026 23:30:00 -0800\r\n"
    "Message-ID: <plain-1@example.org>\r\n"
    "\r\n"
    "Shall we meet at the usual place?\r\n"
    "The quarterly numbers look fine.\r\n";

const std::string kAlternative =
    "From: Bob <bob@example.net>\r\n"
    "To: Alice Example <alice@example.org>\r\n"
    "Subject: =?UTF-8?B?Q2Fmw6kg4piVIG1lZXRpbmc=?=\r\n"
    "Date: Tue, 10 Nov 2026 12:00:00 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "R3LDvMOfZSBhdXMgTcO8bmNo\r\n"
    "ZW4hIERhcyBUcmVmZmVuIGlzdCB2ZXJzY2hvYmVuLg0K\r\n"
    "--b1\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<p>Gr=C3=BC=C3=9Fe, the <b>agenda</b> follows.</p>\r\n"
    "--b1--\r\n";

const std::string kLatin1 =
    "From: =?ISO-8859-1?Q?J=F6rg?= Schmidt <joerg@example.de>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Bcc: audit@example.de\r\n"
    "Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=\r\n"
    "Date: Thu, 12 Nov 2026 01:00:00 +0200\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Le CAF=C9 est pr=EAt.\r\n"
    "Soft=\r\n"
    "break word\r\n";

const std::string kKoi8 =
    "From: ivan@example.ru\r\n"
    "To: bob@example.net\r\n"
    "Subject: =?KOI8-R?B?79Teo9Q=?=\r\n"
    "Content-Type: text/plain; charset=KOI8-R\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2! \xf7\xd3\xd4\xd2\xc5\xde\xc1 \xd7 \xd0\xd1\xd4\xce\xc9\xc3\xd5.\r\n";

const std::string kMixed =
    "From: Dave <dave@example.org>\r\n"
    "To: alice@example.org\r\n"
    "Subject: Fwd: report\r\n"
    "Date: Sat, 14 Nov 2026 09:00:00 +0000\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble text is not part of any body\r\n"
    "--outer\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "See the attached message and the file.\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "attachmentonly data\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "Subject: Inner subject\r\n"
    "From: erin@example.org\r\n"
    "\r\n"
    "forwarded body text\r\n"
    "--outer--\r\n";

// A body of `size` bytes of filler lines, with `words` written at the given offsets.
std::string filler_body(std::size_t size, const std::vector<std::pair<std::size_t, std::string>>& words) {
  static const std::string kLine = "lorem ipsum dolor sit amet consectetur\r\n";
  std::string body;
  body.reserve(size);
  while (body.size() < size) body += kLine;
  body.resize(size);
  for (const auto& [offset, word] : words) body.replace(offset, word.size(), word);
  return body;
}

// Body search reads 64 KiB pieces from a part's body start: these words straddle the first cut.
constexpr std::size_t kCut = 64 * 1024;

std::string big_message() {
  return "From: logger@example.org\r\nSubject: Big log\r\nDate: Fri, 13 Nov 2026 10:00:00 +0000\r\n\r\n" +
         filler_body(5 * 1024 * 1024, {{kCut - 5, "straddleword"}, {5 * 1024 * 1024 - 40, "needle-at-the-end"}});
}

std::string qp_straddle_message() {
  // "fa=E7ade" with its escape cut after "=" by the piece boundary.
  std::string body = filler_body(200 * 1024, {{kCut - 3, "fa=E7ade"}});
  return "From: archi@example.fr\r\nSubject: Plans\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body;
}

class SearchEvalTest : public store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto account = make_account("alice@example.org");
    inbox_ = mailbox_id(account, "INBOX");
    // An expunged first message, so that UIDs (2..8) differ from sequence numbers (1..7).
    add("Subject: gone\r\n\r\nx\r\n", {store::kDeleted, {}}, at(2026, 11, 1));
    ASSERT_TRUE(wv([&](store::WriteCtx& c) { return store::expunge(c, inbox_); }).ok());
    add(kPlain, {store::kSeen, {"$Important"}}, at(2026, 11, 7, 8));
    add(kAlternative, {store::kFlagged | store::kAnswered, {}}, at(2026, 11, 10, 12));
    add(kLatin1, {store::kDeleted | store::kDraft, {"Work"}}, at(2026, 11, 11, 23, 59, 59));
    add(kKoi8, {}, at(2026, 11, 12));
    add(big_message(), {store::kSeen, {}}, at(2026, 11, 13));
    add(kMixed, {store::kSeen, {"work"}}, at(2026, 11, 14));
    add(qp_straddle_message(), {}, at(2026, 11, 15));
    reload();
  }

  void add(const std::string& bytes, const Flags& flags, std::int64_t internal_date) {
    auto a = w<store::AppendResult>(
        [&](store::WriteCtx& c) { return store::append(c, inbox_, bytes, flags, internal_date); });
    ASSERT_TRUE(a.ok());
  }
  void reload() {
    auto list = r<std::vector<store::MessageInfo>>([&](store::Db& db) { return store::list_messages(db, inbox_); });
    ASSERT_TRUE(list.ok());
    view_ = *list;
  }
  // Marks every message's stored structure as written by another parser version, so the search must
  // parse the messages itself.
  void outdate_parts() {
    for (const auto& m : view_) {
      ASSERT_TRUE(wv([&](store::WriteCtx& c) {
                    return store::set_message_parts(c, store::MessageParts{m.blob_id, 0, "", "", ""});
                  }).ok());
    }
  }

  static Search parse_search(const std::string& args) {
    std::string text = "a SEARCH " + args;
    auto command = parse_command(RawCommand{"a", text});
    EXPECT_TRUE(command.ok()) << text;
    if (!command.ok()) return {};
    return std::get<Search>(command->body);
  }
  SearchContext context(const std::vector<std::uint32_t>* saved = nullptr) const {
    SearchContext c;
    c.max_seq = static_cast<std::uint32_t>(view_.size());
    c.max_uid = view_.empty() ? 0 : view_.back().uid;
    c.saved_uids = saved;
    return c;
  }
  store::StoreResult<SearchOutcome> run(const std::string& args, const std::vector<std::uint32_t>* saved = nullptr) {
    Search search = parse_search(args);
    SearchContext c = context(saved);
    c.charset = search.charset;
    return search_messages(*store_, search.key, view_, c);
  }
  Seqs seqs(const std::string& args, const std::vector<std::uint32_t>* saved = nullptr) {
    auto outcome = run(args, saved);
    EXPECT_TRUE(outcome.ok()) << args;
    return outcome.ok() ? outcome->seqs : Seqs{999};
  }

  std::int64_t inbox_ = 0;
  std::vector<store::MessageInfo> view_;
};

TEST_F(SearchEvalTest, ViewHasUidsOffsetFromSequenceNumbers) {
  ASSERT_EQ(view_.size(), 7u);
  EXPECT_EQ(view_.front().uid, 2u);
  EXPECT_EQ(view_.back().uid, 8u);
}

TEST_F(SearchEvalTest, AllAndSequenceSets) {
  EXPECT_EQ(seqs("ALL"), (Seqs{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(seqs("2:4"), (Seqs{2, 3, 4}));
  EXPECT_EQ(seqs("4:2"), (Seqs{2, 3, 4}));
  EXPECT_EQ(seqs("*"), (Seqs{7}));
  EXPECT_EQ(seqs("6:*"), (Seqs{6, 7}));
  EXPECT_EQ(seqs("1,3,99"), (Seqs{1, 3}));
  // UIDs are one more than sequence numbers here.
  EXPECT_EQ(seqs("UID 2:4"), (Seqs{1, 2, 3}));
  EXPECT_EQ(seqs("UID *"), (Seqs{7}));
  EXPECT_EQ(seqs("UID 1"), Seqs{});
  EXPECT_EQ(seqs("UID 8:100"), (Seqs{7}));
}

TEST_F(SearchEvalTest, SavedResultIsUids) {
  std::vector<std::uint32_t> saved{3, 5};
  EXPECT_EQ(seqs("$", &saved), (Seqs{2, 4}));
  EXPECT_EQ(seqs("UID $", &saved), (Seqs{2, 4}));
  EXPECT_EQ(seqs("NOT $", &saved), (Seqs{1, 3, 5, 6, 7}));
  EXPECT_EQ(seqs("$"), Seqs{});  // nothing saved: the empty set (RFC 5182 2.1)
}

TEST_F(SearchEvalTest, SystemFlags) {
  EXPECT_EQ(seqs("SEEN"), (Seqs{1, 5, 6}));
  EXPECT_EQ(seqs("UNSEEN"), (Seqs{2, 3, 4, 7}));
  EXPECT_EQ(seqs("FLAGGED"), (Seqs{2}));
  EXPECT_EQ(seqs("UNFLAGGED"), (Seqs{1, 3, 4, 5, 6, 7}));
  EXPECT_EQ(seqs("ANSWERED"), (Seqs{2}));
  EXPECT_EQ(seqs("UNANSWERED"), (Seqs{1, 3, 4, 5, 6, 7}));
  EXPECT_EQ(seqs("DELETED"), (Seqs{3}));
  EXPECT_EQ(seqs("UNDELETED"), (Seqs{1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(seqs("DRAFT"), (Seqs{3}));
  EXPECT_EQ(seqs("UNDRAFT"), (Seqs{1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(seqs("RECENT"), Seqs{});
  EXPECT_EQ(seqs("NEW"), Seqs{});
  EXPECT_EQ(seqs("OLD"), (Seqs{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(SearchEvalTest, KeywordsCompareCaseInsensitively) {
  EXPECT_EQ(seqs("KEYWORD $important"), (Seqs{1}));
  EXPECT_EQ(seqs("KEYWORD WORK"), (Seqs{3, 6}));
  EXPECT_EQ(seqs("UNKEYWORD Work"), (Seqs{1, 2, 4, 5, 7}));
  EXPECT_EQ(seqs("KEYWORD $Junk"), Seqs{});
}

TEST_F(SearchEvalTest, InternalDatesCompareUtcDays) {
  EXPECT_EQ(seqs("ON 11-Nov-2026"), (Seqs{3}));  // 23:59:59 UTC is still the 11th
  EXPECT_EQ(seqs("BEFORE 11-Nov-2026"), (Seqs{1, 2}));
  EXPECT_EQ(seqs("SINCE 12-Nov-2026"), (Seqs{4, 5, 6, 7}));
  EXPECT_EQ(seqs("SINCE 7-Nov-2026 BEFORE 8-Nov-2026"), (Seqs{1}));
}

TEST_F(SearchEvalTest, SentDatesUseTheDateFieldsOwnDay) {
  // Message 1 was sent on the 6th at 23:30 -0800 (the 7th in UTC); message 3 on the 12th at 01:00 +0200
  // (the 11th in UTC): the day written in the field counts (RFC 9051 6.4.4). Message 4 has no Date.
  EXPECT_EQ(seqs("SENTON 6-Nov-2026"), (Seqs{1}));
  EXPECT_EQ(seqs("SENTON 12-Nov-2026"), (Seqs{3}));
  EXPECT_EQ(seqs("SENTBEFORE 12-Nov-2026"), (Seqs{1, 2}));
  EXPECT_EQ(seqs("SENTSINCE 12-Nov-2026"), (Seqs{3, 5, 6}));
  EXPECT_EQ(seqs("NOT SENTSINCE 1-Jan-1970"), (Seqs{4, 7}));
}

TEST_F(SearchEvalTest, SizesCompareStrictly) {
  EXPECT_EQ(seqs("LARGER 1000000"), (Seqs{5}));
  EXPECT_EQ(seqs("SMALLER 1000000"), (Seqs{1, 2, 3, 4, 6, 7}));
  auto size7 = std::to_string(view_[6].size);
  EXPECT_EQ(seqs("LARGER " + size7), (Seqs{5}));
  EXPECT_EQ(seqs("SMALLER " + size7), (Seqs{1, 2, 3, 4, 6}));
  EXPECT_EQ(seqs("LARGER " + std::to_string(view_[6].size - 1)), (Seqs{5, 7}));
}

TEST_F(SearchEvalTest, ModseqFindsChangedMessagesAndReportsTheHighest) {
  auto changed = w<store::StoreFlagsResult>([&](store::WriteCtx& c) {
    return store::store_flags(c, inbox_, {{view_[1].uid, view_[1].uid}}, store::FlagOp::add, {store::kSeen, {}});
  });
  ASSERT_TRUE(changed.ok());
  ASSERT_EQ(changed->changed.size(), 1u);
  std::int64_t modseq = changed->changed[0].modseq;
  reload();
  auto outcome = run("MODSEQ " + std::to_string(modseq));
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->seqs, (Seqs{2}));
  EXPECT_EQ(outcome->highest_modseq, static_cast<std::uint64_t>(modseq));

  auto all = run("MODSEQ 1");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->seqs.size(), 7u);
  EXPECT_EQ(all->highest_modseq, static_cast<std::uint64_t>(modseq));

  auto without = run("SEEN");
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->highest_modseq, 0u);  // only reported when MODSEQ was a key
}

TEST_F(SearchEvalTest, AddressAndSubjectKeysMatchDecodedHeaders) {
  EXPECT_EQ(seqs("FROM alice"), (Seqs{1}));
  EXPECT_EQ(seqs("FROM \"ALICE EXAMPLE\""), (Seqs{1}));      // the display name
  EXPECT_EQ(seqs("FROM \"j\xc3\xb6rg\""), (Seqs{3}));          // RFC 2047 ISO-8859-1 word
  EXPECT_EQ(seqs("FROM \"J\xc3\x96RG SCHMIDT\""), (Seqs{3}));  // folded across the encoded word
  EXPECT_EQ(seqs("TO bob@example.net"), (Seqs{1, 3, 4}));
  EXPECT_EQ(seqs("CC carol"), (Seqs{1}));
  EXPECT_EQ(seqs("BCC audit"), (Seqs{3}));
  EXPECT_EQ(seqs("SUBJECT \"caf\xc3\xa9\""), (Seqs{2, 3}));  // UTF-8 B and ISO-8859-1 Q words
  EXPECT_EQ(seqs("SUBJECT \"CAF\xc3\x89 CR\xc3\x88ME\""), (Seqs{3}));
  EXPECT_EQ(seqs("SUBJECT \"\xe2\x98\x95\""), (Seqs{2}));
  EXPECT_EQ(seqs("SUBJECT \"\xd0\xbe\xd1\x82\xd1\x87\xd1\x91\xd1\x82\""), (Seqs{4}));  // KOI8-R word, folded
  EXPECT_EQ(seqs("SUBJECT inner"), Seqs{});  // the attached message's header is not this message's
  EXPECT_EQ(seqs("SUBJECT lunch FROM bob"), Seqs{});
}

TEST_F(SearchEvalTest, HeaderKeyNamesAnyFieldAndEmptyMatchesPresence) {
  EXPECT_EQ(seqs("HEADER Message-ID plain-1"), (Seqs{1}));
  EXPECT_EQ(seqs("HEADER message-id \"\""), (Seqs{1}));
  EXPECT_EQ(seqs("HEADER Content-Transfer-Encoding \"\""), (Seqs{3, 4, 7}));
  EXPECT_EQ(seqs("HEADER MIME-Version 1.0"), (Seqs{2}));
  EXPECT_EQ(seqs("HEADER X-Missing \"\""), Seqs{});
}

TEST_F(SearchEvalTest, BodyDecodesTransferEncodingsAndCharsets) {
  EXPECT_EQ(seqs("BODY \"m\xc3\xbcnchen\""), (Seqs{2}));              // base64 UTF-8
  EXPECT_EQ(seqs("BODY \"GR\xc3\x9c\xc3\x9f" "E\""), (Seqs{2}));      // both parts, case-folded
  EXPECT_EQ(seqs("BODY agenda"), (Seqs{2}));                           // the HTML part
  EXPECT_EQ(seqs("BODY \"caf\xc3\xa9\""), (Seqs{3}));                 // QP Latin-1 "CAF=C9"
  EXPECT_EQ(seqs("BODY \"pr\xc3\xaat\""), (Seqs{3}));
  EXPECT_EQ(seqs("BODY softbreak"), (Seqs{3}));                        // QP soft line break removed
  EXPECT_EQ(seqs("BODY \"\xd0\xbf\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2\""), (Seqs{4}));  // KOI8-R, mixed case
  EXPECT_EQ(seqs("BODY \"fa\xc3\xa7" "ade\""), (Seqs{7}));             // QP escape cut between two pieces
  EXPECT_EQ(seqs("BODY straddleword"), (Seqs{5}));                     // across two pieces of a raw part
  EXPECT_EQ(seqs("BODY needle-at-the-end"), (Seqs{5}));
  EXPECT_EQ(seqs("BODY \"R3LDvMOf\""), Seqs{});                        // the encoded form is not the text
}

TEST_F(SearchEvalTest, BodyCoversAttachedMessagesButNotOtherAttachmentsOrHeaders) {
  EXPECT_EQ(seqs("BODY \"forwarded body\""), (Seqs{6}));
  EXPECT_EQ(seqs("BODY \"inner subject\""), (Seqs{6}));  // the attached message's header is body text
  EXPECT_EQ(seqs("BODY attachmentonly"), Seqs{});        // application/octet-stream is not text
  EXPECT_EQ(seqs("BODY preamble"), Seqs{});
  EXPECT_EQ(seqs("BODY lunch"), Seqs{});                 // only in message 1's Subject
  EXPECT_EQ(seqs("BODY \"\""), (Seqs{1, 2, 3, 4, 5, 6, 7}));
}

TEST_F(SearchEvalTest, TextCoversHeaderAndBody) {
  EXPECT_EQ(seqs("TEXT lunch"), (Seqs{1}));
  EXPECT_EQ(seqs("TEXT \"caf\xc3\xa9\""), (Seqs{2, 3}));
  EXPECT_EQ(seqs("TEXT \"subject: fwd\""), (Seqs{6}));
  EXPECT_EQ(seqs("TEXT quarterly"), (Seqs{1}));
  EXPECT_EQ(seqs("TEXT nowhere-to-be-found"), Seqs{});
}

TEST_F(SearchEvalTest, NestingWithOrNotAndLists) {
  EXPECT_EQ(seqs("OR FROM alice BODY \"m\xc3\xbcnchen\""), (Seqs{1, 2}));
  EXPECT_EQ(seqs("NOT OR SEEN FLAGGED"), (Seqs{3, 4, 7}));
  EXPECT_EQ(seqs("(SEEN UNKEYWORD work) BODY quarterly"), (Seqs{1}));
  EXPECT_EQ(seqs("OR (DELETED DRAFT) (SEEN LARGER 1000000)"), (Seqs{3, 5}));
  EXPECT_EQ(seqs("NOT (NOT TEXT lunch)"), (Seqs{1}));
  EXPECT_EQ(seqs("OR OR SUBJECT plans SUBJECT report NOT 1:6"), (Seqs{6, 7}));
  EXPECT_EQ(seqs("UNSEEN NOT BODY \"caf\xc3\xa9\" 2:*"), (Seqs{2, 4, 7}));
}

TEST_F(SearchEvalTest, CharsetMustBeUtf8OrAscii) {
  EXPECT_EQ(seqs("CHARSET UTF-8 BODY \"caf\xc3\xa9\""), (Seqs{3}));
  EXPECT_EQ(seqs("CHARSET us-ascii FROM alice"), (Seqs{1}));
  auto bad = run("CHARSET ISO-8859-1 FROM alice");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), store::StoreError::invalid);
}

TEST_F(SearchEvalTest, MessagesParsedAgainWhenTheStoredStructureIsOutdated) {
  outdate_parts();
  EXPECT_EQ(seqs("BODY \"m\xc3\xbcnchen\""), (Seqs{2}));
  EXPECT_EQ(seqs("BODY \"caf\xc3\xa9\""), (Seqs{3}));
  EXPECT_EQ(seqs("BODY \"inner subject\""), (Seqs{6}));
  EXPECT_EQ(seqs("BODY straddleword"), (Seqs{5}));
  EXPECT_EQ(seqs("TEXT \"fa\xc3\xa7" "ade\""), (Seqs{7}));
}

TEST_F(SearchEvalTest, DoubleByteCharsetIsConvertedEvenForAsciiNeedles) {
  // In Shift_JIS "\x83\x40" is one katakana letter whose second byte is ASCII '@': only the converted
  // text tells that message 9 has no '@'.
  add("From: taro@example.jp\r\nSubject: sjis\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n"
      "\x83\x40 taro@example.jp\r\n",
      {}, at(2026, 11, 16));
  add("From: taro@example.jp\r\nSubject: sjis 2\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n"
      "\x83\x40\x83\x41\r\n",
      {}, at(2026, 11, 16));
  reload();
  EXPECT_EQ(seqs("BODY @"), (Seqs{6, 8}));  // 6: the attached message's From: field
  EXPECT_EQ(seqs("BODY \"\xe3\x82\xa1\""), (Seqs{8, 9}));  // KATAKANA LETTER SMALL A
}

TEST_F(SearchEvalTest, MessageExpungedSinceTheViewWasTakenDoesNotMatch) {
  auto old_view = view_;
  ASSERT_TRUE(w<store::StoreFlagsResult>([&](store::WriteCtx& c) {
                return store::store_flags(c, inbox_, {{view_[0].uid, view_[0].uid}}, store::FlagOp::add,
                                          {store::kDeleted, {}});
              }).ok());
  ASSERT_TRUE(wv([&](store::WriteCtx& c) { return store::expunge(c, inbox_); }).ok());
  SearchContext c = context();
  auto outcome = search_messages(*store_, parse_search("OR BODY quarterly SUBJECT plans").key, old_view, c);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->seqs, (Seqs{7}));
}

TEST_F(SearchEvalTest, EmptyViewMatchesNothing) {
  std::vector<store::MessageInfo> none;
  auto outcome = search_messages(*store_, parse_search("ALL").key, none, SearchContext{});
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->seqs.empty());
  auto star = search_messages(*store_, parse_search("UID *").key, none, SearchContext{});
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(star->seqs.empty());
}

}  // namespace
}  // namespace roost::imap
