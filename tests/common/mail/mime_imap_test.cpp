// Tests for common/mail/mime_imap: IMAP string quoting (RFC 3501 4.3, 9) and the shapes of BODY and
// BODYSTRUCTURE for single parts, multiparts and message/rfc822.
#include "common/mail/mime_imap.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

std::string imap_string(std::string_view s) {
  std::string out;
  append_imap_string(out, s);
  return out;
}

TEST(BodyStructureStrings, QuotesOrUsesLiterals) {
  EXPECT_EQ(imap_string(""), "\"\"");
  EXPECT_EQ(imap_string("plain"), "\"plain\"");
  EXPECT_EQ(imap_string("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
  EXPECT_EQ(imap_string("caf\xC3\xA9"), "{5}\r\ncaf\xC3\xA9");
  EXPECT_EQ(imap_string("two\r\nlines"), "{10}\r\ntwo\r\nlines");
  EXPECT_EQ(imap_string(std::string("a\0b", 3)), "\"ab\"");
  EXPECT_EQ(imap_string(std::string("\xE9\0", 2)), "{1}\r\n\xE9");
  std::string out;
  append_imap_nstring(out, std::nullopt);
  EXPECT_EQ(out, "NIL");
}

TEST(BodyStructureStrings, LongStringsAreLiterals) {
  std::string s(2000, 'a');
  EXPECT_EQ(imap_string(s), "{2000}\r\n" + s);
}

TEST(BodyStructure, SinglePartWithoutParametersAndNonText) {
  MimePart p;
  p.type = "image";
  p.subtype = "png";
  p.encoding = "base64";
  p.body_size = 100;
  p.body_lines = 2;
  EXPECT_EQ(render_body_structure(p, false), R"(("image" "png" NIL NIL NIL "base64" 100))");
  EXPECT_EQ(render_body_structure(p, true), R"(("image" "png" NIL NIL NIL "base64" 100 NIL NIL NIL NIL))");
  MimePart t;
  t.body_size = 3;
  t.body_lines = 1;
  EXPECT_EQ(render_body_structure(t, false), R"(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 3 1))");
}

TEST(BodyStructure, MultipartWithoutPartsShowsAnEmptyTextPart) {
  MimePart p;
  p.type = "multipart";
  p.subtype = "related";
  EXPECT_EQ(render_body_structure(p, false),
            R"((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0) "related"))");
}

TEST(BodyStructure, ExtendedParametersKeepTheirStar) {
  MimePart p;
  p.type = "application";
  p.subtype = "pdf";
  p.params = {{"name", "utf-8''%C3%A9.pdf", true}};
  p.disposition = "attachment";
  p.disposition_params = {{"filename", "x \"y\"", false}};
  EXPECT_EQ(render_body_structure(p, true),
            R"(("application" "pdf" ("name*" "utf-8''%C3%A9.pdf") NIL NIL "7bit" 0 NIL ("attachment" ("filename" "x \"y\"")) NIL NIL))");
}

}  // namespace
}  // namespace roost::mail
