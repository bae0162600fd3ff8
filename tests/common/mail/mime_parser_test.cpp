// Tests for common/mail/mime_parser: the part tree, offsets, sizes and line counts of real-world and
// broken messages, fed whole, split at every byte and one byte at a time; limits; section numbers.
// The IMAP renderings of the same samples are compared with what Dovecot produces for them.
#include "common/mail/mime_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/mail/mime_codec.h"
#include "common/mail/mime_imap.h"
#include "common/mail/rfc2047.h"

namespace roost::mail {
namespace {

inline std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// multipart/alternative inside multipart/mixed, quoted-printable and base64 parts, preamble/epilogue.
inline constexpr std::string_view kNestedAlternative = R"(From: "Alice Example" <alice@example.org>
To: Bob <bob@example.net>
Subject: Test
Date: Mon, 23 Nov 2026 13:22:07 +0000
Message-ID: <a1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

preamble
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Hello =C3=A9
--inner
Content-Type: text/html; charset=utf-8

<p>Hello</p>
--inner--
--outer
Content-Type: application/pdf; name="a.pdf"
Content-Disposition: attachment; filename="a.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
epilogue
)";

// A forwarded message as a message/rfc822 attachment.
inline constexpr std::string_view kRfc822Attachment = R"(From: carol@example.org
To: dave@example.net
Subject: Fwd: report
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain

See attached.

--b1
Content-Type: message/rfc822
Content-Description: forwarded

From: Eve <eve@example.com>
Subject: report
Message-ID: <r@example.com>
Content-Type: text/plain; charset=us-ascii

line one
line two
--b1--
)";

// The inner multipart's close delimiter is missing, and so is the outer one.
inline constexpr std::string_view kMissingCloseBoundary = R"(Subject: broken
Content-Type: multipart/mixed; boundary=X

--X
Content-Type: multipart/alternative; boundary=Y

--Y
Content-Type: text/plain

inner text
--X
Content-Type: text/plain

second
)";

// The boundary announced in the header never appears.
inline constexpr std::string_view kBoundaryNeverFound = R"(Subject: no parts
Content-Type: multipart/mixed; boundary="never"

just some text
--other
more
)";

// Raw 8-bit bytes in headers (UTF-8 and Latin-1), encoded-words in several charsets.
inline constexpr std::string_view kEightBitHeaders =
    "From: J\xC3\xBCrgen <j@example.de>\n"
    "To: =?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>\n"
    "Subject: =?UTF-8?B?R3LDvMOfZQ==?= =?KOI8-R?B?8NLJ18XU?= caf\xE9\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "caf\xE9\n";

// RFC 2231 filenames: continuations, charset and language, and an RFC 2047 filename.
inline constexpr std::string_view kRfc2231Filenames = R"(Subject: files
Content-Type: multipart/mixed; boundary=zz

--zz
Content-Type: application/octet-stream;
 name*0*=utf-8''na%C3%AFve;
 name*1=" report.txt"
Content-Disposition: attachment;
 filename*0*=utf-8'fr'na%C3%AFve;
 filename*1=" report.txt"

AAAA
--zz
Content-Type: application/octet-stream; name="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="
Content-Disposition: attachment; filename="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="

BBBB
--zz--
)";

// Groups in To: and Cc:, comments, an obsolete route and an address without a domain.
inline constexpr std::string_view kGroups = R"(From: Pete(A nice \) chap) <pete(his account)@silly.test(his host)>
To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;
Cc: undisclosed-recipients:;
Bcc: <@relay1.test,@relay2.test:mary@x.test>, postmaster
Reply-To: Pete <pete@silly.test>
Subject: groups
Date: Thu, 13 Feb 1969 23:32:54 -0330

Testing.
)";

ParsedMessage parse_in_pieces(std::string_view raw, std::size_t piece, MimeLimits limits = {}) {
  MimeParser parser(limits);
  for (std::size_t i = 0; i < raw.size(); i += piece) parser.feed(raw.substr(i, piece));
  return parser.finish();
}

std::string_view body_of(std::string_view raw, const MimePart& p) {
  return raw.substr(p.body_offset, p.body_size);
}

