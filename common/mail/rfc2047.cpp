// RFC 2047 encoded-word decoding and charset conversion to UTF-8 (natively for the common charsets,
// through glibc's iconv for the rest).
#include "common/mail/rfc2047.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>

namespace roost::mail {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_latin1(std::string& out, std::string_view bytes) {
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
}

std::optional<std::string> iconv_to_utf8(const std::string& charset, std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out;
  std::array<char, 1024> buf;
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  bool ok = true;
  for (;;) {
    char* dst = buf.data();
    std::size_t dst_left = buf.size();
    std::size_t r = iconv(cd, in_left > 0 ? &in : nullptr, &in_left, &dst, &dst_left);
    out.append(buf.data(), buf.size() - dst_left);
    if (r != static_cast<std::size_t>(-1)) {
      if (in_left == 0) break;
      continue;
    }
    if (errno == E2BIG) continue;
    ok = false;  // EILSEQ or EINVAL: invalid or truncated input
    break;
  }
  if (ok) {
    // Flush any shift state (stateful encodings such as ISO-2022-JP).
    char* dst = buf.data();
    std::size_t dst_left = buf.size();
    iconv(cd, nullptr, nullptr, &dst, &dst_left);
    out.append(buf.data(), buf.size() - dst_left);
  }
  iconv_close(cd);
  if (!ok) return std::nullopt;
  return out;
}

// One encoded-word starting at `pos` (which holds "=?"): its decoded UTF-8 and its end, or nullopt.
struct EncodedWord {
  std::string text;
  std::size_t end;
};

std::optional<EncodedWord> parse_encoded_word(std::string_view s, std::size_t pos) {
  // RFC 2047 2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="
  std::size_t cs_begin = pos + 2;
  std::size_t q1 = s.find('?', cs_begin);
  if (q1 == std::string_view::npos || q1 == cs_begin || q1 + 2 >= s.size() || s[q1 + 2] != '?') {
    return std::nullopt;
  }
  std::string_view charset = s.substr(cs_begin, q1 - cs_begin);
  for (char c : charset) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '=') return std::nullopt;
  }
  char enc = lower(s[q1 + 1]);
  if (enc != 'b' && enc != 'q') return std::nullopt;
  std::size_t text_begin = q1 + 3;
  std::size_t close = s.find("?=", text_begin);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view encoded = s.substr(text_begin, close - text_begin);
  if (encoded.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
  std::string raw = enc == 'b' ? decode_base64_lenient(encoded) : decode_quoted_printable(encoded, true);
  auto text = charset_to_utf8(charset, raw);
  if (!text) return std::nullopt;  // unknown charset: the caller keeps the word as written
  return EncodedWord{std::move(*text), close + 2};
}

void append_plain(std::string& out, std::string_view text) {
  if (is_valid_utf8(text)) {
    out += text;
  } else {
    append_latin1(out, text);
  }
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::optional<std::string> charset_to_utf8(std::string_view charset, std::string_view bytes) {
  // RFC 2231 5: charset may carry "*language" in encoded-words.
  if (auto star = charset.find('*'); star != std::string_view::npos) charset = charset.substr(0, star);
  if (charset.empty()) return std::nullopt;
  if (iequals(charset, "utf-8") || iequals(charset, "utf8")) return std::string(bytes);
  if (iequals(charset, "us-ascii") || iequals(charset, "ascii")) {
    std::string out;
    append_plain(out, bytes);  // 8-bit bytes under a us-ascii label are common; keep them readable
    return out;
  }
  if (iequals(charset, "iso-8859-1") || iequals(charset, "latin1") || iequals(charset, "iso8859-1")) {
    std::string out;
    append_latin1(out, bytes);
    return out;
  }
  if (charset.size() > 64) return std::nullopt;
  return iconv_to_utf8(std::string(charset), bytes);
}

std::string decode_quoted_printable(std::string_view text, bool q_encoding) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_' && q_encoding) {
      out += ' ';  // RFC 2047 4.2 (2)
    } else if (c == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else if (c == '=' && !q_encoding && i + 1 < text.size() &&
               (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n'))) {
      i += text[i + 1] == '\r' ? 2 : 1;  // RFC 2045 6.7 (5): soft line break
    } else {
      out += c;
    }
  }
  return out;
}

std::string decode_base64_lenient(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : text) {
    int v;
    if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') v = ch - '0' + 52;
    else if (ch == '+') v = 62;
    else if (ch == '/') v = 63;
    else if (ch == '=') break;
    else continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_rfc2047(std::string_view value) {
  std::string out;
  std::size_t i = 0;
  std::size_t plain_begin = 0;
  bool last_was_word = false;  // the last thing appended was an encoded-word
  while (i < value.size()) {
    if (value[i] == '=' && i + 1 < value.size() && value[i + 1] == '?') {
      if (auto word = parse_encoded_word(value, i)) {
        std::string_view between = value.substr(plain_begin, i - plain_begin);
        bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
        // RFC 2047 6.2: linear white space between adjacent encoded-words is ignored.
        if (!(last_was_word && only_space)) {
          std::string unfolded;
          for (char c : between) {
            if (c != '\r' && c != '\n') unfolded += c;
          }
          append_plain(out, unfolded);
        }
        out += word->text;
        i = word->end;
        plain_begin = i;
        last_was_word = true;
        continue;
      }
    }
    ++i;
  }
  std::string rest;
  for (char c : value.substr(plain_begin)) {
    if (c != '\r' && c != '\n') rest += c;
  }
  append_plain(out, rest);
  return out;
}

}  // namespace roost::mail
