// Tests for common/mail/header_fields: splitting header sections (offsets, folding, bare LF, 8-bit,
// junk lines) and Content-Type / Content-Disposition parameters with RFC 2231.
#include "common/mail/header_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

TEST(HeaderFields, SplitsFieldsWithOffsetsAndFolding) {
  std::string h = "From: a@b\r\nSubject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\nbody";
  auto fields = split_header_fields(h);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "From");
  EXPECT_EQ(fields[0].value, " a@b");
  EXPECT_EQ(fields[0].offset, 0u);
  EXPECT_EQ(fields[0].size, 11u);
  EXPECT_EQ(fields[1].name, "Subject");
  EXPECT_EQ(fields[1].value, " one\r\n two\r\n\tthree");
  EXPECT_EQ(h.substr(fields[1].offset, fields[1].size), "Subject: one\r\n two\r\n\tthree\r\n");
  EXPECT_EQ(unfold_header_value(fields[1].value), "one two\tthree");
  EXPECT_EQ(fields[2].name, "X-Empty");
  EXPECT_EQ(fields[2].value, "");
}

TEST(HeaderFields, ToleratesBareLfEightBitAndJunk) {
  std::string h =
      " orphan continuation\n"
      "Subject : caf\xE9\n"
      "not a header line\n"
      " continuation of junk\n"
      "X-UTF8: \xC3\xA9t\xC3\xA9\n"
      ": no name\n"
      "Last: x";  // no line end and no empty line
  auto fields = split_header_fields(h);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "Subject");
  EXPECT_EQ(fields[0].value, " caf\xE9");
  EXPECT_EQ(fields[1].name, "X-UTF8");
  EXPECT_EQ(fields[2].name, "Last");
  EXPECT_EQ(fields[2].value, " x");
  EXPECT_EQ(fields[2].offset + fields[2].size, h.size());
}

TEST(HeaderFields, FindIsCaseInsensitive) {
  auto fields = split_header_fields("content-TYPE: text/html\r\nContent-Type: text/plain\r\n");
  const HeaderField* f = find_header_field(fields, "Content-Type");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->value, " text/html");
  EXPECT_EQ(find_header_field(fields, "Subject"), nullptr);
}

TEST(HeaderContentType, ParsesTypeSubtypeAndParameters) {
  struct Case {
    const char* in;
    const char* type;
    const char* subtype;
    bool valid;
    std::vector<MimeParam> params;
  };
  const Case cases[] = {
      {"text/plain", "text", "plain", true, {}},
      {" TEXT/Plain ; Charset=\"UTF-8\"", "text", "plain", true, {{"charset", "UTF-8", false}}},
      {"multipart/mixed; boundary=\"----=_Part_1;x\"", "multipart", "mixed", true,
       {{"boundary", "----=_Part_1;x", false}}},
      {"text/plain (a comment); charset=us-ascii (Plain text)", "text", "plain", true,
       {{"charset", "us-ascii", false}}},
      {"text / html ;charset = iso-8859-1", "text", "html", true, {{"charset", "iso-8859-1", false}}},
      {"application/octet-stream; name=\"a \\\"q\\\" b\"", "application", "octet-stream", true,
       {{"name", "a \"q\" b", false}}},
      {"text/plain; charset=utf-8; charset=latin1", "text", "plain", true, {{"charset", "utf-8", false}}},
      {"text/plain;;; format=flowed;", "text", "plain", true, {{"format", "flowed", false}}},
      {"text/plain; broken; x=1", "text", "plain", true, {{"x", "1", false}}},
      {"text/plain; name=\"unterminated", "text", "plain", true, {{"name", "unterminated", false}}},
      {"garbage", "text", "plain", false, {}},
      {"", "text", "plain", false, {}},
      {"text/", "text", "plain", false, {}},
      {"text/plain/extra; a=b", "text", "plain", false, {{"a", "b", false}}},
  };
  for (const auto& c : cases) {
    ContentType ct = parse_content_type(c.in);
    EXPECT_EQ(ct.type, c.type) << c.in;
    EXPECT_EQ(ct.subtype, c.subtype) << c.in;
    EXPECT_EQ(ct.valid, c.valid) << c.in;
    EXPECT_EQ(ct.params, c.params) << c.in;
  }
}

// RFC 2231 3 and 4, with the examples of the RFC.
TEST(HeaderContentType, Rfc2231ContinuationsAndCharsets) {
  auto params = parse_mime_params(
      "; URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].name, "url");
  EXPECT_FALSE(params[0].extended);
  EXPECT_EQ(params[0].value, "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");

  params = parse_mime_params("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_TRUE(params[0].extended);
  EXPECT_EQ(decode_param_value(params[0]), "This is ***fun***");
  EXPECT_EQ(param_language(params[0]), "en-us");

  params = parse_mime_params(
      "; title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n"
      " title*2=\"isn't it!\"");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_TRUE(params[0].extended);
  EXPECT_EQ(params[0].value, "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20isn%27t%20it!");
  EXPECT_EQ(decode_param_value(params[0]), "This is even more ***fun*** isn't it!");
  EXPECT_EQ(param_language(params[0]), "en");
}

TEST(HeaderContentType, Rfc2231SegmentsOutOfOrderGapsAndCharsets) {
  auto params = parse_mime_params("; name*1=\"b\"; name*0=\"a\"; name*3=\"d\"");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].value, "ab");  // joined in order, stopping at the gap
  params = parse_mime_params("; filename*=iso-8859-1''caf%E9.txt");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(decode_param_value(params[0]), "caf\xC3\xA9.txt");
  params = parse_mime_params("; filename*=x-unknown''caf%E9.txt");
  EXPECT_EQ(decode_param_value(params[0]), "caf\xE9.txt");  // the bytes, as there is nothing better
  params = parse_mime_params("; filename*0*=utf-8''%E6%97%A5; filename*1*=%E6%9C%AC.txt");
  EXPECT_EQ(decode_param_value(params[0]), "\xE6\x97\xA5\xE6\x9C\xAC.txt");
  // A plain value and RFC 2047 in it (common, though RFC 2047 5 forbids it).
  params = parse_mime_params("; filename=\"=?UTF-8?B?5pel5pys?=.txt\"");
  EXPECT_EQ(decode_param_value(params[0]), "\xE6\x97\xA5\xE6\x9C\xAC.txt");
  params = parse_mime_params("; filename=caf\xE9.txt");
  EXPECT_EQ(decode_param_value(params[0]), "caf\xC3\xA9.txt");
}

TEST(HeaderContentDisposition, ParsesTypeAndParameters) {
  ContentDisposition cd = parse_content_disposition(
      "Attachment; filename=genome.jpeg;\r\n modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\"");
  EXPECT_EQ(cd.type, "attachment");
  ASSERT_EQ(cd.params.size(), 2u);
  EXPECT_EQ(cd.params[0], (MimeParam{"filename", "genome.jpeg", false}));
  EXPECT_EQ(cd.params[1].value, "Wed, 12 Feb 1997 16:29:51 -0500");
  EXPECT_EQ(parse_content_disposition("").type, "");
  EXPECT_EQ(parse_content_disposition("inline").params.size(), 0u);
}

TEST(HeaderTokens, EncodingAndLanguage) {
  EXPECT_EQ(parse_header_token(" (comment) Base64 "), "base64");
  EXPECT_EQ(parse_header_token(""), "");
  EXPECT_EQ(parse_content_language(" en-US, (comment) fr\r\n , de"),
            (std::vector<std::string>{"en-US", "fr", "de"}));
}

}  // namespace
}  // namespace roost::mail
