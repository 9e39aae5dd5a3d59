#include "rate_limiter.h"

#include <gtest/gtest.h>

namespace mikami::sandbox {
namespace {

using std::chrono::milliseconds;

RateLimitConfig config() {
  RateLimitConfig c;
  c.bucket_limit = 2;
  c.bucket_window = milliseconds(1000);
  c.global_limit = 5;
  c.global_window = milliseconds(1000);
  c.sublimit = 1;
  c.sublimit_window = milliseconds(5000);
  c.invalid_request_limit = 3;
  c.invalid_request_window = milliseconds(2000);
  return c;
}

const SteadyTime t0 = SteadyTime{} + std::chrono::hours(1);

TEST(RateLimiterTest, ABucketIsAFixedWindowCountedPerTopLevelResource) {
  RateLimiter limiter(config());
  const LimitKey a{"messages", "100", false, ""};
  const LimitKey b{"messages", "101", false, ""};
  EXPECT_EQ(limiter.acquire(a, t0).bucket->remaining, 1);
  EXPECT_EQ(limiter.acquire(a, t0).bucket->remaining, 0);
  const Decision refused = limiter.acquire(a, t0 + milliseconds(250));
  EXPECT_EQ(refused.verdict, Verdict::kRoute);
  EXPECT_EQ(refused.retry_after, milliseconds(750));
  // Another channel has its own quota under the same hash.
  EXPECT_EQ(limiter.acquire(b, t0).verdict, Verdict::kAllowed);
  // The window started with its first request.
  EXPECT_EQ(limiter.acquire(a, t0 + milliseconds(1000)).verdict, Verdict::kAllowed);
}

TEST(RateLimiterTest, RoutesWithOneHashShareTheirQuota) {
  RateLimiter limiter(config());
  // Two routes, one bucket hash, one guild: the second route finds the quota spent.
  limiter.acquire({"members-write", "1", false, ""}, t0);
  limiter.acquire({"members-write", "1", false, ""}, t0);
  EXPECT_EQ(limiter.acquire({"members-write", "1", false, ""}, t0).verdict, Verdict::kRoute);
  EXPECT_EQ(limiter.acquire({"roles", "1", false, ""}, t0).verdict, Verdict::kAllowed);
}

TEST(RateLimiterTest, TheGlobalLimitCoversEveryRouteButTheExemptOnes) {
  RateLimiter limiter(config());
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(limiter.acquire({"m", std::to_string(i), false, ""}, t0).verdict, Verdict::kAllowed);
  }
  const Decision refused = limiter.acquire({"m", "9", false, ""}, t0 + milliseconds(100));
  EXPECT_EQ(refused.verdict, Verdict::kGlobal);
  EXPECT_EQ(refused.retry_after, milliseconds(900));
  EXPECT_EQ(limiter.acquire({"interaction", "9", true, ""}, t0).verdict, Verdict::kAllowed);
  // A refused request used up nothing: its bucket is untouched.
  EXPECT_EQ(limiter.acquire({"m", "9", false, ""}, t0 + milliseconds(1000)).bucket->remaining, 1);
}

TEST(RateLimiterTest, ASublimitRefusesWhileTheBucketStillHasQuota) {
  RateLimiter limiter(config());
  const LimitKey rename{"channel", "100", false, "rename"};
  const LimitKey other{"channel", "100", false, ""};
  EXPECT_EQ(limiter.acquire(rename, t0).verdict, Verdict::kAllowed);
  const Decision refused = limiter.acquire(rename, t0 + milliseconds(10));
  EXPECT_EQ(refused.verdict, Verdict::kSublimit);
  EXPECT_EQ(refused.bucket->remaining, 1);  // the headers show quota left
  EXPECT_EQ(refused.retry_after, milliseconds(4990));
  // The same route without a rename is not sublimited; another channel has its own.
  EXPECT_EQ(limiter.acquire(other, t0 + milliseconds(20)).verdict, Verdict::kAllowed);
  EXPECT_EQ(limiter.acquire({"channel", "101", false, "rename"}, t0).verdict, Verdict::kAllowed);
  EXPECT_EQ(limiter.acquire(rename, t0 + milliseconds(5000)).verdict, Verdict::kAllowed);
}

TEST(RateLimiterTest, InvalidRequestsBanEveryRequestUntilTheWindowEnds) {
  RateLimiter limiter(config());
  EXPECT_FALSE(limiter.record_response(200, false, t0));
  EXPECT_FALSE(limiter.record_response(404, false, t0));
  EXPECT_FALSE(limiter.record_response(429, true, t0));  // shared scope: not held against us
  EXPECT_TRUE(limiter.record_response(401, false, t0));
  EXPECT_TRUE(limiter.record_response(403, false, t0 + milliseconds(500)));
  EXPECT_FALSE(limiter.ban_remaining(t0 + milliseconds(500)));
  EXPECT_TRUE(limiter.record_response(429, false, t0 + milliseconds(600)));
  EXPECT_EQ(limiter.invalid_requests(t0 + milliseconds(600)), 3);
  ASSERT_TRUE(limiter.ban_remaining(t0 + milliseconds(600)));
  EXPECT_EQ(*limiter.ban_remaining(t0 + milliseconds(600)), milliseconds(1400));
  EXPECT_FALSE(limiter.ban_remaining(t0 + milliseconds(2000)));
  EXPECT_EQ(limiter.invalid_requests(t0 + milliseconds(2000)), 0);
}

}  // namespace
}  // namespace mikami::sandbox
