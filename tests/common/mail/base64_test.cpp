// Tests for common/mail/base64: RFC 4648 vectors, MIME wrapping and every way strict decoding refuses.
#include "common/mail/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace roost::mail {
namespace {

struct Vector {
  std::string plain;
  std::string encoded;
};

// RFC 4648 section 10 test vectors cover no padding, one '=' and two '='.
const Vector kRfc4648Vectors[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const auto& v : kRfc4648Vectors) EXPECT_EQ(base64_encode(v.plain), v.encoded) << v.plain;
}

TEST(Base64, DecodesRfc4648VectorsWithEveryPaddingForm) {
  for (const auto& v : kRfc4648Vectors) {
    auto decoded = base64_decode(v.encoded);
    ASSERT_TRUE(decoded.has_value()) << v.encoded;
    EXPECT_EQ(*decoded, v.plain);
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 7) {
    std::string part = all.substr(0, len);
    auto decoded = base64_decode(base64_encode(part));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, part);
  }
}

TEST(Base64, EncodesSaslPlainMessageWithNuls) {
  using namespace std::string_literals;
  EXPECT_EQ(base64_encode("\0alice\0secret"s), "AGFsaWNlAHNlY3JldA==");
}

TEST(Base64, DecodeRefusesEveryInvalidForm) {
  const char* kInvalid[] = {
      "Zg",          // length not a multiple of 4
      "Zg=",         // padding short
      "Zm9",         // unpadded
      "Zm9vY",       // 5 characters
      "Zg===",       // too much padding
      "Z===",        // padding in position 2
      "====",        // only padding
      "Zg==Zm9v",    // padding before the end
      "Zm=v",        // data after padding
      "Zm9v\r\n",    // line break
      "Zm9 v",       // space inside
      " Zm9v",       // leading space
      "Zm9v ",       // trailing space
      "Zm9v\t",      // tab
      "Zm-v",        // base64url alphabet
      "Zm_v",        // base64url alphabet
      "Zm9v!A==",    // punctuation
      "Zh==",        // non-zero pad bits (RFC 4648 3.5), canonical is Zg==
      "Zm9=",        // non-zero pad bits, canonical is Zm8=
      "*",           // the SASL cancel line
      "=",           // the empty initial response marker is not base64
  };
  for (const char* text : kInvalid) EXPECT_FALSE(base64_decode(text).has_value()) << '"' << text << '"';
}

TEST(Base64, DecodeRefusesEightBitAndNulBytes) {
  using namespace std::string_literals;
  EXPECT_FALSE(base64_decode("Zm9\xc3").has_value());
  EXPECT_FALSE(base64_decode("Zm9\0"s).has_value());
}

TEST(Base64, DecodesEmptyInputToEmpty) {
  auto decoded = base64_decode("");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->empty());
}

TEST(Base64, MimeEncodingWrapsAt76WithCrlf) {
  std::string data(200, 'x');
  std::string wrapped = base64_encode_mime(data);
  std::string flat = base64_encode(data);
  std::string rejoined;
  std::size_t pos = 0;
  while (pos < wrapped.size()) {
    std::size_t crlf = wrapped.find("\r\n", pos);
    ASSERT_NE(crlf, std::string::npos);
    std::size_t len = crlf - pos;
    EXPECT_LE(len, 76u);
    if (crlf + 2 < wrapped.size()) {
      EXPECT_EQ(len, 76u);  // only the last line is shorter
    }
    rejoined += wrapped.substr(pos, len);
    pos = crlf + 2;
  }
  EXPECT_EQ(rejoined, flat);
}

TEST(Base64, MimeEncodingOfExactLineHasOneCrlf) {
  std::string data(57, 'a');  // 57 octets = 76 characters
  EXPECT_EQ(base64_encode_mime(data), base64_encode(data) + "\r\n");
  EXPECT_EQ(base64_encode_mime(""), "");
  EXPECT_EQ(base64_encode_mime("f"), "Zg==\r\n");
}

}  // namespace
}  // namespace roost::mail