// Offsets and sizes agree with the raw text: the header sits right before the body, children sit
// inside their parent's body, and the line count is the number of LF bytes in the body.
void check_offsets(std::string_view raw, const MimePart& p) {
  ASSERT_EQ(p.header_offset + p.header_size, p.body_offset);
  ASSERT_LE(p.body_offset + p.body_size, raw.size());
  std::string_view body = body_of(raw, p);
  EXPECT_EQ(p.body_lines, static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')));
  for (const auto& c : p.children) {
    EXPECT_GE(c.header_offset, p.body_offset);
    EXPECT_LE(c.body_offset + c.body_size, p.body_offset + p.body_size);
    EXPECT_LE(c.header_offset + c.header_size, p.body_offset + p.body_size);
    check_offsets(raw, c);
  }
}

struct Sample {
  const char* name;
  std::string raw;
};

std::vector<Sample> samples() {
  return {
      {"nested_alternative", crlf(kNestedAlternative)},
      {"nested_alternative_lf", std::string(kNestedAlternative)},
      {"rfc822_attachment", crlf(kRfc822Attachment)},
      {"missing_close_boundary", crlf(kMissingCloseBoundary)},
      {"boundary_never_found", crlf(kBoundaryNeverFound)},
      {"eight_bit_headers", std::string(kEightBitHeaders)},
      {"rfc2231_filenames", crlf(kRfc2231Filenames)},
      {"groups", crlf(kGroups)},
      {"no_final_line_end", "Subject: x\r\n\r\nbody without end"},
      {"header_only", "Subject: x\r\n"},
      {"empty", ""},
  };
}

TEST(MimeParser, EverySplitGivesTheSameTree) {
  for (const auto& s : samples()) {
    SCOPED_TRACE(s.name);
    ParsedMessage whole = parse_mime_message(s.raw);
    EXPECT_EQ(whole.size, s.raw.size());
    check_offsets(s.raw, whole.root);
    EXPECT_EQ(parse_in_pieces(s.raw, 1), whole);
    EXPECT_EQ(parse_in_pieces(s.raw, 7), whole);
    for (std::size_t i = 0; i <= s.raw.size(); ++i) {
      MimeParser parser;
      parser.feed(std::string_view(s.raw).substr(0, i));
      parser.feed(std::string_view(s.raw).substr(i));
      ASSERT_EQ(parser.finish(), whole) << "split at " << i;
    }
  }
}

TEST(MimeParser, NestedAlternativeInsideMixed) {
  std::string raw = crlf(kNestedAlternative);
  ParsedMessage m = parse_mime_message(raw);
  const MimePart& root = m.root;
  EXPECT_EQ(root.type, "multipart");
  EXPECT_EQ(root.subtype, "mixed");
  ASSERT_EQ(root.children.size(), 2u);
  const MimePart& alt = root.children[0];
  EXPECT_EQ(alt.subtype, "alternative");
  ASSERT_EQ(alt.children.size(), 2u);
  EXPECT_EQ(body_of(raw, alt.children[0]), "Hello =C3=A9");
  EXPECT_EQ(alt.children[0].encoding, "quoted-printable");
  EXPECT_EQ(decode_quoted_printable(body_of(raw, alt.children[0])), "Hello \xC3\xA9");
  EXPECT_EQ(body_of(raw, alt.children[1]), "<p>Hello</p>");
  EXPECT_EQ(alt.children[1].type, "text");
  EXPECT_EQ(alt.children[1].subtype, "html");
  const MimePart& pdf = root.children[1];
  EXPECT_EQ(pdf.encoding, "base64");
  EXPECT_EQ(pdf.disposition, "attachment");
  EXPECT_EQ(decode_base64_lenient(body_of(raw, pdf)), "%PDF-1.4\n");
  // The header of part 2 starts right after the "--outer" line.
  std::size_t second = raw.find("--outer\r\nContent-Type: application/pdf");
  EXPECT_EQ(pdf.header_offset, second + 9);
  // The multipart/alternative body runs to its close delimiter; the CRLF before "--outer" is the
  // boundary's (RFC 2046 5.1.1).
  std::string_view alt_body = body_of(raw, alt);
  EXPECT_TRUE(alt_body.starts_with("--inner\r\n"));
  EXPECT_TRUE(alt_body.ends_with("<p>Hello</p>\r\n--inner--"));
  ASSERT_TRUE(root.envelope);
  EXPECT_EQ(root.envelope->subject, "Test");
  EXPECT_EQ(root.envelope->message_id, "<a1@example.org>");
}

TEST(MimeParser, SectionNumbersFindParts) {
  std::string raw = crlf(kNestedAlternative);
  ParsedMessage m = parse_mime_message(raw);
  std::vector<std::uint32_t> s12{1, 2};
  const MimePart* p = find_section(m.root, s12);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(body_of(raw, *p), "<p>Hello</p>");
  std::vector<std::uint32_t> s2{2};
  ASSERT_NE(find_section(m.root, s2), nullptr);
  EXPECT_EQ(find_section(m.root, s2)->subtype, "pdf");
  for (std::vector<std::uint32_t> bad : {std::vector<std::uint32_t>{3}, {0}, {1, 3}, {2, 1}, {1, 1, 1}}) {
    EXPECT_EQ(find_section(m.root, bad), nullptr);
  }

  // RFC 3501 6.4.5: a message that is not multipart has part 1, its body.
  std::string single = "Subject: x\r\n\r\nbody\r\n";
  ParsedMessage s = parse_mime_message(single);
  std::vector<std::uint32_t> s1{1};
  ASSERT_EQ(find_section(s.root, s1), &s.root);
  EXPECT_EQ(find_section(s.root, s2), nullptr);
}

TEST(MimeParser, MessageRfc822AttachmentIsParsed) {
  std::string raw = crlf(kRfc822Attachment);
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(body_of(raw, m.root.children[0]), "See attached.\r\n");
  EXPECT_EQ(m.root.children[0].body_lines, 1u);
  const MimePart& msg = m.root.children[1];
  ASSERT_TRUE(msg.has_message());
  EXPECT_EQ(msg.description, "forwarded");
  const MimePart& inner = msg.children[0];
  EXPECT_EQ(inner.header_offset, msg.body_offset);
  EXPECT_EQ(body_of(raw, inner), "line one\r\nline two");
  ASSERT_TRUE(inner.envelope);
  EXPECT_EQ(inner.envelope->subject, "report");
  ASSERT_EQ(inner.envelope->from.size(), 1u);
  EXPECT_EQ(inner.envelope->from[0].name, "Eve");
  EXPECT_TRUE(body_of(raw, msg).starts_with("From: Eve"));
  EXPECT_TRUE(body_of(raw, msg).ends_with("line two"));
  // BODY[2.1] of a message/rfc822 whose message is not multipart is that message's body.
  std::vector<std::uint32_t> s21{2, 1};
  EXPECT_EQ(find_section(m.root, s21), &inner);
}

TEST(MimeParser, MissingCloseDelimitersEndPartsAtTheOuterBoundaryOrTheEnd) {
  std::string raw = crlf(kMissingCloseBoundary);
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  const MimePart& alt = m.root.children[0];
  ASSERT_EQ(alt.children.size(), 1u);
  EXPECT_EQ(body_of(raw, alt.children[0]), "inner text");
  EXPECT_EQ(body_of(raw, m.root.children[1]), "second\r\n");
  EXPECT_EQ(m.root.body_offset + m.root.body_size, raw.size());
}

TEST(MimeParser, BoundaryNeverFoundLeavesAMultipartWithoutParts) {
  std::string raw = crlf(kBoundaryNeverFound);
  ParsedMessage m = parse_mime_message(raw);
  EXPECT_TRUE(m.root.is_multipart());
  EXPECT_TRUE(m.root.children.empty());
  EXPECT_EQ(body_of(raw, m.root), "just some text\r\n--other\r\nmore\r\n");
}

TEST(MimeParser, MultipartDigestPartsDefaultToMessageRfc822) {
  std::string raw = crlf(
      "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody 1\n--d\n"
      "Content-Type: text/plain\n\nnot a message\n--d--\n");
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(m.root.children[0].type, "message");
  ASSERT_TRUE(m.root.children[0].has_message());
  EXPECT_EQ(m.root.children[0].children[0].envelope->subject, "one");
  EXPECT_EQ(m.root.children[1].type, "text");
}

TEST(MimeParser, InvalidContentTypeIsTextPlain) {
  ParsedMessage m = parse_mime_message("Content-Type: garbage\r\n\r\nx\r\n");
  EXPECT_EQ(m.root.type, "text");
  EXPECT_EQ(m.root.subtype, "plain");
}

TEST(MimeParser, EncodedMessageRfc822IsNotOpened) {
  ParsedMessage m = parse_mime_message(
      "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQo=\r\n");
  EXPECT_EQ(m.root.type, "message");
  EXPECT_FALSE(m.root.has_message());
  EXPECT_EQ(render_body_structure(m.root, false),
            R"(("message" "rfc822" NIL NIL NIL "base64" 22))");
}

TEST(MimeParser, BoundaryWithTransportPaddingAndPrefixLookalikes) {
  // "--ab" must not match "--abc"; trailing spaces after a delimiter are padding (RFC 2046 5.1.1).
  std::string raw = crlf(
      "Content-Type: multipart/mixed; boundary=ab\n\n--ab  \n\none\n--abc\ntwo\n--ab-- \n");
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 1u);
  EXPECT_EQ(body_of(raw, m.root.children[0]), "one\r\n--abc\r\ntwo");
}

