#include "rate_limiter.h"

namespace mikami::sandbox {

RateLimiter::Window& RateLimiter::fresh(Window& window, int limit, std::chrono::milliseconds length,
                                        SteadyTime now) {
  if (now >= window.reset_at) window = Window{now + length, limit};
  return window;
}

void RateLimiter::prune(std::map<std::string, Window>& windows, SteadyTime now) {
  // Keeps memory bounded when a test touches many resources; an expired window is the
  // same as a missing one.
  if (windows.size() < 10'000) return;
  std::erase_if(windows, [now](const auto& entry) { return now >= entry.second.reset_at; });
}

Decision RateLimiter::acquire(const LimitKey& key, SteadyTime now) {
  Decision decision;
  Window* bucket = nullptr;
  if (!key.hash.empty()) {
    prune(buckets_, now);
    bucket = &fresh(buckets_[key.hash + "@" + key.major], config_.bucket_limit,
                    config_.bucket_window, now);
  }
  auto view = [&] {
    if (bucket != nullptr) {
      decision.bucket = BucketView{config_.bucket_limit, bucket->remaining, bucket->reset_at - now};
    }
  };
  Window* global = nullptr;
  if (!key.global_exempt) {
    global = &fresh(global_, config_.global_limit, config_.global_window, now);
    if (global->remaining <= 0) {
      decision.verdict = Verdict::kGlobal;
      decision.retry_after = global->reset_at - now;
      view();
      return decision;
    }
  }
  if (bucket != nullptr && bucket->remaining <= 0) {
    decision.verdict = Verdict::kRoute;
    decision.retry_after = bucket->reset_at - now;
    view();
    return decision;
  }
  Window* sub = nullptr;
  if (!key.sublimit.empty()) {
    prune(sublimits_, now);
    sub = &fresh(sublimits_[key.sublimit + "@" + key.major], config_.sublimit,
                 config_.sublimit_window, now);
    if (sub->remaining <= 0) {
      decision.verdict = Verdict::kSublimit;
      decision.retry_after = sub->reset_at - now;
      view();
      return decision;
    }
  }
  if (global != nullptr) --global->remaining;
  if (bucket != nullptr) --bucket->remaining;
  if (sub != nullptr) --sub->remaining;
  view();
  return decision;
}

std::optional<SteadyClock::duration> RateLimiter::ban_remaining(SteadyTime now) const {
  if (now < invalid_reset_at_ && invalid_count_ >= config_.invalid_request_limit) {
    return invalid_reset_at_ - now;
  }
  return std::nullopt;
}

bool RateLimiter::record_response(int status, bool shared_scope, SteadyTime now) {
  const bool invalid = status == 401 || status == 403 || (status == 429 && !shared_scope);
  if (!invalid) return false;
  if (now >= invalid_reset_at_) {
    invalid_reset_at_ = now + config_.invalid_request_window;
    invalid_count_ = 0;
  }
  ++invalid_count_;
  return true;
}

std::int64_t RateLimiter::invalid_requests(SteadyTime now) const {
  return now < invalid_reset_at_ ? invalid_count_ : 0;
}

}  // namespace mikami::sandbox
