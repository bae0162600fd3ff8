// Case-insensitive substring search over UTF-8 text for IMAP SEARCH (RFC 9051 6.4.4: "case-insensitive
// substring"). The needle is folded once; the haystack is scanned for candidate positions with a
// vectorised filter on one or two bytes of the needle, and only candidates are folded and compared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace roost::imap {

// Simple case folding (Unicode CaseFolding.txt, status C+S) of ASCII, Latin-1, Latin Extended-A,
// Greek, Cyrillic and Latin Extended Additional. Only mappings that keep the UTF-8 length are applied
// (so U+017F LONG S and U+212A KELVIN SIGN stay as they are): folded text then has the same byte
// offsets as the original, which the matcher relies on.
std::uint32_t fold_code_point(std::uint32_t cp);

// The folded UTF-8 form of `text`; bytes that are not valid UTF-8 are kept as they are.
std::string fold_utf8(std::string_view text);

// A needle ready to be searched for in any number of haystacks.
class TextMatcher {
 public:
  explicit TextMatcher(std::string_view needle);

  // The folded needle's size in bytes; an empty needle is found in every text.
  std::size_t size() const { return needle_.size(); }
  // True when the needle occurs in `text`, comparing folded characters.
  bool found_in(std::string_view text) const;
  // The needle is ASCII: no other byte can be part of a match, so text in any charset that keeps
  // ASCII as it is can be searched without converting it.
  bool ascii() const { return ascii_; }

 private:
  struct Probe {
    std::size_t offset = 0;    // byte of the needle the filter compares
    std::uint8_t mask = 0xff;  // haystack byte & mask must equal value
    std::uint8_t value = 0;
  };
  bool matches_at(const char* text) const;
  bool scan_scalar(std::string_view text, std::size_t from) const;

  std::string needle_;  // folded
  Probe first_;
  Probe second_;
  bool filtered_ = false;  // false: no byte of the needle can filter, every position is verified
  bool ascii_ = true;
};

// Searches a text that arrives in pieces (a part's body decoded chunk by chunk): a match that spans
// two pieces is found. Keeps the last size() - 1 bytes of what it was fed.
class StreamMatcher {
 public:
  explicit StreamMatcher(const TextMatcher& matcher) : matcher_(matcher) {}
  // True once the needle was found (later calls return true without looking).
  bool feed(std::string_view piece);
  bool found() const { return found_; }
  bool ascii_needle() const { return matcher_.ascii(); }
  // Forgets the text fed so far (the next piece does not continue it), keeping `found()`.
  void restart() { carry_.clear(); }

 private:
  const TextMatcher& matcher_;
  std::string carry_;
  bool found_ = false;
};

}  // namespace roost::imap