TEST(MimeParser, BoundaryInsideAPartHeaderEndsThePart) {
  std::string raw = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n--b\n\nx\n--b--\n");
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(m.root.children[0].subtype, "html");
  EXPECT_EQ(m.root.children[0].body_size, 0u);
  EXPECT_EQ(body_of(raw, m.root.children[1]), "x");
  check_offsets(raw, m.root);
}

std::string nested_multiparts(int depth) {
  std::string raw;
  for (int i = 0; i < depth; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  }
  raw += "Content-Type: text/plain\r\n\r\ndeep\r\n";
  return raw;
}

std::size_t tree_depth(const MimePart& p) {
  std::size_t d = 0;
  for (const auto& c : p.children) d = std::max(d, tree_depth(c));
  return d + 1;
}

std::size_t tree_parts(const MimePart& p) {
  std::size_t n = 1;
  for (const auto& c : p.children) n += tree_parts(c);
  return n;
}

TEST(MimeParser, NestingIsBounded) {
  std::string raw = nested_multiparts(300);
  MimeLimits limits;
  limits.max_depth = 100;
  ParsedMessage m = parse_mime_message(raw, limits);
  EXPECT_TRUE(m.depth_limited);
  EXPECT_LE(tree_depth(m.root), 100u);
  check_offsets(raw, m.root);
  EXPECT_EQ(parse_in_pieces(raw, 13, limits), m);
  // Within the limit nothing is cut.
  ParsedMessage shallow = parse_mime_message(nested_multiparts(20), limits);
  EXPECT_FALSE(shallow.depth_limited);
  EXPECT_EQ(tree_depth(shallow.root), 21u);
}

