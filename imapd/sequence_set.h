// IMAP sequence sets (RFC 9051 9 "sequence-set"): numbers, "*", ranges in either order, and "$" for a
// SEARCHRES saved result (RFC 5182 2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::imap {

// A range of message sequence numbers or UIDs. kLargest stands for "*": the largest number in use.
inline constexpr std::uint32_t kLargest = 0;

struct SeqRange {
  std::uint32_t first = 1;  // as sent; "3:1" keeps first = 3, last = 1 (RFC 9051 9: either order)
  std::uint32_t last = 1;
  bool operator==(const SeqRange&) const = default;
};

struct SequenceSet {
  bool saved = false;            // "$": the saved search result; `ranges` is empty then
  std::vector<SeqRange> ranges;  // in the order sent

  // Whether `n` is in the set, "*" meaning `largest` (RFC 9051 6.4.8: "*" of an empty mailbox is
  // the largest in use, so "*" alone never matches when largest is 0). Never true for a saved set.
  bool contains(std::uint32_t n, std::uint32_t largest) const;
  // Canonical text: "1:*,3:5", "$".
  std::string to_string() const;
  bool operator==(const SequenceSet&) const = default;
};

// Parses a sequence-set, or "$" when `allow_saved`. Numbers are nz-number (1..4294967295).
// nullopt on any syntax error or overflow.
std::optional<SequenceSet> parse_sequence_set(std::string_view text, bool allow_saved = true);

}  // namespace roost::imap
