// Case folding and the candidate-filter substring search of text_search.h.
#include "imapd/text_search.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace roost::imap {
namespace {

// Decodes one UTF-8 character at text[0..avail); returns its length, or 0 when the bytes there are not
// a well-formed character (then the byte is taken as it is).
std::size_t decode_utf8(const unsigned char* s, std::size_t avail, std::uint32_t& cp) {
  unsigned char c = s[0];
  std::size_t n;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n > avail) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  return n;
}

std::size_t encode_utf8(std::uint32_t cp, unsigned char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<unsigned char>(cp);
    return 1;
  } else if (cp < 0x800) {
    out[0] = static_cast<unsigned char>(0xC0 | (cp >> 6));
    out[1] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    return 2;
  } else if (cp < 0x10000) {
    out[0] = static_cast<unsigned char>(0xE0 | (cp >> 12));
    out[1] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<unsigned char>(0xF0 | (cp >> 18));
  out[1] = static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<unsigned char>(0x80 | (cp & 0x3F));
  return 4;
}

bool is_ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// How common a needle byte is in mail text (lower is rarer), to pick the filter bytes that give the
// fewest candidates.
int commonness(unsigned char c) {
  static constexpr std::string_view kByFrequency = "etaoinsrhldcumfpgwybvkxjqz";
  if (c == ' ') return 100;
  if (is_ascii_letter(c)) return 60 - static_cast<int>(kByFrequency.find(static_cast<char>(c | 0x20)));
  if (c >= '0' && c <= '9') return 30;
  if (c == '\r' || c == '\n' || c == '.' || c == ',' || c == '-' || c == '=') return 50;
  if (c >= 0xC0) return 40;  // a lead byte: frequent in accented text
  return 10;
}

}  // namespace

std::uint32_t fold_code_point(std::uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (cp < 0x100) {
    if (cp == 0xB5) return 0x3BC;  // MICRO SIGN -> GREEK SMALL LETTER MU
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
    return cp;
  }
  if (cp < 0x180) {
    if (cp == 0x178) return 0xFF;
    bool odd = cp & 1;
    if ((cp <= 0x12F || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && !odd) return cp + 1;
    if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && odd) return cp + 1;
    return cp;
  }
  if (cp >= 0x370 && cp < 0x400) {
    if (cp == 0x386) return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A) return cp + 37;
    if (cp == 0x38C) return 0x3CC;
    if (cp == 0x38E || cp == 0x38F) return cp + 63;
    if ((cp >= 0x391 && cp <= 0x3A1) || (cp >= 0x3A3 && cp <= 0x3AB)) return cp + 32;
    if (cp == 0x3C2) return 0x3C3;  // final sigma folds to sigma
    return cp;
  }
  if (cp >= 0x400 && cp < 0x530) {
    if (cp <= 0x40F) return cp + 80;
    if (cp <= 0x42F) return cp + 32;
    bool odd = cp & 1;
    if (cp == 0x4C0) return 0x4CF;
    if (((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) || cp >= 0x4D0) && !odd) return cp + 1;
    if (cp >= 0x4C1 && cp <= 0x4CE && odd) return cp + 1;
    return cp;
  }
  if (cp >= 0x1E00 && cp <= 0x1E95 && !(cp & 1)) return cp + 1;
  if (cp >= 0x1EA0 && cp <= 0x1EFF && !(cp & 1)) return cp + 1;
  return cp;
}

std::string fold_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint32_t cp;
    std::size_t n = decode_utf8(s + i, text.size() - i, cp);
    if (n == 0) {
      out += text[i++];
      continue;
    }
    unsigned char buf[4];
    std::size_t m = encode_utf8(fold_code_point(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), m);
    i += n;
  }
  return out;
}