TEST(MimeParser, PartCountIsBounded) {
  std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
  for (int i = 0; i < 500; ++i) raw += "--p\r\n\r\nx\r\n";
  raw += "--p--\r\n";
  MimeLimits limits;
  limits.max_parts = 100;
  ParsedMessage m = parse_mime_message(raw, limits);
  EXPECT_TRUE(m.parts_limited);
  EXPECT_EQ(tree_parts(m.root), 100u);
  check_offsets(raw, m.root);
  EXPECT_EQ(parse_mime_message(raw).root.children.size(), 500u);
}

TEST(MimeParser, HeaderSizeIsBoundedAndLongLinesAreCountedNotKept) {
  std::string raw = "Subject: a\r\nX-Long: " + std::string(100000, 'h') + "\r\nContent-Type: text/html\r\n\r\n" +
                    std::string(1000000, 'b') + "\r\nend\r\n";
  MimeLimits limits;
  limits.max_header_size = 1024;
  ParsedMessage m = parse_mime_message(raw, limits);
  EXPECT_TRUE(m.header_truncated);
  EXPECT_EQ(m.root.envelope->subject, "a");
  EXPECT_EQ(m.root.subtype, "plain");  // the Content-Type field lay past the kept bytes
  EXPECT_EQ(m.root.body_size, 1000000u + 7);
  EXPECT_EQ(m.root.body_lines, 2u);
  EXPECT_EQ(parse_in_pieces(raw, 4096, limits), m);
  ParsedMessage full = parse_mime_message(raw);
  EXPECT_FALSE(full.header_truncated);
  EXPECT_EQ(full.root.subtype, "html");
}

