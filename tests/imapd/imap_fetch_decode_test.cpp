// Tests of the streaming transfer-encoding decoders used by FETCH BINARY (imapd/content_decoder.h):
// each input is decoded whole and fed one byte at a time, and both must agree.
#include "imapd/content_decoder.h"

#include <gtest/gtest.h>

namespace roost::imap {
namespace {

std::string decode_whole(ContentEncoding encoding, std::string_view in) {
  ContentDecoder d(encoding);
  std::string out;
  d.feed(in, out);
  d.finish(out);
  return out;
}

std::string decode_bytewise(ContentEncoding encoding, std::string_view in) {
  ContentDecoder d(encoding);
  std::string out;
  for (char c : in) d.feed(std::string_view(&c, 1), out);
  d.finish(out);
  return out;
}

void expect_decodes(ContentEncoding encoding, std::string_view in, const std::string& expected) {
  EXPECT_EQ(decode_whole(encoding, in), expected) << in;
  EXPECT_EQ(decode_bytewise(encoding, in), expected) << in;
}

TEST(ContentDecoder, EncodingNamesAreCaseInsensitive) {
  EXPECT_EQ(content_encoding(std::nullopt), ContentEncoding::identity);
  EXPECT_EQ(content_encoding(std::string("7bit")), ContentEncoding::identity);
  EXPECT_EQ(content_encoding(std::string("8BIT")), ContentEncoding::identity);
  EXPECT_EQ(content_encoding(std::string("binary")), ContentEncoding::identity);
  EXPECT_EQ(content_encoding(std::string("Base64")), ContentEncoding::base64);
  EXPECT_EQ(content_encoding(std::string("quoted-printable")), ContentEncoding::quoted_printable);
  EXPECT_EQ(content_encoding(std::string("x-uuencode")), ContentEncoding::unknown);
}

TEST(ContentDecoder, Base64IgnoresLineBreaksAndStopsAtPadding) {
  expect_decodes(ContentEncoding::base64, "SGVs\r\nbG8s\r\nIHdvcmxk\r\n", "Hello, world");
  expect_decodes(ContentEncoding::base64, "SGk=\r\n", "Hi");
  expect_decodes(ContentEncoding::base64, "SGVsbG8=\r\nignored after padding", "Hello");
  expect_decodes(ContentEncoding::base64, "AAECAwQF", std::string("\0\1\2\3\4\5", 6));
  // Missing padding still gives the bytes the characters carry.
  expect_decodes(ContentEncoding::base64, "SGk", "Hi");
  expect_decodes(ContentEncoding::base64, "", "");
}

TEST(ContentDecoder, QuotedPrintableSoftBreaksAndEscapes) {
  expect_decodes(ContentEncoding::quoted_printable, "Caf=C3=A9 at 10=\r\nam.", "Caf\xC3\xA9 at 10am.");
  expect_decodes(ContentEncoding::quoted_printable, "a=3Db\r\nc\r\n", "a=b\r\nc\r\n");
  expect_decodes(ContentEncoding::quoted_printable, "lower =c3=a9\n", "lower \xC3\xA9\n");
  // RFC 2045 6.7 (3): trailing whitespace of an encoded line is dropped; "=20" keeps a space.
  expect_decodes(ContentEncoding::quoted_printable, "end   \r\nkeep=20\r\n", "end\r\nkeep \r\n");
  // Malformed escapes are kept as written; a final "=" is a soft break.
  expect_decodes(ContentEncoding::quoted_printable, "100% =ZZ =4\r\nx=", "100% =ZZ =4\r\nx");
}

TEST(ContentDecoder, QuotedPrintableLongLinesAreDecodedInPieces) {
  std::string line;
  std::string expected;
  while (line.size() < 3 * kMaxQpLinePending) {
    line += "ab=3D";
    expected += "ab=";
  }
  line += "\r\n";
  expected += "\r\n";
  expect_decodes(ContentEncoding::quoted_printable, line, expected);
}

TEST(ContentDecoder, IdentityPassesBytesThrough) {
  std::string bytes("raw\0bytes\r\n=3D", 14);
  expect_decodes(ContentEncoding::identity, bytes, bytes);
}

}  // namespace
}  // namespace roost::imap
