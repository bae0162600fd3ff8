// Sequence sets: every form of RFC 9051 9 plus "$" (RFC 5182), matching with "*".
#include "imapd/sequence_set.h"

#include <gtest/gtest.h>

namespace roost::imap {
namespace {

TEST(SequenceSet, ParsesEveryForm) {
  auto all = parse_sequence_set("1:*");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->ranges, (std::vector<SeqRange>{{1, kLargest}}));
  auto reversed = parse_sequence_set("*:4");
  ASSERT_TRUE(reversed);
  EXPECT_EQ(reversed->ranges, (std::vector<SeqRange>{{kLargest, 4}}));
  auto list = parse_sequence_set("3,5:7,9");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->ranges, (std::vector<SeqRange>{{3, 3}, {5, 7}, {9, 9}}));
  auto saved = parse_sequence_set("$");
  ASSERT_TRUE(saved);
  EXPECT_TRUE(saved->saved);
  EXPECT_EQ(saved->to_string(), "$");
  EXPECT_EQ(parse_sequence_set("4294967295")->ranges[0].first, 4294967295u);
}

TEST(SequenceSet, RejectsMalformedSets) {
  for (const char* text : {"", "0", "01", "1:", ":1", "1,,2", "1,", "a", "1:2:3", "4294967296", "$,1", "$$", "1 2"}) {
    EXPECT_FALSE(parse_sequence_set(text)) << text;
  }
  EXPECT_FALSE(parse_sequence_set("$", false));
}

TEST(SequenceSet, ContainsTreatsStarAsLargestAndRangesInEitherOrder) {
  auto set = *parse_sequence_set("*:4,2");
  EXPECT_TRUE(set.contains(4, 10));
  EXPECT_TRUE(set.contains(10, 10));
  EXPECT_TRUE(set.contains(2, 10));
  EXPECT_FALSE(set.contains(3, 10));
  EXPECT_FALSE(set.contains(11, 10));
  auto star = *parse_sequence_set("*");
  EXPECT_FALSE(star.contains(1, 0));  // "*" of an empty mailbox matches nothing
  EXPECT_TRUE((*parse_sequence_set("7:3")).contains(5, 100));
  EXPECT_EQ((*parse_sequence_set("1:*,3,7:5")).to_string(), "1:*,3,7:5");
}

}  // namespace
}  // namespace roost::imap