TEST(MimeParser, HeaderBytesKeptOverAllPartsAreBounded) {
  std::string raw = "Content-Type: multipart/mixed; boundary=h\r\n\r\n";
  for (int i = 0; i < 50; ++i) raw += "--h\r\nX-Pad: " + std::string(1000, 'p') + "\r\nContent-Type: text/html\r\n\r\nx\r\n";
  raw += "--h--\r\n";
  MimeLimits limits;
  limits.max_total_header_size = 10000;
  ParsedMessage m = parse_mime_message(raw, limits);
  EXPECT_TRUE(m.header_truncated);
  ASSERT_EQ(m.root.children.size(), 50u);
  EXPECT_EQ(m.root.children[0].subtype, "html");
  EXPECT_EQ(m.root.children[49].subtype, "plain");  // its header was not kept
  check_offsets(raw, m.root);
  EXPECT_EQ(parse_in_pieces(raw, 1, limits), m);
}

TEST(MimeParser, BareLfAndMixedLineEnds) {
  std::string raw = "Content-Type: multipart/mixed; boundary=m\n\n--m\r\n\r\nA\n--m\n\nB\r\n--m--\n";
  ParsedMessage m = parse_mime_message(raw);
  ASSERT_EQ(m.root.children.size(), 2u);
  EXPECT_EQ(body_of(raw, m.root.children[0]), "A");
  EXPECT_EQ(body_of(raw, m.root.children[1]), "B");
  check_offsets(raw, m.root);
}

TEST(Envelope, GroupsCommentsAndRoutesFromASample) {
  ParsedMessage m = parse_mime_message(crlf(kGroups));
  ASSERT_TRUE(m.root.envelope);
  EXPECT_EQ(render_envelope(*m.root.envelope),
            R"x(("Thu, 13 Feb 1969 23:32:54 -0330" "groups" (("Pete" NIL "pete" "silly.test")) (("Pete" NIL "pete" "silly.test")) (("Pete" NIL "pete" "silly.test")) ((NIL NIL "A Group" NIL)("Ed Jones" NIL "c" "a.test")(NIL NIL "joe" "where.test")("John" NIL "jdoe" "one.test")(NIL NIL NIL NIL)) ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) ((NIL "@relay1.test,@relay2.test" "mary" "x.test")(NIL NIL "postmaster" "MISSING_DOMAIN")) NIL NIL))x");
}

TEST(Envelope, EightBitAndEncodedHeadersFromASample) {
  ParsedMessage m = parse_mime_message(kEightBitHeaders);
  ASSERT_TRUE(m.root.envelope);
  const Envelope& e = *m.root.envelope;
  // ENVELOPE keeps encoded-words and raw bytes (RFC 3501 leaves decoding to the client) ...
  EXPECT_EQ(e.subject, "=?UTF-8?B?R3LDvMOfZQ==?= =?KOI8-R?B?8NLJ18XU?= caf\xE9");
  ASSERT_EQ(e.from.size(), 1u);
  EXPECT_EQ(e.from[0].name, "J\xC3\xBCrgen");
  ASSERT_EQ(e.to.size(), 1u);
  EXPECT_EQ(e.to[0].name, "=?ISO-8859-1?Q?Andr=E9?=");
  // ... and decoding gives UTF-8 from UTF-8, KOI8-R, ISO-8859-1 and raw Latin-1.
  EXPECT_EQ(decode_rfc2047(*e.subject),
            "Gr\xC3\xBC\xC3\x9F" "e\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 caf\xC3\xA9");
  EXPECT_EQ(decode_rfc2047(*e.to[0].name), "Andr\xC3\xA9");
  // 8-bit strings go out as literals.
  EXPECT_NE(render_envelope(e).find("{7}\r\nJ\xC3\xBCrgen"), std::string::npos);
}

