// IMAP tokens: quoted strings and their escapes, literals, astrings, numbers and their bounds, flags.
#include "imapd/imap_lexer.h"

#include <gtest/gtest.h>

namespace roost::imap {
namespace {

TEST(ImapLexer, QuotedStringsAllowOnlyQuoteAndBackslashEscapes) {
  Lexer ok("\"a\\\"b\\\\c\"", 8);
  EXPECT_EQ(ok.string(), "a\"b\\c");
  EXPECT_TRUE(ok.at_end());
  Lexer bad_escape("\"a\\nb\"", 8);
  EXPECT_FALSE(bad_escape.string());
  EXPECT_EQ(bad_escape.error(), "Bad escape in a quoted string");
  Lexer cr("\"a\rb\"", 8);
  EXPECT_FALSE(cr.string());
  Lexer utf8("\"\xc3\xa9t\xc3\xa9\"", 8);  // RFC 9051 9: quoted strings may hold UTF-8
  EXPECT_EQ(utf8.string(), "\xc3\xa9t\xc3\xa9");
}

TEST(ImapLexer, LiteralsAreCheckedAgainstTheirAnnouncement) {
  Lexer plain("{3}\r\nabc", 8);
  EXPECT_EQ(plain.string(), "abc");
  Lexer short_literal("{5}\r\nabc", 8);
  EXPECT_FALSE(short_literal.string());
  Lexer nul(std::string_view("{3+}\r\na\0c", 9), 8);
  EXPECT_FALSE(nul.string());
  bool binary = false;
  Lexer eight(std::string_view("~{3}\r\na\0c", 9), 8);
  EXPECT_EQ(eight.string(true, &binary), std::string("a\0c", 3));
  EXPECT_TRUE(binary);
  Lexer eight_refused("~{1}\r\nx", 8);
  EXPECT_FALSE(eight_refused.string());
}

TEST(ImapLexer, AstringTakesCloseBracketButNotParenthesis) {
  Lexer l("a]b)c", 8);
  EXPECT_EQ(l.astring(), "a]b");
  EXPECT_EQ(l.peek(), ')');
}

TEST(ImapLexer, NumbersAreBounded) {
  EXPECT_EQ(Lexer("4294967295", 8).number(), 4294967295u);
  EXPECT_FALSE(Lexer("4294967296", 8).number());
  EXPECT_EQ(Lexer("9223372036854775807", 8).number64(), 9223372036854775807u);
  EXPECT_FALSE(Lexer("9223372036854775808", 8).number64());
  EXPECT_FALSE(Lexer("0", 8).nz_number());
  EXPECT_FALSE(Lexer("x", 8).number());
}

TEST(ImapLexer, FlagsFoldSystemFlagsOnly) {
  Lexer l("(\\SEEN \\answered $Junk Custom \\Ext)", 8);
  auto flags = l.flag_list();
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags, (std::vector<std::string>{"\\Seen", "\\Answered", "$Junk", "Custom", "\\Ext"}));
  EXPECT_FALSE(Lexer("(\\)", 8).flag_list());
}

TEST(ImapLexer, KeywordsNeedAWordBoundary) {
  Lexer l("FLAGS.SILENT", 8);
  EXPECT_FALSE(l.keyword("FLAGS"));
  EXPECT_TRUE(l.keyword("FLAGS.SILENT"));
  Lexer depth("", 2);
  EXPECT_TRUE(depth.enter());
  EXPECT_TRUE(depth.enter());
  EXPECT_FALSE(depth.enter());
}

}  // namespace
}  // namespace roost::imap
