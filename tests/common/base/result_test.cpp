// Tests for Result<T>: values and errors, and that Status carries a message.
#include "common/base/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace roost {
namespace {

Result<int> halve(int n) {
  if (n % 2) return fail("odd number");
  return n / 2;
}

TEST(Result, HoldsValueOrError) {
  auto a = halve(8);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 4);
  auto b = halve(7);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "odd number");
  EXPECT_EQ(b.value_or(-1), -1);
}

enum class Code { busy, gone };

TEST(Result, CustomErrorTypeAndMoveOnlyValue) {
  Result<std::unique_ptr<int>, Code> r = std::make_unique<int>(3);
  ASSERT_TRUE(r);
  EXPECT_EQ(**r, 3);
  Result<std::unique_ptr<int>, Code> e = fail(Code::gone);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), Code::gone);
}

TEST(Result, StatusCarriesMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status bad = fail("disk full");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "disk full");
}

TEST(ResultDeathTest, ReadingTheWrongAlternativeAborts) {
  auto b = halve(7);
  EXPECT_DEATH((void)b.value(), "");
}

}  // namespace
}  // namespace roost
