// Sequence set parsing and matching.
#include "imapd/sequence_set.h"

#include <algorithm>

namespace roost::imap {
namespace {

// seq-number = nz-number / "*"; nz-number has no leading zero and fits 32 bits (RFC 9051 9).
std::optional<std::uint32_t> parse_seq_number(std::string_view text) {
  if (text == "*") return kLargest;
  if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xffffffffULL) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

}  // namespace

bool SequenceSet::contains(std::uint32_t n, std::uint32_t largest) const {
  if (saved || n == 0) return false;
  for (const SeqRange& r : ranges) {
    std::uint32_t a = r.first == kLargest ? largest : r.first;
    std::uint32_t b = r.last == kLargest ? largest : r.last;
    if (a == 0 || b == 0) continue;
    if (n >= std::min(a, b) && n <= std::max(a, b)) return true;
  }
  return false;
}

std::string SequenceSet::to_string() const {
  if (saved) return "$";
  std::string out;
  auto number = [](std::uint32_t n) { return n == kLargest ? std::string("*") : std::to_string(n); };
  for (const SeqRange& r : ranges) {
    if (!out.empty()) out += ',';
    out += number(r.first);
    if (r.first != r.last) out += ':' + number(r.last);
  }
  return out;
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text, bool allow_saved) {
  SequenceSet set;
  if (text == "$") {
    if (!allow_saved) return std::nullopt;
    set.saved = true;
    return set;
  }
  if (text.empty()) return std::nullopt;
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::size_t colon = item.find(':');
    SeqRange range;
    if (colon == std::string_view::npos) {
      auto n = parse_seq_number(item);
      if (!n) return std::nullopt;
      range = {*n, *n};
    } else {
      auto a = parse_seq_number(item.substr(0, colon));
      auto b = parse_seq_number(item.substr(colon + 1));
      if (!a || !b) return std::nullopt;
      range = {*a, *b};
    }
    set.ranges.push_back(range);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return set;
}

}  // namespace roost::imap
