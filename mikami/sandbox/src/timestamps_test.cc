#include "timestamps.h"

#include <gtest/gtest.h>

namespace mikami::sandbox {
namespace {

TEST(TimestampsTest, ParsesWhatDiscordAndJavaScriptWrite) {
  const auto z = parse_iso8601("2024-05-01T12:00:00.000Z");
  const auto offset = parse_iso8601("2024-05-01T14:00:00.000000+02:00");
  const auto bare = parse_iso8601("2024-05-01T12:00:00");
  ASSERT_TRUE(z && offset && bare);
  EXPECT_EQ(*z, *offset);
  EXPECT_EQ(*z, *bare);
  EXPECT_EQ(format_iso8601(*z), "2024-05-01T12:00:00.000000+00:00");
  EXPECT_EQ(format_iso8601(*parse_iso8601("1999-12-31T23:59:59.25Z")),
            "1999-12-31T23:59:59.250000+00:00");
}

TEST(TimestampsTest, YearPastWhatSystemTimeHoldsIsRefusedNotOverflowed) {
  // Found by fuzzing mikami_sandbox_http: a timeout until 2979 overflowed the nanoseconds.
  EXPECT_FALSE(parse_iso8601("2979-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_iso8601("0000-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("1677-12-31T23:59:59Z"));
  ASSERT_TRUE(parse_iso8601("2261-12-31T23:59:59-12:00"));
  ASSERT_TRUE(parse_iso8601("1678-01-01T00:00:00+14:00"));
  EXPECT_EQ(format_iso8601(*parse_iso8601("2261-12-31T23:59:59Z")),
            "2261-12-31T23:59:59.000000+00:00");
}

TEST(TimestampsTest, RefusesWhatIsNotATimestamp) {
  for (const char* text :
       {"", "tomorrow", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(text)) << text;
  }
}

}  // namespace
}  // namespace mikami::sandbox
