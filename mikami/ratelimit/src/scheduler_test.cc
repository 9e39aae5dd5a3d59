#include "mikami/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace mikami {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

RateLimitHeaders limits(std::string bucket, std::int64_t limit, std::int64_t remaining,
                        microseconds reset_after_us) {
  RateLimitHeaders headers;
  headers.bucket = std::move(bucket);
  headers.limit = limit;
  headers.remaining = remaining;
  headers.reset_after_us = reset_after_us;
  return headers;
}

RateLimitHeaders too_many(microseconds retry_after_us, RateLimitScope scope,
                          std::optional<std::int64_t> remaining = 0) {
  RateLimitHeaders headers;
  headers.retry_after_us = retry_after_us;
  headers.scope = scope;
  headers.remaining = remaining;
  headers.global = scope == RateLimitScope::kGlobal;
  return headers;
}

Route messages(std::string channel) {
  return Route(Method::kPost, "/channels/{channel_id}/messages", std::move(channel));
}
Route edit_message(std::string channel) {
  return Route(Method::kPatch, "/channels/{channel_id}/messages/{id}", std::move(channel));
}
Route interaction_callback(std::string id) {
  return Route::from_path(Method::kPost, "/interactions/" + id + "/secret-token/callback");
}

// Drives a scheduler on a fake clock and keeps every permit it grants.
class SchedulerTest : public ::testing::Test {
 protected:
  void make(SchedulerOptions options = {}) {
    scheduler_ = std::make_unique<Scheduler>(clock_, options);
    scheduler_->set_event_callback([this](const RateLimitEvent& e) { events_.push_back(e); });
  }
  // Exact reset arithmetic in these tests; the margin has its own test.
  void SetUp() override {
    SchedulerOptions options;
    options.reset_margin = std::chrono::milliseconds(0);
    make(options);
  }

  RequestId submit(Route route) {
    return scheduler_->submit(std::move(route), [this](Permit permit) {
      grants_.push_back(permit.id());
      permits_.emplace(permit.id(), std::move(permit));
    });
  }
  // Completes the outstanding permit of `id`.
  Outcome complete(RequestId id, int status, const RateLimitHeaders& headers = {}) {
    auto it = permits_.find(id);
    EXPECT_NE(it, permits_.end()) << "request " << id << " holds no permit";
    Permit permit = std::move(it->second);
    permits_.erase(it);
    return permit.complete(status, headers);
  }
  bool holds_permit(RequestId id) const { return permits_.contains(id); }
  void advance(core::Clock::Duration step) {
    clock_.advance(step);
    scheduler_->poll();
  }
  core::Clock::Duration until_wakeup() const {
    auto wakeup = scheduler_->next_wakeup();
    EXPECT_TRUE(wakeup.has_value());
    return wakeup ? *wakeup - clock_.now() : core::Clock::Duration::max();
  }
  // Teaches the scheduler a bucket for `route` through one probe request.
  void learn(const Route& route, RateLimitHeaders headers) {
    RequestId probe = submit(route);
    ASSERT_TRUE(holds_permit(probe));
    ASSERT_EQ(complete(probe, 200, headers), Outcome::kDeliver);
  }

  core::FakeClock clock_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<RequestId> grants_;
  std::map<RequestId, Permit> permits_;
  std::vector<RateLimitEvent> events_;
};

TEST_F(SchedulerTest, UnknownBucketSendsOneProbeAtATime) {
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  EXPECT_TRUE(holds_permit(a));
  EXPECT_FALSE(holds_permit(b));
  EXPECT_FALSE(scheduler_->next_wakeup());  // waits for the response, not for time
  EXPECT_EQ(complete(a, 200, limits("h", 5, 4, 5s)), Outcome::kDeliver);
  EXPECT_TRUE(holds_permit(b));
}

