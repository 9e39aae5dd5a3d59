#include "durations.h"

#include <gtest/gtest.h>

namespace mikami::modules::moderation {
namespace {

using std::chrono::seconds;

TEST(ParseDuration, TakesTheUnitsModeratorsType) {
  EXPECT_EQ(parse_duration("10m"), seconds(600));
  EXPECT_EQ(parse_duration("2h"), seconds(7'200));
  EXPECT_EQ(parse_duration("7d"), seconds(7 * 86'400));
  EXPECT_EQ(parse_duration("1w"), seconds(7 * 86'400));
  EXPECT_EQ(parse_duration("1h30m"), seconds(5'400));
  EXPECT_EQ(parse_duration("45s"), seconds(45));
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  for (const char* bad : {"", "10", "m", "10x", "0m", "-5m", "10 m", "1h 30m", "99999999999d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(DescribeDuration, ShowsTheTwoLargestUnits) {
  EXPECT_EQ(describe_duration(seconds(600)), "10 minutes");
  EXPECT_EQ(describe_duration(seconds(3'600)), "1 hour");
  EXPECT_EQ(describe_duration(seconds(86'400 + 7'200 + 60)), "1 day 2 hours");
  EXPECT_EQ(describe_duration(seconds(28 * 86'400)), "28 days");
}

TEST(Iso8601, IsWhatDiscordAccepts) {
  const auto when =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'764'644'400'250));
  EXPECT_EQ(iso8601(when), "2025-12-02T03:00:00.250Z");
  EXPECT_EQ(describe_time(when), "2025-12-02 03:00 UTC");
}

}  // namespace
}  // namespace mikami::modules::moderation