TextMatcher::TextMatcher(std::string_view needle) : needle_(fold_utf8(needle)) {
  // Filter bytes: ASCII bytes (letters in either case) and lead bytes of characters whose other-case
  // forms share the lead byte up to its lowest bit (true of every mapping above except the two that
  // cross blocks, U+00FF from U+0178 and U+03BC from U+00B5). Continuation bytes are never used.
  auto s = reinterpret_cast<const unsigned char*>(needle_.data());
  int best = 1000, second = 1000;
  std::size_t i = 0;
  while (i < needle_.size()) {
    std::uint32_t cp;
    std::size_t n = decode_utf8(s + i, needle_.size() - i, cp);
    Probe probe{i, 0xff, s[i]};
    bool usable = true;
    if (n == 0) {
      n = 1;
      usable = false;
    } else if (cp < 0x80) {
      if (is_ascii_letter(s[i])) probe = Probe{i, 0xDF, static_cast<std::uint8_t>(s[i] & 0xDF)};
    } else {
      usable = cp != 0xFF && cp != 0x3BC;
      probe = Probe{i, 0xFE, static_cast<std::uint8_t>(s[i] & 0xFE)};
    }
    if (usable) {
      int rank = commonness(s[i]);
      if (rank < best) {
        second_ = first_;
        second = best;
        first_ = probe;
        best = rank;
      } else if (rank < second) {
        second_ = probe;
        second = rank;
      }
    }
    i += n;
  }
  filtered_ = best < 1000;
  ascii_ = std::none_of(needle_.begin(), needle_.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (filtered_ && second >= 1000) second_ = first_;
}

bool TextMatcher::matches_at(const char* text) const {
  auto h = reinterpret_cast<const unsigned char*>(text);
  auto n = reinterpret_cast<const unsigned char*>(needle_.data());
  std::size_t size = needle_.size();
  std::size_t j = 0;
  while (j < size) {
    unsigned char c = h[j];
    if (c < 0x80) {
      unsigned char folded = (c >= 'A' && c <= 'Z') ? c + 32 : c;
      if (folded != n[j]) return false;
      ++j;
      continue;
    }
    std::uint32_t cp;
    std::size_t len = decode_utf8(h + j, size - j, cp);
    if (len == 0) {
      if (c != n[j]) return false;
      ++j;
      continue;
    }
    unsigned char buf[4];
    std::size_t m = encode_utf8(fold_code_point(cp), buf);
    if (m != len || std::memcmp(buf, n + j, m) != 0) return false;
    j += len;
  }
  return true;
}

bool TextMatcher::scan_scalar(std::string_view text, std::size_t from) const {
  std::size_t size = needle_.size();
  auto h = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = from; i + size <= text.size(); ++i) {
    if (filtered_ && ((h[i + first_.offset] & first_.mask) != first_.value ||
                      (h[i + second_.offset] & second_.mask) != second_.value)) {
      continue;
    }
    if (matches_at(text.data() + i)) return true;
  }
  return false;
}

bool TextMatcher::found_in(std::string_view text) const {
  std::size_t size = needle_.size();
  if (size == 0) return true;
  if (text.size() < size) return false;
  std::size_t i = 0;
#if defined(__SSE2__)
  if (filtered_) {
    const __m128i mask1 = _mm_set1_epi8(static_cast<char>(first_.mask));
    const __m128i value1 = _mm_set1_epi8(static_cast<char>(first_.value));
    const __m128i mask2 = _mm_set1_epi8(static_cast<char>(second_.mask));
    const __m128i value2 = _mm_set1_epi8(static_cast<char>(second_.value));
    const char* p1 = text.data() + first_.offset;
    const char* p2 = text.data() + second_.offset;
    // Blocks of 16 start positions while both probes stay inside the text.
    std::size_t last_start = text.size() - size;  // the last position a match can start at
    while (i + 16 <= last_start + 1) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p1 + i));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p2 + i));
      __m128i hit = _mm_and_si128(_mm_cmpeq_epi8(_mm_and_si128(a, mask1), value1),
                                  _mm_cmpeq_epi8(_mm_and_si128(b, mask2), value2));
      unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(hit));
      while (bits != 0) {
        unsigned bit = static_cast<unsigned>(__builtin_ctz(bits));
        if (matches_at(text.data() + i + bit)) return true;
        bits &= bits - 1;
      }
      i += 16;
    }
  }
#endif
  return scan_scalar(text, i);
}

bool StreamMatcher::feed(std::string_view piece) {
  if (found_) return true;
  std::size_t keep = matcher_.size() == 0 ? 0 : matcher_.size() - 1;
  if (!carry_.empty() && !piece.empty()) {
    // A match that starts in the kept bytes ends within the first `keep` bytes of this piece.
    std::string joint = carry_;
    joint.append(piece.substr(0, keep));
    if (matcher_.found_in(joint)) return found_ = true;
  }
  if (matcher_.found_in(piece)) return found_ = true;
  if (keep == 0) return false;
  if (piece.size() >= keep) {
    carry_.assign(piece.substr(piece.size() - keep));
  } else {
    carry_.append(piece);
    if (carry_.size() > keep) carry_.erase(0, carry_.size() - keep);
  }
  return false;
}

}  // namespace roost::imap
