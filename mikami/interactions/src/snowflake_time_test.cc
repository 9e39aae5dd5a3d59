#include "mikami/snowflake_time.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(SnowflakeTimeTest, ReadsDiscordsDocumentedExample) {
  // https://discord.com/developers/docs/reference#snowflakes: 175928847299117063 was
  // created at 2016-04-30T11:18:25.796Z.
  auto at = snowflake_time("175928847299117063");
  ASSERT_TRUE(at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count(),
            1'462'015'105'796);
}

TEST(SnowflakeTimeTest, RefusesWhatIsNotASnowflake) {
  EXPECT_FALSE(snowflake_time(""));
  EXPECT_FALSE(snowflake_time("12a"));
  EXPECT_FALSE(snowflake_time("-1"));
  EXPECT_FALSE(snowflake_time("99999999999999999999"));  // above 2^64
}

TEST(SnowflakeTimeTest, MonotonicInstantIsInThePastAndNeverInTheFuture) {
  core::FakeClock clock;
  EXPECT_EQ(monotonic_instant(clock, clock.wall_now() - 2500ms), clock.now() - 2500ms);
  EXPECT_EQ(monotonic_instant(clock, clock.wall_now() + 1h), clock.now());  // clock skew
}

}  // namespace
}  // namespace mikami