TEST_F(SchedulerTest, KnownBucketSendsUpToRemainingThenWaitsExactlyForReset) {
  learn(messages("1"), limits("h", 5, 4, 2'500ms));
  std::vector<RequestId> ids;
  for (int i = 0; i < 9; ++i) ids.push_back(submit(messages("1")));
  EXPECT_EQ(permits_.size(), 4u);
  EXPECT_EQ(until_wakeup(), 2'500ms);
  advance(2'499ms);
  EXPECT_EQ(permits_.size(), 4u);
  advance(1ms);
  EXPECT_EQ(permits_.size(), 9u);  // a fresh window of 5
  EXPECT_EQ(scheduler_->counters().rate_limited, 0u);
}

TEST_F(SchedulerTest, FractionalResetAfterIsHonouredToTheMicrosecond) {
  learn(messages("1"), limits("h", 1, 0, microseconds(250'125)));
  RequestId a = submit(messages("1"));
  EXPECT_EQ(until_wakeup(), microseconds(250'125));
  advance(microseconds(250'124));
  EXPECT_FALSE(holds_permit(a));
  advance(1us);
  EXPECT_TRUE(holds_permit(a));
}

TEST_F(SchedulerTest, RemainingFromHeadersCountsRequestsStillInFlight) {
  learn(messages("1"), limits("h", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  // The server says 3 left after `a`; `b` is still in flight, so only 2 may follow.
  complete(a, 200, limits("h", 5, 3, 4'900ms));
  for (int i = 0; i < 5; ++i) submit(messages("1"));
  EXPECT_EQ(permits_.size(), 3u);  // b + 2
  EXPECT_TRUE(holds_permit(b));
  EXPECT_EQ(scheduler_->bucket_of(messages("1"))->remaining, 0);
}

TEST_F(SchedulerTest, ServerReportingFewerLeftWins) {
  learn(messages("1"), limits("h", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  complete(a, 200, limits("h", 5, 0, 4s));  // someone else (another process) used the rest
  RequestId b = submit(messages("1"));
  EXPECT_FALSE(holds_permit(b));
  EXPECT_EQ(until_wakeup(), 4s);
}

TEST_F(SchedulerTest, RoutesSharingABucketHashShareOneBudget) {
  learn(messages("1"), limits("shared-hash", 3, 2, 5s));
  learn(edit_message("1"), limits("shared-hash", 3, 1, 5s));
  auto a = scheduler_->bucket_of(messages("1"));
  auto b = scheduler_->bucket_of(edit_message("1"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->hash, "shared-hash");
  EXPECT_EQ(b->hash, "shared-hash");
  EXPECT_EQ(a->remaining, 1);
  RequestId first = submit(messages("1"));
  RequestId second = submit(edit_message("1"));
  EXPECT_TRUE(holds_permit(first));
  EXPECT_FALSE(holds_permit(second));  // the shared budget is spent
  EXPECT_EQ(until_wakeup(), 5s);
}

TEST_F(SchedulerTest, LearnedHashAppliesToOtherMajorParametersSeparately) {
  learn(messages("1"), limits("h", 1, 0, 5s));
  RequestId other_channel = submit(messages("2"));
  EXPECT_TRUE(holds_permit(other_channel));  // channel 2 has its own counters
  EXPECT_EQ(scheduler_->bucket_of(messages("2"))->hash, "h");
}

TEST_F(SchedulerTest, QueuedRequestsFollowTheirRouteIntoTheLearnedBucket) {
  learn(messages("1"), limits("h", 5, 0, 5s));  // bucket h@1 exhausted
  // edit_message is unknown: its probe goes, a second waits in the probe bucket.
  RequestId probe = submit(edit_message("1"));
  RequestId waiting = submit(edit_message("1"));
  EXPECT_FALSE(holds_permit(waiting));
  complete(probe, 200, limits("h", 5, 0, 4s));  // same hash: now it shares h@1
  EXPECT_FALSE(holds_permit(waiting));
  EXPECT_EQ(scheduler_->bucket_of(edit_message("1"))->queued, 1u);
  advance(5s);
  EXPECT_TRUE(holds_permit(waiting));
}

TEST_F(SchedulerTest, BucketHashEventIsReported) {
  learn(messages("1"), limits("abc", 5, 4, 5s));
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_[0].kind, RateLimitEventKind::kBucketLearned);
  EXPECT_EQ(events_[0].bucket_hash, "abc");
}

TEST_F(SchedulerTest, RouteWithoutHeadersIsUnlimitedPerBucket) {
  learn(messages("1"), RateLimitHeaders{});
  for (int i = 0; i < 10; ++i) submit(messages("1"));
  EXPECT_EQ(permits_.size(), 10u);
  EXPECT_TRUE(scheduler_->bucket_of(messages("1"))->unlimited);
}

TEST_F(SchedulerTest, GlobalLimitIsARollingWindowAndConfigurable) {
  SchedulerOptions options;
  options.global_limit = 10;
  options.global_margin = std::chrono::milliseconds(0);
  make(options);
  for (int i = 0; i < 15; ++i) submit(messages(std::to_string(i)));
  EXPECT_EQ(permits_.size(), 10u);
  EXPECT_EQ(until_wakeup(), 1s);
  advance(999ms);
  EXPECT_EQ(permits_.size(), 10u);
  advance(1ms);
  EXPECT_EQ(permits_.size(), 15u);
}

TEST_F(SchedulerTest, DefaultGlobalLimitIsFiftyPerSecondPlusAJitterMargin) {
  for (int i = 0; i < 60; ++i) submit(messages(std::to_string(i)));
  EXPECT_EQ(permits_.size(), 50u);
  EXPECT_EQ(until_wakeup(), 1'050ms);
}

TEST_F(SchedulerTest, InteractionCallbacksAndFollowUpsBypassTheGlobalLimit) {
  SchedulerOptions options;
  options.global_limit = 2;
  make(options);
  for (int i = 0; i < 3; ++i) submit(messages(std::to_string(i)));
  EXPECT_EQ(permits_.size(), 2u);
  RequestId callback = submit(interaction_callback("77"));
  RequestId followup = submit(Route::from_path(Method::kPost, "/webhooks/9/tok", true));
  EXPECT_TRUE(holds_permit(callback));
  EXPECT_TRUE(holds_permit(followup));
}

TEST_F(SchedulerTest, GlobalRateLimitParksEveryNonExemptRequestForRetryAfter) {
  RequestId a = submit(messages("1"));
  EXPECT_EQ(complete(a, 429, too_many(2'500ms, RateLimitScope::kGlobal)), Outcome::kRequeued);
  RequestId b = submit(messages("2"));
  RequestId exempt = submit(interaction_callback("5"));
  EXPECT_FALSE(holds_permit(a));
  EXPECT_FALSE(holds_permit(b));
  EXPECT_TRUE(holds_permit(exempt));
  EXPECT_EQ(until_wakeup(), 2'500ms);
  advance(2'499ms);
  EXPECT_FALSE(holds_permit(a));
  advance(1ms);
  EXPECT_TRUE(holds_permit(a));
  EXPECT_TRUE(holds_permit(b));
  EXPECT_EQ(scheduler_->counters().rate_limited_global, 1u);
  EXPECT_EQ(scheduler_->invalid_requests_in_window(), 1u);
}

TEST_F(SchedulerTest, GlobalFlagHeaderWithoutScopeIsGlobal) {
  RequestId a = submit(messages("1"));
  RateLimitHeaders headers;
  headers.retry_after_us = 1s;
  headers.global = true;
  complete(a, 429, headers);
  RequestId b = submit(messages("2"));
  EXPECT_FALSE(holds_permit(b));
  advance(1s);
  EXPECT_TRUE(holds_permit(b));
}

TEST_F(SchedulerTest, SharedScopeParksTheBucketAndIsNotAnInvalidRequest) {
  learn(messages("1"), limits("h", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  RateLimitHeaders headers = too_many(3s, RateLimitScope::kShared, 3);
  headers.bucket = "h";
  EXPECT_EQ(complete(a, 429, headers), Outcome::kRequeued);
  RequestId b = submit(messages("1"));
  RequestId elsewhere = submit(messages("2"));
  EXPECT_FALSE(holds_permit(b));
  EXPECT_TRUE(holds_permit(elsewhere));
  advance(3s);
  EXPECT_TRUE(holds_permit(a));
  EXPECT_TRUE(holds_permit(b));
  EXPECT_EQ(scheduler_->counters().rate_limited_shared, 1u);
  EXPECT_EQ(scheduler_->invalid_requests_in_window(), 0u);
  EXPECT_EQ(grants_[grants_.size() - 2], a);  // the requeued request keeps its place
}

TEST_F(SchedulerTest, SublimitParksOnlyThatRequest) {
  learn(messages("1"), limits("h", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  RateLimitHeaders headers = too_many(10s, RateLimitScope::kUser, 3);
  headers.bucket = "h";
  headers.limit = 5;
  headers.reset_after_us = 4s;
  EXPECT_EQ(complete(a, 429, headers), Outcome::kRequeued);
  RequestId b = submit(messages("1"));
  EXPECT_TRUE(holds_permit(b));  // the bucket still has quota
  EXPECT_FALSE(holds_permit(a));
  advance(9'999ms);
  EXPECT_FALSE(holds_permit(a));
  advance(1ms);
  EXPECT_TRUE(holds_permit(a));
  EXPECT_EQ(scheduler_->counters().rate_limited_sublimit, 1u);
  ASSERT_FALSE(events_.empty());
  EXPECT_TRUE(events_.back().sublimit || events_.size() > 1);
}

TEST_F(SchedulerTest, UserScope429OnExhaustedBucketParksTheBucketAndIsAvoidable) {
  learn(messages("1"), limits("h", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  RateLimitHeaders headers = too_many(1'750ms, RateLimitScope::kUser, 0);
  headers.bucket = "h";
  EXPECT_EQ(complete(a, 429, headers), Outcome::kRequeued);
  RequestId b = submit(messages("1"));
  EXPECT_FALSE(holds_permit(b));
  EXPECT_EQ(until_wakeup(), 1'750ms);
  advance(1'749ms);
  EXPECT_FALSE(holds_permit(a));
  advance(1ms);
  EXPECT_TRUE(holds_permit(a));
  EXPECT_EQ(scheduler_->counters().rate_limited_avoidable, 1u);
  EXPECT_EQ(events_.back().kind, RateLimitEventKind::kRateLimited);
  EXPECT_TRUE(events_.back().avoidable);
  EXPECT_EQ(events_.back().wait_us, 1'750ms);
}

TEST_F(SchedulerTest, TooManyRequestsIsNeverRetriedImmediatelyAndNeverDropped) {
  RequestId a = submit(messages("1"));
  for (int round = 1; round <= 5; ++round) {
    ASSERT_TRUE(holds_permit(a));
    EXPECT_EQ(complete(a, 429, too_many(microseconds(round * 100'000), RateLimitScope::kUser)),
              Outcome::kRequeued);
    EXPECT_FALSE(holds_permit(a));
    scheduler_->poll();
    EXPECT_FALSE(holds_permit(a));
    advance(microseconds(round * 100'000) - 1us);
    EXPECT_FALSE(holds_permit(a));
    advance(1us);
  }
  ASSERT_TRUE(holds_permit(a));
  EXPECT_EQ(complete(a, 200), Outcome::kDeliver);
  EXPECT_EQ(scheduler_->counters().requeued, 5u);
  EXPECT_EQ(scheduler_->counters().delivered, 1u);
  EXPECT_EQ(scheduler_->pending(), 0u);
}

TEST_F(SchedulerTest, RetryAfterFallsBackToResetAfterThenOneSecond) {
  RequestId a = submit(messages("1"));
  RateLimitHeaders headers;
  headers.remaining = 0;
  headers.reset_after_us = 700ms;
  complete(a, 429, headers);
  EXPECT_EQ(until_wakeup(), 700ms);
  advance(700ms);
  RateLimitHeaders bare;
  bare.scope = RateLimitScope::kUser;
  complete(a, 429, bare);
  EXPECT_EQ(until_wakeup(), 1s);
}

// Issue 10, section 0, "Cloudflare bans": a 429 with no X-RateLimit-* header at all is an
// IP-level ban, so every route waits, interaction callbacks included; not just the one.
TEST_F(SchedulerTest, CloudflareBanWithoutRateLimitHeadersPausesAllRestTraffic) {
  learn(messages("2"), limits("h2", 5, 4, 5s));
  RequestId a = submit(messages("1"));
  RateLimitHeaders cloudflare;  // what an HTML "Error 1015" page carries
  cloudflare.retry_after_us = 30s;
  EXPECT_EQ(complete(a, 429, cloudflare), Outcome::kRequeued);
  RequestId other_route = submit(messages("2"));
  RequestId callback = submit(interaction_callback("9"));
  EXPECT_FALSE(holds_permit(other_route));
  EXPECT_FALSE(holds_permit(callback));
  EXPECT_EQ(until_wakeup(), 30s);
  advance(29'999ms);
  EXPECT_TRUE(permits_.empty());
  advance(1ms);
  EXPECT_TRUE(holds_permit(a));
  EXPECT_TRUE(holds_permit(other_route));
  EXPECT_TRUE(holds_permit(callback));
  EXPECT_EQ(scheduler_->counters().rate_limited_cloudflare, 1u);
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().kind, RateLimitEventKind::kCloudflareBan);
}

TEST_F(SchedulerTest, CloudflareBanWithoutRetryAfterWaitsTheConfiguredPause) {
  SchedulerOptions options;
  options.cloudflare_pause = 90s;
  make(options);
  RequestId a = submit(messages("1"));
  complete(a, 429, RateLimitHeaders{});
  EXPECT_EQ(until_wakeup(), 90s);
  submit(messages("3"));
  advance(89s);
  EXPECT_TRUE(permits_.empty());
  advance(1s);
  EXPECT_EQ(permits_.size(), 2u);
}

// Issue 10, section 0, "Memory": webhook and interaction routes carry a token in their key;
// their buckets must not pile up for ever, nor keep the token.
TEST_F(SchedulerTest, IdleBucketsKeyedByInteractionTokensAreSwept) {
  constexpr int kInteractions = 1000;
  for (int i = 0; i < kInteractions; ++i) {
    const std::string token = "interaction-token-" + std::to_string(i);
    RequestId id = submit(Route::from_path(Method::kPost, "/webhooks/42/" + token, true));
    ASSERT_TRUE(holds_permit(id));
    complete(id, 200, limits("webhook", 5, 4, 2s));
    RequestId callback = submit(interaction_callback(std::to_string(1000 + i)));
    complete(callback, 204, limits("callback", 1, 0, 1s));
  }
  EXPECT_GE(scheduler_->buckets(), static_cast<std::size_t>(2 * kInteractions));
  // A bucket still in use is kept.
  learn(messages("1"), limits("h", 5, 4, 5s));
  advance(59s);
  submit(messages("1"));
  advance(20s);  // sweeps run a few times per TTL (60 s)
  EXPECT_EQ(scheduler_->buckets(), 1u);
  EXPECT_EQ(scheduler_->counters().buckets_forgotten,
            static_cast<std::uint64_t>(2 * kInteractions));
  // A forgotten route works as before: it probes again.
  RequestId again =
      submit(Route::from_path(Method::kPost, "/webhooks/42/interaction-token-1", true));
  EXPECT_TRUE(holds_permit(again));
}

TEST_F(SchedulerTest, ServerErrorsAreRetriedWithExponentialBackoffThenDelivered) {
  RequestId a = submit(messages("1"));
  const std::vector<std::chrono::milliseconds> waits = {250ms, 500ms, 1000ms, 2000ms};
  for (auto wait : waits) {
    ASSERT_TRUE(holds_permit(a));
    EXPECT_EQ(complete(a, 502), Outcome::kRequeued);
    EXPECT_EQ(until_wakeup(), wait);
    advance(wait);
  }
  ASSERT_TRUE(holds_permit(a));
  EXPECT_EQ(complete(a, 503), Outcome::kDeliver);  // fifth failure: final
  EXPECT_EQ(scheduler_->counters().server_error_retries, 4u);
}

TEST_F(SchedulerTest, NetworkFailuresAreRetriedThenGivenUp) {
  SchedulerOptions options;
  options.max_attempts = 2;
  make(options);
  RequestId a = submit(messages("1"));
  Permit first = std::move(permits_.at(a));
  permits_.erase(a);
  EXPECT_EQ(first.fail_network(), Outcome::kRequeued);
  advance(250ms);
  Permit second = std::move(permits_.at(a));
  permits_.erase(a);
  EXPECT_EQ(second.attempt(), 2);
  EXPECT_EQ(second.fail_network(), Outcome::kGaveUp);
  EXPECT_EQ(scheduler_->pending(), 0u);
  EXPECT_EQ(scheduler_->counters().gave_up, 1u);
}

TEST_F(SchedulerTest, ClientErrorsOtherThan429AreDeliveredAtOnce) {
  RequestId a = submit(messages("1"));
  EXPECT_EQ(complete(a, 404), Outcome::kDeliver);
  RequestId b = submit(messages("1"));
  EXPECT_EQ(complete(b, 400), Outcome::kDeliver);
  EXPECT_EQ(scheduler_->invalid_requests_in_window(), 0u);
}

TEST_F(SchedulerTest, InvalidRequestGuardStopsSendingAtTheHardCeiling) {
  SchedulerOptions options;
  options.invalid_request_soft_limit = 2;
  options.invalid_request_hard_limit = 3;
  make(options);
  for (int i = 0; i < 3; ++i) {
    RequestId id = submit(messages(std::to_string(i)));
    EXPECT_EQ(complete(id, i == 0 ? 401 : 403), Outcome::kDeliver);
    advance(1s);
  }
  RequestId held = submit(messages("9"));
  EXPECT_FALSE(holds_permit(held));
  EXPECT_EQ(scheduler_->counters().guard_ceiling_hits, 1u);
  bool warned = false, ceiling = false;
  for (const auto& e : events_) {
    warned |= e.kind == RateLimitEventKind::kInvalidRequestWarning;
    ceiling |= e.kind == RateLimitEventKind::kInvalidRequestCeiling;
  }
  EXPECT_TRUE(warned);
  EXPECT_TRUE(ceiling);
  // The oldest invalid request (at t=0) ages out of the 10-minute window at t=600 s.
  EXPECT_EQ(until_wakeup(), 600s - 3s);
  advance(600s - 3s - 1ms);
  EXPECT_FALSE(holds_permit(held));
  advance(1ms);
  EXPECT_TRUE(holds_permit(held));
}

TEST_F(SchedulerTest, CancelledQueuedRequestIsNeverSent) {
  learn(messages("1"), limits("h", 1, 0, 1s));
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  EXPECT_TRUE(scheduler_->cancel(a));
  EXPECT_FALSE(scheduler_->cancel(a));
  advance(1s);
  EXPECT_FALSE(holds_permit(a));
  EXPECT_TRUE(holds_permit(b));
  EXPECT_EQ(scheduler_->counters().cancelled, 1u);
}

TEST_F(SchedulerTest, CancelledInFlightRequestIsNotRequeued) {
  RequestId a = submit(messages("1"));
  EXPECT_TRUE(scheduler_->cancel(a));
  EXPECT_EQ(complete(a, 429, too_many(1s, RateLimitScope::kUser)), Outcome::kCancelled);
  EXPECT_EQ(scheduler_->pending(), 0u);
}

TEST_F(SchedulerTest, DroppedPermitFreesTheSlot) {
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  {
    Permit dropped = std::move(permits_.at(a));
    permits_.erase(a);
  }  // destroyed without completion
  EXPECT_TRUE(holds_permit(b));
  EXPECT_EQ(scheduler_->counters().cancelled, 1u);
}

TEST_F(SchedulerTest, RequestsOfOneBucketAreGrantedInSubmissionOrder) {
  learn(messages("1"), limits("h", 2, 0, 1s));
  std::vector<RequestId> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(submit(messages("1")));
  grants_.clear();
  for (int window = 0; window < 3; ++window) {
    advance(1s);
    for (RequestId id : std::vector<RequestId>(grants_.end() - 2, grants_.end())) {
      complete(id, 200, limits("h", 2, id == grants_.back() ? 0 : 1, 1s));
    }
  }
  EXPECT_EQ(grants_, ids);
}

TEST_F(SchedulerTest, LateResponseFromAnOldWindowDoesNotShrinkTheNewOne) {
  learn(messages("1"), limits("h", 2, 1, 1s));
  RequestId old_window = submit(messages("1"));  // takes the last slot
  advance(1s);                                   // the window rolls over locally
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  EXPECT_TRUE(holds_permit(a));
  EXPECT_TRUE(holds_permit(b));
  // The old request's answer arrives late and says 0 left: it describes the old window.
  complete(old_window, 200, limits("h", 2, 0, 1ms));
  complete(a, 200, limits("h", 2, 1, 1s));
  EXPECT_EQ(scheduler_->bucket_of(messages("1"))->remaining, 0);  // b is still in flight
  RequestId c = submit(messages("1"));
  EXPECT_FALSE(holds_permit(c));
  EXPECT_EQ(until_wakeup(), 1s);
}

TEST_F(SchedulerTest, GuessedResetWaitsForAnswersStillInFlight) {
  learn(messages("1"), limits("h", 2, 0, 1s));
  advance(1s);  // local refill: the next reset is only a guess until an answer arrives
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  RequestId c = submit(messages("1"));
  EXPECT_TRUE(holds_permit(a) && holds_permit(b));
  advance(2s);  // answers are slow; the guessed reset passed
  EXPECT_FALSE(holds_permit(c));
  complete(a, 200, limits("h", 2, 0, 300ms));
  EXPECT_FALSE(holds_permit(c));
  advance(300ms);
  EXPECT_TRUE(holds_permit(c));
}

TEST_F(SchedulerTest, GuessedResetUnblocksABucketWhoseRequestsAllFailed) {
  learn(messages("1"), limits("h", 1, 0, 1s));
  advance(1s);
  RequestId a = submit(messages("1"));
  RequestId b = submit(messages("1"));
  Permit failed = std::move(permits_.at(a));
  permits_.erase(a);
  EXPECT_EQ(failed.fail_network(), Outcome::kRequeued);
  advance(1s);  // no answer ever told the reset: the guess (one window) applies
  EXPECT_TRUE(holds_permit(a) || holds_permit(b));
}

TEST_F(SchedulerTest, LearnedResetsGetASafetyMarginButRetryAfterIsExact) {
  make(SchedulerOptions{});  // default reset_margin: 25 ms
  learn(messages("1"), limits("h", 1, 0, 1s));
  RequestId a = submit(messages("1"));
  EXPECT_EQ(until_wakeup(), 1'025ms);
  advance(1'025ms);
  ASSERT_TRUE(holds_permit(a));
  complete(a, 429, too_many(700ms, RateLimitScope::kUser));
  EXPECT_EQ(until_wakeup(), 700ms);
}

TEST_F(SchedulerTest, EventsNeverCarryTokens) {
  RequestId a = submit(interaction_callback("5"));
  complete(a, 429, too_many(1s, RateLimitScope::kUser));
  ASSERT_FALSE(events_.empty());
  for (const auto& e : events_) EXPECT_EQ(e.route.find("secret-token"), std::string::npos);
}

TEST_F(SchedulerTest, CallbacksMayCompleteSynchronously) {
  int sent = 0;
  for (int i = 0; i < 3; ++i) {
    scheduler_->submit(messages("1"), [&](Permit permit) {
      ++sent;
      EXPECT_EQ(permit.complete(200, limits("h", 10, 9 - sent, 5s)), Outcome::kDeliver);
    });
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(scheduler_->pending(), 0u);
}

// A Discord-shaped server on the fake clock: per-channel windows of `limit` per
// `window` starting at the first request, a global rolling limit, fixed latency.
// The scheduler must never get a 429 and finish within 5% of the theoretical minimum.
TEST_F(SchedulerTest, SimulatedBurstFinishesNearTheoreticalMinimumWithoutAny429) {
  const int channels = 20, per_channel = 100, limit = 5;
  const auto window = 5s;
  const auto latency = 20ms;
  struct Window {
    core::Clock::TimePoint end{};
    int used = 0;
  };
  std::map<std::string, Window> server;
  int server_429 = 0;
  struct InFlight {
    core::Clock::TimePoint due;
    RequestId id;
    int status;
    RateLimitHeaders headers;
  };
  std::vector<InFlight> wire;
  int done = 0;
  for (int c = 0; c < channels; ++c) {
    for (int m = 0; m < per_channel; ++m) {
      scheduler_->submit(messages(std::to_string(c)), [&, c](Permit permit) {
        // The server decides when the request arrives (latency / 2 later); modelled at send.
        auto now = clock_.now() + latency / 2;
        Window& w = server[std::to_string(c)];
        if (now >= w.end) w = Window{now + window, 0};
        InFlight reply{clock_.now() + latency, permit.id(), 200, {}};
        if (w.used >= limit) {
          ++server_429;
          reply.status = 429;
          reply.headers = too_many(std::chrono::duration_cast<microseconds>(w.end - now),
                                   RateLimitScope::kUser);
        } else {
          ++w.used;
          reply.headers = limits("msg", limit, limit - w.used,
                                 std::chrono::duration_cast<microseconds>(w.end - now));
        }
        wire.push_back(reply);
        permits_.emplace(permit.id(), std::move(permit));
      });
    }
  }
  auto start = clock_.now();
  while (done < channels * per_channel) {
    auto next = scheduler_->next_wakeup();
    for (const auto& r : wire) {
      if (!next || r.due < *next) next = r.due;
    }
    ASSERT_TRUE(next.has_value());
    if (*next > clock_.now()) clock_.advance(*next - clock_.now());
    std::vector<InFlight> due;
    std::erase_if(wire, [&](const InFlight& r) {
      if (r.due > clock_.now()) return false;
      due.push_back(r);
      return true;
    });
    for (const auto& r : due) {
      if (complete(r.id, r.status, r.headers) == Outcome::kDeliver) ++done;
    }
    scheduler_->poll();
  }
  const double elapsed_s = std::chrono::duration<double>(clock_.now() - start).count();
  // 100 messages at 5 per 5 s: windows start at 0, 5, ..., 95 s, plus one round trip.
  const double minimum_s = (per_channel / limit - 1) * 5.0 + 0.020;
  EXPECT_EQ(server_429, 0);
  EXPECT_EQ(scheduler_->counters().rate_limited, 0u);
  EXPECT_LE(elapsed_s, minimum_s * 1.05) << "minimum " << minimum_s;
  RecordProperty("elapsed_ms", static_cast<int>(elapsed_s * 1000));
  std::printf("simulated burst: %.3f s against a minimum of %.3f s\n", elapsed_s, minimum_s);
}

}  // namespace
}  // namespace mikami
