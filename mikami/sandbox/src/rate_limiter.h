// Discord-shaped REST rate limits, with no I/O and an injected time (tests drive it with
// made-up time points):
//   - per-route buckets: a bucket hash shared by several routes, counted separately for
//     each top-level resource (channel id, guild id, webhook id + token), as a fixed window
//     of `bucket_limit` requests that starts with the window's first request;
//   - the global limit: `global_limit` requests per `global_window` over every route that
//     is not exempt (interaction callbacks and webhooks are);
//   - sublimits: a tighter limit on some uses of a route (Discord: renaming a channel or
//     changing its topic, 2 per 10 minutes per channel) that answers 429 although the
//     route's bucket still has quota;
//   - the invalid-request limit ("Cloudflare ban"): 401, 403 and 429 answers (shared-scope
//     429s excepted) are counted per fixed window; at `invalid_request_limit` of them every
//     request is refused until the window ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mikami::sandbox {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

struct RateLimitConfig {
  int bucket_limit = 5;
  std::chrono::milliseconds bucket_window{5'000};
  int global_limit = 50;
  std::chrono::milliseconds global_window{1'000};
  int sublimit = 2;
  std::chrono::milliseconds sublimit_window{600'000};
  int invalid_request_limit = 10'000;
  std::chrono::milliseconds invalid_request_window{600'000};
};

// What one request is limited by.
struct LimitKey {
  std::string hash;   // the bucket hash; empty: no per-route limit
  std::string major;  // the top-level resource the bucket is counted for
  bool global_exempt = false;
  std::string sublimit;  // a sublimit's name (counted per major); empty: none applies
};

enum class Verdict {
  kAllowed,
  kGlobal,    // the global limit is spent
  kRoute,     // the route's bucket is spent
  kSublimit,  // a sublimit is spent although the bucket is not
};

// A route bucket as the response headers show it.
struct BucketView {
  int limit = 0;
  int remaining = 0;
  SteadyClock::duration reset_after{};
};

struct Decision {
  Verdict verdict = Verdict::kAllowed;
  SteadyClock::duration retry_after{};  // for a refusal
  std::optional<BucketView> bucket;     // when the route has a bucket
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitConfig config) : config_(config) {}

  // Counts the request against the global window, its bucket and its sublimit when all
  // three have room; a refused request uses up nothing.
  Decision acquire(const LimitKey& key, SteadyTime now);

  // Time left of the invalid-request ban; nullopt when requests are allowed.
  std::optional<SteadyClock::duration> ban_remaining(SteadyTime now) const;
  // Counts an answer toward the invalid-request limit when it is one (401, 403, or a 429
  // other than a shared-scope one); returns whether it was one.
  bool record_response(int status, bool shared_scope, SteadyTime now);
  // Invalid requests in the current window.
  std::int64_t invalid_requests(SteadyTime now) const;

  const RateLimitConfig& config() const { return config_; }

 private:
  struct Window {
    SteadyTime reset_at{};
    int remaining = 0;
  };
  static Window& fresh(Window& window, int limit, std::chrono::milliseconds length, SteadyTime now);
  void prune(std::map<std::string, Window>& windows, SteadyTime now);

  RateLimitConfig config_;
  Window global_;
  std::map<std::string, Window> buckets_;    // "hash@major"
  std::map<std::string, Window> sublimits_;  // "name@major"
  SteadyTime invalid_reset_at_{};
  std::int64_t invalid_count_ = 0;
};

}  // namespace mikami::sandbox