TEST(MimeParser, Rfc2231FilenamesDecode) {
  ParsedMessage m = parse_mime_message(crlf(kRfc2231Filenames));
  ASSERT_EQ(m.root.children.size(), 2u);
  const MimePart& a = m.root.children[0];
  const MimeParam* name = find_param(a.params, "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(decode_param_value(*name), "na\xC3\xAFve report.txt");
  const MimeParam* filename = find_param(a.disposition_params, "filename");
  ASSERT_NE(filename, nullptr);
  EXPECT_EQ(decode_param_value(*filename), "na\xC3\xAFve report.txt");
  EXPECT_EQ(param_language(*filename), "fr");
  const MimeParam* b = find_param(m.root.children[1].disposition_params, "filename");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(decode_param_value(*b), "r\xC3\xA9sum\xC3\xA9.pdf");
}

TEST(MimeParser, EmptyPartsRightBeforeABoundaryStayInsideTheirParents) {
  for (std::string raw : {
           crlf("Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\n"
                "Subject: s\n\n--o--\n"),
           crlf("Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/mixed; "
                "boundary=i\n\n--i\n--o--\n"),
           crlf("Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: message/rfc822\n\n--o\n"),
       }) {
    SCOPED_TRACE(raw);
    ParsedMessage m = parse_mime_message(raw);
    check_offsets(raw, m.root);
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      MimeParser parser;
      parser.feed(std::string_view(raw).substr(0, i));
      parser.feed(std::string_view(raw).substr(i));
      ASSERT_EQ(parser.finish(), m);
    }
  }
}

// BODYSTRUCTURE / BODY strings as Dovecot writes them for the same mail.
TEST(BodyStructure, MatchesDovecotForSamples) {
  struct Case {
    std::string raw;
    std::string body;
    std::string bodystructure;
  };
  const Case cases[] = {
      {crlf(kNestedAlternative),
       R"(((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 12 0)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 12 0) "alternative")("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 12) "mixed"))",
       R"(((("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" 12 0 NIL NIL NIL NIL)("text" "html" ("charset" "utf-8") NIL NIL "7bit" 12 0 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)("application" "pdf" ("name" "a.pdf") NIL NIL "base64" 12 NIL ("attachment" ("filename" "a.pdf")) NIL NIL) "mixed" ("boundary" "outer") NIL NIL NIL))"},
      {crlf(kRfc822Attachment),
       R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 1)("message" "rfc822" NIL NIL "forwarded" "7bit" 139 (NIL "report" (("Eve" NIL "eve" "example.com")) (("Eve" NIL "eve" "example.com")) (("Eve" NIL "eve" "example.com")) NIL NIL NIL NIL "<r@example.com>") ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1) 6) "mixed"))",
       R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 15 1 NIL NIL NIL NIL)("message" "rfc822" NIL NIL "forwarded" "7bit" 139 (NIL "report" (("Eve" NIL "eve" "example.com")) (("Eve" NIL "eve" "example.com")) (("Eve" NIL "eve" "example.com")) NIL NIL NIL NIL "<r@example.com>") ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL) "mixed" ("boundary" "b1") NIL NIL NIL))"},
      {crlf(kMissingCloseBoundary),
       R"(((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0) "alternative")("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 8 1) "mixed"))",
       R"(((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 0 NIL NIL NIL NIL) "alternative" ("boundary" "Y") NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 8 1 NIL NIL NIL NIL) "mixed" ("boundary" "X") NIL NIL NIL))"},
      {crlf(kBoundaryNeverFound),
       R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "mixed"))",
       R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL) "mixed" ("boundary" "never") NIL NIL NIL))"},
      {std::string(kEightBitHeaders),
       R"(("text" "plain" ("charset" "iso-8859-1") NIL NIL "8bit" 5 1))",
       R"(("text" "plain" ("charset" "iso-8859-1") NIL NIL "8bit" 5 1 NIL NIL NIL NIL))"},
      {crlf(kRfc2231Filenames),
       R"((("application" "octet-stream" ("name*" "utf-8''na%C3%AFve%20report.txt") NIL NIL "7bit" 4)("application" "octet-stream" ("name" "=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=") NIL NIL "7bit" 4) "mixed"))",
       R"((("application" "octet-stream" ("name*" "utf-8''na%C3%AFve%20report.txt") NIL NIL "7bit" 4 NIL ("attachment" ("filename*" "utf-8'fr'na%C3%AFve%20report.txt")) NIL NIL)("application" "octet-stream" ("name" "=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=") NIL NIL "7bit" 4 NIL ("attachment" ("filename" "=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=")) NIL NIL) "mixed" ("boundary" "zz") NIL NIL NIL))"},
  };
  for (const auto& c : cases) {
    ParsedMessage m = parse_mime_message(c.raw);
    EXPECT_EQ(render_body_structure(m.root, false), c.body);
    EXPECT_EQ(render_body_structure(m.root, true), c.bodystructure);
  }
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// RFC 3501 7.4.2's example: ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92), for a
// body of 3028 octets in 92 lines (Dovecot writes the same in lower case).
TEST(BodyStructure, MatchesRfc3501Example) {
  std::string raw = "Subject: x\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n";
  for (int i = 0; i < 91; ++i) raw += std::string(31, 'x') + "\r\n";
  raw += std::string(23, 'y') + "\r\n";
  ParsedMessage m = parse_mime_message(raw);
  EXPECT_EQ(upper(render_body_structure(m.root, false)),
            R"(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))");
  EXPECT_EQ(render_body_structure(m.root, false),
            R"(("text" "plain" ("charset" "US-ASCII") NIL NIL "7bit" 3028 92))");
}

