#include "core/status.h"

#include <gtest/gtest.h>

namespace core {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return fail(ErrorCode::kInvalidArgument, "value must be positive");
  return value;
}

Status twice_positive(int value, int* out) {
  auto parsed = parse_positive(value);
  CORE_RETURN_IF_ERROR(parsed);
  *out = *parsed * 2;
  return ok_status();
}

TEST(Status, ValueAndErrorRoundTrip) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 3);

  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "value must be positive");
}

TEST(Status, ReturnIfErrorPropagatesTheFirstError) {
  int out = 0;
  EXPECT_TRUE(twice_positive(4, &out).has_value());
  EXPECT_EQ(out, 8);
  out = 0;
  auto status = twice_positive(0, &out);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(out, 0);
}

TEST(Status, WithContextPrefixesTheMessageAndKeepsTheCode) {
  Error error(ErrorCode::kIo, "disk full");
  Error wrapped = error.with_context("writing ledger.db");
  EXPECT_EQ(wrapped.code(), ErrorCode::kIo);
  EXPECT_EQ(wrapped.message(), "writing ledger.db: disk full");
  EXPECT_EQ(to_string(ErrorCode::kCorrupt), "corrupt data");
}

TEST(StatusDeathTest, CheckAbortsWithTheExpression) {
  EXPECT_DEATH(CORE_CHECK(1 + 1 == 3), "check failed: 1 \\+ 1 == 3");
}

}  // namespace
}  // namespace core
