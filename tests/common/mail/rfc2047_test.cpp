// Tests for common/mail/rfc2047: encoded-word decoding (RFC 2047) in several charsets, the joining
// of adjacent words (6.2), tolerance of broken words, and charset conversion.
#include "common/mail/rfc2047.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

TEST(Rfc2047, DecodesEncodedWordsInSeveralCharsets) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"=?UTF-8?B?R3LDvMOfZQ==?=", "Gr\xC3\xBC\xC3\x9F" "e"},
      {"=?utf-8?q?caf=C3=A9_au_lait?=", "caf\xC3\xA9 au lait"},
      {"=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xC3\xA9 Pirard"},
      {"=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"},
      {"=?KOI8-R?B?8NLJ18XU?=", "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"},
      {"=?ISO-8859-15?Q?=A4?=", "\xE2\x82\xAC"},
      {"=?windows-1252?Q?=93hi=94?=", "\xE2\x80\x9Chi\xE2\x80\x9D"},
      {"=?Shift_JIS?B?k/qWe4zq?=", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
      {"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
      // RFC 2231 5: a language suffix on the charset.
      {"=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore"},
  };
  for (const auto& c : cases) EXPECT_EQ(decode_rfc2047(c.in), c.out) << c.in;
}

// RFC 2047 8's examples of white space between encoded-words.
TEST(Rfc2047, WhitespaceBetweenAdjacentWordsIsDropped) {
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?=)"), "(a)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
  EXPECT_EQ(decode_rfc2047("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
  // A UTF-8 character split across two words joins again.
  EXPECT_EQ(decode_rfc2047("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?="), "\xC3\xA9\xC3\xA9");
}

TEST(Rfc2047, FoldingIsRemovedFromPlainText) {
  EXPECT_EQ(decode_rfc2047("a long\r\n subject"), "a long subject");
}

TEST(Rfc2047, BrokenWordsAreKeptAsWritten) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?unterminated"), "=?UTF-8?Q?unterminated");
  EXPECT_EQ(decode_rfc2047("=?no-such-charset?Q?abc?="), "=?no-such-charset?Q?abc?=");
  EXPECT_EQ(decode_rfc2047("=??Q?abc?="), "=??Q?abc?=");
  EXPECT_EQ(decode_rfc2047("a =?"), "a =?");
  // Invalid bytes for the named charset: the word stays as it was.
  EXPECT_EQ(decode_rfc2047("=?Shift_JIS?B?gQ==?="), "=?Shift_JIS?B?gQ==?=");
}

TEST(Rfc2047, EncodedWordsInsideWordsAreTolerated) {
  EXPECT_EQ(decode_rfc2047("pre=?UTF-8?Q?fix?=post"), "prefixpost");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?with space?="), "with space");
}

TEST(Rfc2047, EightBitTextOutsideWordsIsUtf8OrLatin1) {
  EXPECT_EQ(decode_rfc2047("J\xC3\xBCrgen"), "J\xC3\xBCrgen");
  EXPECT_EQ(decode_rfc2047("J\xFCrgen"), "J\xC3\xBCrgen");
}

TEST(Rfc2047, CharsetConversion) {
  EXPECT_EQ(charset_to_utf8("iso-8859-1", "\xE9"), "\xC3\xA9");
  EXPECT_EQ(charset_to_utf8("UTF-8", "\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(charset_to_utf8("x-unknown", "abc"), std::nullopt);
  EXPECT_EQ(charset_to_utf8("", "abc"), std::nullopt);
  EXPECT_EQ(charset_to_utf8("iso-8859-2", "\xB1"), "\xC4\x85");
}

TEST(Rfc2047, QuotedPrintableAndLenientBase64) {
  EXPECT_EQ(decode_quoted_printable("a=3Db=\r\nc=\nd=XY"), "a=bcd=XY");
  EXPECT_EQ(decode_quoted_printable("a_b", true), "a b");
  EXPECT_EQ(decode_base64_lenient("SGVs\r\nbG8=\r\n"), "Hello");
  EXPECT_EQ(decode_base64_lenient("SG!Vs bG8"), "Hello");
}

TEST(Rfc2047, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE9t\xE9"));
}

}  // namespace
}  // namespace roost::mail
