// Case-insensitive UTF-8 substring matching and the chunked decoders body search uses.
#include <gtest/gtest.h>

#include "imapd/imap_search_eval_text.h"
#include "imapd/text_search.h"

namespace roost::imap {
namespace {

bool found(std::string_view needle, std::string_view text) { return TextMatcher(needle).found_in(text); }

TEST(TextMatch, AsciiIsCaseInsensitive) {
  EXPECT_TRUE(found("hello", "Say HeLLo there"));
  EXPECT_TRUE(found("HELLO", "hello"));
  EXPECT_FALSE(found("hello", "help"));
  EXPECT_FALSE(found("a@b", "A`B"));  // only letters fold
  EXPECT_TRUE(found("", "anything"));
  EXPECT_FALSE(found("longer", "long"));
}

TEST(TextMatch, FindsAtEveryPositionOfLongTexts) {
  // Past the vector width and at the very end, so both the filtered and the scalar tail are used.
  std::string text(1000, 'x');
  for (std::size_t pos : {0u, 1u, 15u, 16u, 17u, 500u, 993u, 994u}) {
    std::string t = text;
    t.replace(pos, 6, "NeeDle");
    EXPECT_TRUE(found("needle", t)) << pos;
  }
  EXPECT_FALSE(found("needle", text));
}

TEST(TextMatch, LatinGreekCyrillicFold) {
  EXPECT_TRUE(found("caf\xc3\xa9", "CAF\xc3\x89"));                          // é / É
  EXPECT_TRUE(found("\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82\xc3\x93" "D\xc5\xb9"));  // Łódź / łÓDŹ
  EXPECT_TRUE(found("\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91", "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1"));  // ΣΟΦΙΑ
  EXPECT_TRUE(found("\xcf\x82", "\xce\xa3"));                                 // final sigma
  EXPECT_TRUE(found("\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2", "xx \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82!"));
  EXPECT_TRUE(found("\xd0\x81\xd0\xbb\xd0\xba\xd0\xb0", "\xd1\x91\xd0\x9b\xd0\x9a\xd0\x90"));  // Ёлка
  EXPECT_TRUE(found("\xc3\xbf", "\xc5\xb8"));                                 // ÿ / Ÿ
  EXPECT_FALSE(found("caf\xc3\xa9", "cafe"));
}

TEST(TextMatch, FoldKeepsUtf8Length) {
  for (std::uint32_t cp = 0; cp < 0x2000; ++cp) {
    auto length = [](std::uint32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : 3; };
    EXPECT_EQ(length(fold_code_point(cp)), length(cp)) << cp;
  }
}

TEST(TextMatch, StreamFindsMatchesAcrossPieces) {
  TextMatcher needle("straddle");
  std::string text = "aaaa straddle bbbb";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    StreamMatcher stream(needle);
    stream.feed(text.substr(0, cut));
    EXPECT_TRUE(stream.feed(text.substr(cut))) << cut;
  }
  // Three tiny pieces.
  StreamMatcher stream(needle);
  EXPECT_FALSE(stream.feed("xxstr"));
  EXPECT_FALSE(stream.feed("ad"));
  EXPECT_TRUE(stream.feed("dle"));
  // restart() separates two parts.
  StreamMatcher parts(needle);
  EXPECT_FALSE(parts.feed("xxstrad"));
  parts.restart();
  EXPECT_FALSE(parts.feed("dle"));
}

template <typename Decoder>
std::string decode_in_pieces(std::string_view in, std::size_t piece) {
  Decoder decoder;
  std::string out, scratch;
  for (std::size_t i = 0; i < in.size(); i += piece) out += decoder.decode(in.substr(i, piece), scratch);
  if constexpr (std::is_same_v<Decoder, QuotedPrintableStream>) out += decoder.finish(scratch);
  return out;
}

TEST(SearchDecode, Base64InAnyPieces) {
  std::string_view in = "R3LDvMOfZSBhdXMg\r\nTcO8bmNoZW4h\r\nSGk=\r\nignored";
  for (std::size_t piece = 1; piece <= in.size(); ++piece) {
    EXPECT_EQ(decode_in_pieces<Base64Stream>(in, piece), "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen!Hi") << piece;
  }
}

TEST(SearchDecode, QuotedPrintableInAnyPieces) {
  std::string_view in = "Le CAF=C9 est pr=EAt.\r\nSoft=\r\nbreak =3D done=\n ok =ZZ";
  for (std::size_t piece = 1; piece <= in.size(); ++piece) {
    EXPECT_EQ(decode_in_pieces<QuotedPrintableStream>(in, piece), "Le CAF\xc9 est pr\xeat.\r\nSoftbreak = done ok =ZZ")
        << piece;
  }
}

TEST(SearchDecode, CharsetsConvertLineByLine) {
  CharsetStream latin1("ISO-8859-1");
  std::string out, scratch;
  out += latin1.convert("caf\xe9 cr", scratch);
  out += latin1.convert("\xe8me\r\nplain\r\nend", scratch);
  out += latin1.finish(scratch);
  EXPECT_EQ(out, "caf\xc3\xa9 cr\xc3\xa8me\r\nplain\r\nend");

  CharsetStream cp1252("windows-1252");
  EXPECT_EQ(std::string(cp1252.convert("\x80 5\r\n", scratch)), "\xe2\x82\xac 5\r\n");  // euro sign

  CharsetStream koi8("koi8-r");
  EXPECT_EQ(std::string(koi8.convert("\xf0\xd2\xc9\xd7\xc5\xd4\n", scratch)), "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\n");

  CharsetStream utf8("utf-8");
  EXPECT_TRUE(utf8.passthrough());
}

}  // namespace
}  // namespace roost::imap