TEST(BodyStructure, ExtensionDataForSinglePart) {
  std::string raw = crlf(
      "Content-Type: text/plain; charset=utf-8; format=flowed\nContent-ID: <id1@x>\n"
      "Content-Description: a \"quoted\" note\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
      "Content-Disposition: inline\nContent-Language: en, fr\nContent-Location: http://x.test/a\n\nhi\n");
  ParsedMessage m = parse_mime_message(raw);
  EXPECT_EQ(render_body_structure(m.root, true),
            R"(("text" "plain" ("charset" "utf-8" "format" "flowed") "<id1@x>" "a \"quoted\" note" "7bit" 4 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" NIL) ("en" "fr") "http://x.test/a"))");
}

TEST(MimeCodec, RoundTripsEverySample) {
  for (const auto& s : samples()) {
    SCOPED_TRACE(s.name);
    ParsedMessage m = parse_mime_message(s.raw);
    std::string blob = encode_parsed_message(m);
    auto back = decode_parsed_message(blob);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, m);
    EXPECT_EQ(render_body_structure(back->root, true), render_body_structure(m.root, true));
    ASSERT_TRUE(m.root.envelope);
    auto env = decode_envelope(encode_envelope(*m.root.envelope));
    ASSERT_TRUE(env.ok());
    EXPECT_EQ(*env, *m.root.envelope);
  }
}

TEST(MimeCodec, TruncatedOrCorruptBlobsAreErrors) {
  ParsedMessage m = parse_mime_message(crlf(kRfc822Attachment));
  std::string blob = encode_parsed_message(m);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(decode_parsed_message(std::string_view(blob).substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(decode_parsed_message(blob + "x").ok());
  std::string wrong_version = blob;
  wrong_version[3] = static_cast<char>(kMimeFormatVersion + 1);
  EXPECT_FALSE(decode_parsed_message(wrong_version).ok());
  // A count far larger than the bytes left is refused before anything is allocated.
  std::string huge = blob.substr(0, 4) + std::string("\x01\x00", 2) + "\x01t\x01p" +
                     std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9);
  EXPECT_FALSE(decode_parsed_message(huge).ok());
  EXPECT_FALSE(decode_envelope("RME").ok());
}

}  // namespace
}  // namespace roost::mail
