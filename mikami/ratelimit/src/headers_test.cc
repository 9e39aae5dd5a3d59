#include <gtest/gtest.h>

#include <map>
#include <string>

#include "mikami/ratelimit_headers.h"

namespace mikami {
namespace {

using std::chrono::microseconds;

core::Result<RateLimitHeaders> parse(std::map<std::string, std::string> values) {
  return parse_rate_limit_headers([&](std::string_view name) -> std::optional<std::string_view> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ParseSecondsTest, ParsesWholeAndFractionalSecondsExactly) {
  EXPECT_EQ(parse_seconds("1"), microseconds(1'000'000));
  EXPECT_EQ(parse_seconds("0.25"), microseconds(250'000));
  EXPECT_EQ(parse_seconds("64.57"), microseconds(64'570'000));
  EXPECT_EQ(parse_seconds("0.001"), microseconds(1'000));
  EXPECT_EQ(parse_seconds(" 2.5 "), microseconds(2'500'000));
  EXPECT_EQ(parse_seconds("1.0000009"), microseconds(1'000'000));
}

TEST(ParseSecondsTest, RejectsMalformedText) {
  EXPECT_FALSE(parse_seconds(""));
  EXPECT_FALSE(parse_seconds("."));
  EXPECT_FALSE(parse_seconds("-1"));
  EXPECT_FALSE(parse_seconds("1e3"));
  EXPECT_FALSE(parse_seconds("abc"));
}

TEST(ParseHeadersTest, ParsesAFullSuccessResponse) {
  auto headers = parse({{"X-RateLimit-Bucket", "abcd1234"},
                        {"X-RateLimit-Limit", "5"},
                        {"X-RateLimit-Remaining", "4"},
                        {"X-RateLimit-Reset-After", "4.999"}});
  ASSERT_TRUE(headers) << headers.error().message();
  EXPECT_EQ(headers->bucket, "abcd1234");
  EXPECT_EQ(headers->limit, 5);
  EXPECT_EQ(headers->remaining, 4);
  EXPECT_EQ(headers->reset_after_us, microseconds(4'999'000));
  EXPECT_FALSE(headers->retry_after_us);
  EXPECT_FALSE(headers->global);
  EXPECT_EQ(headers->scope, RateLimitScope::kNone);
}

TEST(ParseHeadersTest, ParsesA429) {
  auto headers = parse(
      {{"Retry-After", "3"}, {"X-RateLimit-Global", "true"}, {"X-RateLimit-Scope", "global"}});
  ASSERT_TRUE(headers);
  EXPECT_EQ(headers->retry_after_us, microseconds(3'000'000));
  EXPECT_TRUE(headers->global);
  EXPECT_EQ(headers->scope, RateLimitScope::kGlobal);
  EXPECT_EQ(parse({{"X-RateLimit-Scope", "shared"}})->scope, RateLimitScope::kShared);
  EXPECT_EQ(parse({{"X-RateLimit-Scope", "user"}})->scope, RateLimitScope::kUser);
}

TEST(ParseHeadersTest, NoHeadersMeansNothingLearned) {
  auto headers = parse({});
  ASSERT_TRUE(headers);
  EXPECT_FALSE(headers->bucket);
  EXPECT_FALSE(headers->limit);
  EXPECT_FALSE(headers->remaining);
  EXPECT_FALSE(headers->reset_after_us);
}

TEST(ParseHeadersTest, MalformedValuesAreErrorsNamingTheHeader) {
  auto bad = parse({{"X-RateLimit-Remaining", "-1"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("X-RateLimit-Remaining"), std::string::npos);
  EXPECT_FALSE(parse({{"X-RateLimit-Limit", "0"}}));
  EXPECT_FALSE(parse({{"X-RateLimit-Limit", "five"}}));
  EXPECT_FALSE(parse({{"X-RateLimit-Reset-After", "soon"}}));
  EXPECT_FALSE(parse({{"X-RateLimit-Scope", "planet"}}));
  EXPECT_FALSE(parse({{"X-RateLimit-Bucket", "  "}}));
}

}  // namespace
}  // namespace mikami
