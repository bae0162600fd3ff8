// Chunked decoding of text parts for body search: base64 and quoted-printable (RFC 2045 6.7, 6.8) and
// charset conversion to UTF-8.
#include <array>
#include <cstring>

#include "common/mail/rfc2047.h"
#include "imapd/imap_search_eval_text.h"

namespace roost::imap {
namespace {

// Bytes of an unfinished line kept before a piece is converted anyway (a part without line ends).
constexpr std::size_t kMaxPendingLine = 4 * kSearchChunkSize;

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kBase64 = make_base64_table();

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

bool has_high_byte(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (word & 0x8080808080808080ull) return true;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return true;
  }
  return false;
}

// Double-byte charsets whose second bytes may be ASCII values (0x40-0x7E): an ASCII needle could match
// inside their characters, so their text is converted even for an ASCII needle.
bool ascii_trail_bytes(std::string_view charset) {
  for (std::string_view prefix : {"shift", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932", "ms932", "big5",
                                  "gbk", "gb18030", "cp936", "windows-936", "cp949", "uhc", "ks_c_5601", "johab",
                                  "cp950"}) {
    if (charset.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::string_view Base64Stream::decode(std::string_view in, std::string& scratch) {
  scratch.clear();
  if (ended_) return scratch;
  scratch.resize(in.size() / 4 * 3 + 3);
  char* out = scratch.data();
  auto s = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t i = 0;
  while (i < in.size()) {
    // Whole groups of four alphabet characters (the bulk of a MIME line) in one step.
    if (count_ == 0) {
      while (i + 4 <= in.size()) {
        std::int32_t a = kBase64[s[i]], b = kBase64[s[i + 1]], c = kBase64[s[i + 2]], d = kBase64[s[i + 3]];
        if ((a | b | c | d) < 0) break;
        std::uint32_t v = (static_cast<std::uint32_t>(a) << 18) | (static_cast<std::uint32_t>(b) << 12) |
                          (static_cast<std::uint32_t>(c) << 6) | static_cast<std::uint32_t>(d);
        out[0] = static_cast<char>(v >> 16);
        out[1] = static_cast<char>((v >> 8) & 0xff);
        out[2] = static_cast<char>(v & 0xff);
        out += 3;
        i += 4;
      }
      if (i >= in.size()) break;
    }
    unsigned char ch = s[i++];
    std::int8_t v = kBase64[ch];
    if (v < 0) {
      if (ch == '=') {  // RFC 2045 6.8: padding ends the data
        ended_ = true;
        break;
      }
      continue;  // line ends and anything outside the alphabet are ignored
    }
    bits_ = (bits_ << 6) | static_cast<std::uint32_t>(v);
    if (++count_ == 4) {
      out[0] = static_cast<char>(bits_ >> 16);
      out[1] = static_cast<char>((bits_ >> 8) & 0xff);
      out[2] = static_cast<char>(bits_ & 0xff);
      out += 3;
      bits_ = 0;
      count_ = 0;
    }
  }
  if (ended_) {
    // The bytes the last incomplete group holds: 2 sextets give 1 byte, 3 give 2.
    if (count_ == 2) *out++ = static_cast<char>(bits_ >> 4);
    if (count_ == 3) {
      *out++ = static_cast<char>(bits_ >> 10);
      *out++ = static_cast<char>((bits_ >> 2) & 0xff);
    }
    count_ = 0;
  }
  scratch.resize(static_cast<std::size_t>(out - scratch.data()));
  return scratch;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2045 6.7 over complete text (no escape cut at its end): runs between '=' are copied whole.
// Malformed escapes are kept as written, as mail::decode_quoted_printable does.
void decode_qp_into(std::string_view text, std::string& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const void* eq = std::memchr(text.data() + i, '=', text.size() - i);
    std::size_t at = eq ? static_cast<std::size_t>(static_cast<const char*>(eq) - text.data()) : text.size();
    out.append(text.data() + i, at - i);
    if (at == text.size()) break;
    int high = at + 2 < text.size() ? hex_digit(text[at + 1]) : -1;
    int low = high >= 0 ? hex_digit(text[at + 2]) : -1;
    if (low >= 0) {
      out += static_cast<char>(high * 16 + low);
      i = at + 3;
    } else if (at + 1 < text.size() && text[at + 1] == '\n') {
      i = at + 2;  // RFC 2045 6.7 (5): soft line break
    } else if (at + 2 < text.size() && text[at + 1] == '\r' && text[at + 2] == '\n') {
      i = at + 3;
    } else {
      out += '=';
      i = at + 1;
    }
  }
}

}  // namespace

std::string_view QuotedPrintableStream::decode(std::string_view in, std::string& scratch) {
  if (pending_.empty() && std::memchr(in.data(), '=', in.size()) == nullptr) return in;
  std::string joined;
  if (!pending_.empty()) {
    joined = std::move(pending_);
    joined.append(in);
    in = joined;
    pending_.clear();
  }
  std::size_t keep = 0;
  if (!in.empty() && in.back() == '=') {
    keep = 1;
  } else if (in.size() >= 2 && in[in.size() - 2] == '=') {
    keep = 2;  // "=X" or "=\r": the rest of the escape or soft break is in the next chunk
  }
  scratch.clear();
  decode_qp_into(in.substr(0, in.size() - keep), scratch);
  pending_.assign(in.substr(in.size() - keep));
  return scratch;
}

std::string_view QuotedPrintableStream::finish(std::string& scratch) {
  scratch.clear();
  decode_qp_into(pending_, scratch);
  pending_.clear();
  return scratch;
}

CharsetStream::CharsetStream(std::string_view charset, bool ascii_needle) : charset_(lower_ascii(charset)) {
  passthrough_ = charset_.empty() || charset_ == "utf-8" || charset_ == "utf8" || charset_ == "us-ascii" ||
                 charset_ == "ascii";
  bool stateful = charset_.starts_with("iso-2022") || charset_ == "utf-7" || charset_.starts_with("hz");
  line_safe_ = !(charset_.starts_with("utf-16") || charset_.starts_with("utf-32") || charset_.starts_with("ucs"));
  ascii_compatible_ = line_safe_ && !stateful;
  if (ascii_needle && ascii_compatible_ && !ascii_trail_bytes(charset_)) passthrough_ = true;
  latin1_ = charset_ == "iso-8859-1" || charset_ == "latin1" || charset_ == "iso_8859-1" || charset_ == "l1";
}

std::string_view CharsetStream::flush(std::string_view bytes, std::string& scratch) {
  if (ascii_compatible_ && !has_high_byte(bytes)) return bytes;
  if (latin1_) {
    // ISO-8859-1 maps each byte to the code point of the same value: two UTF-8 bytes for 0x80-0xFF.
    scratch.resize(bytes.size() * 2);
    char* out = scratch.data();
    for (unsigned char c : bytes) {
      if (c < 0x80) {
        *out++ = static_cast<char>(c);
      } else {
        *out++ = static_cast<char>(0xC0 | (c >> 6));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    scratch.resize(static_cast<std::size_t>(out - scratch.data()));
    return scratch;
  }
  auto utf8 = mail::charset_to_utf8(charset_, bytes);
  // An unknown charset or bytes invalid in it: search the bytes as they are, which still finds ASCII.
  scratch = utf8 ? std::move(*utf8) : std::string(bytes);
  return scratch;
}

std::string_view CharsetStream::convert(std::string_view in, std::string& scratch) {
  if (passthrough_) return in;
  if (line_safe_) {
    auto lf = in.rfind('\n');
    if (lf == std::string_view::npos) {
      pending_.append(in);
      if (pending_.size() <= kMaxPendingLine) return {};
      piece_ = std::move(pending_);
      pending_.clear();
      return flush(piece_, scratch);
    }
    std::string_view head = in.substr(0, lf + 1);
    std::string_view tail = in.substr(lf + 1);
    std::string_view out;
    if (pending_.empty()) {
      out = flush(head, scratch);
    } else {
      piece_ = std::move(pending_);
      piece_.append(head);
      out = flush(piece_, scratch);
    }
    pending_.assign(tail);
    return out;
  }
  pending_.append(in);
  if (pending_.size() <= kMaxPendingLine) return {};
  std::size_t cut = pending_.size() - pending_.size() % 4;
  piece_.assign(pending_, 0, cut);
  pending_.erase(0, cut);
  return flush(piece_, scratch);
}

std::string_view CharsetStream::finish(std::string& scratch) {
  if (passthrough_ || pending_.empty()) return {};
  piece_ = std::move(pending_);
  pending_.clear();
  return flush(piece_, scratch);
}

}  // namespace roost::imap
