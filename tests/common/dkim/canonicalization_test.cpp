// Tests for common/dkim/canonicalization and body_hash: RFC 6376 3.4.5's example exactly, the empty
// body in both forms, bare LF, and the same output however the body is cut into chunks.
#include "common/dkim/canonicalization.h"

#include <gtest/gtest.h>

#include <string>

#include "common/dkim/body_hash.h"
#include "common/dkim/header_selection.h"
#include "common/mail/base64.h"
#include "common/mail/header_fields.h"

namespace roost::dkim {
namespace {

// RFC 6376 3.4.5: the example message, with <SP>, <HTAB> and <CRLF> written out.
constexpr std::string_view kExampleMessage =
    "A: X\r\n"
    "B : Y\t\r\n"
    "\tZ  \r\n"
    "\r\n"
    " C \r\n"
    "D \t E\r\n"
    "\r\n"
    "\r\n";

std::string canonical_header(Canonicalization c, std::string_view message) {
  std::string_view header = message.substr(0, header_end(message));
  std::string out;
  for (const auto& field : mail::split_header_fields(header)) {
    out += canonical_header_field(c, header.substr(field.offset, field.size));
  }
  return out;
}

std::string_view body_of(std::string_view message) { return message.substr(header_end(message)); }

TEST(DkimCanonicalization, RelaxedMatchesRfc6376Example) {
  EXPECT_EQ(canonical_header(Canonicalization::relaxed, kExampleMessage), "a:X\r\nb:Y Z\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::relaxed, body_of(kExampleMessage)), " C\r\nD E\r\n");
}

TEST(DkimCanonicalization, SimpleMatchesRfc6376Example) {
  EXPECT_EQ(canonical_header(Canonicalization::simple, kExampleMessage), "A: X\r\nB : Y\t\r\n\tZ  \r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, body_of(kExampleMessage)), " C \r\nD \t E\r\n");
}

TEST(DkimCanonicalization, EmptyBodyIsNothingRelaxedAndOneCrlfSimple) {
  // RFC 6376 3.4.3 and 3.4.4; the hashes are the well-known values of SHA-256("") and SHA-256("\r\n").
  for (std::string_view body : {"", "\r\n", "\r\n\r\n\r\n", "\n\n"}) {
    EXPECT_EQ(canonical_body(Canonicalization::relaxed, body), "") << body.size();
    EXPECT_EQ(canonical_body(Canonicalization::simple, body), "\r\n") << body.size();
    EXPECT_EQ(mail::base64_encode(body_hash(Canonicalization::relaxed, body)),
              "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    EXPECT_EQ(mail::base64_encode(body_hash(Canonicalization::simple, body)),
              "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  }
}

TEST(DkimCanonicalization, WhitespaceOnlyLinesAtTheEndAreEmptyLinesWhenRelaxed) {
  EXPECT_EQ(canonical_body(Canonicalization::relaxed, "text\r\n  \r\n\t\r\n"), "text\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, "text\r\n  \r\n\t\r\n"), "text\r\n  \r\n\t\r\n");
}

TEST(DkimCanonicalization, MissingFinalLineEndIsAdded) {
  EXPECT_EQ(canonical_body(Canonicalization::relaxed, "last line  "), "last line\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, "last line  "), "last line  \r\n");
}

TEST(DkimCanonicalization, BareLfCountsAsCrlfAndALoneCrIsKept) {
  EXPECT_EQ(canonical_body(Canonicalization::relaxed, "a \nb\n\n"), "a\r\nb\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, "a \nb\n\n"), "a \r\nb\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, "a\rb\r\n"), "a\rb\r\n");
  EXPECT_EQ(canonical_body(Canonicalization::simple, "a\r"), "a\r\r\n");
  EXPECT_EQ(canonical_header_field(Canonicalization::simple, "Subject: a\n b\n"), "Subject: a\r\n b\r\n");
  EXPECT_EQ(canonical_header_field(Canonicalization::relaxed, "Subject: a\n b\n"), "subject:a b\r\n");
}

TEST(DkimCanonicalization, EightBitBytesPassThrough) {
  std::string body = "Gr\xc3\xbc\xc3\x9f" "e\xff  \r\n";
  EXPECT_EQ(canonical_body(Canonicalization::relaxed, body), "Gr\xc3\xbc\xc3\x9f" "e\xff\r\n");
}

TEST(DkimCanonicalization, RelaxedHeaderDropsWhitespaceAroundTheColon) {
  EXPECT_EQ(canonical_header_field(Canonicalization::relaxed, "SUBJECT \t:  \t hello   world \t\r\n"),
            "subject:hello world\r\n");
  EXPECT_EQ(canonical_header_field(Canonicalization::relaxed, "X-Empty:\r\n"), "x-empty:\r\n");
}

// The same output whatever the chunk boundaries: every split point, and one byte at a time.
TEST(DkimCanonicalization, BodyOutputIsTheSameHoweverTheInputIsCut) {
  const std::string body = " C \r\nD \t E\r\n\r\nlast\r\r\n \t\r\n\r\n\n";
  for (auto c : {Canonicalization::relaxed, Canonicalization::simple}) {
    const std::string whole = canonical_body(c, body);
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
      std::string out;
      BodyCanonicalizer canon(c, [&out](std::string_view piece) { out.append(piece); });
      canon.update(std::string_view(body).substr(0, cut));
      canon.update(std::string_view(body).substr(cut));
      canon.finish();
      EXPECT_EQ(out, whole) << "cut at " << cut;
    }
    BodyHasher hasher(c);
    for (char ch : body) hasher.update(std::string_view(&ch, 1));
    EXPECT_EQ(hasher.finish(), body_hash(c, body));
  }
}

}  // namespace
}  // namespace roost::dkim
