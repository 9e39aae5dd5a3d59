// Discord's identify rate limits for the shards of one bot:
//   - max_concurrency: shards whose ids are equal modulo max_concurrency (GET /gateway/bot's
//     session_start_limit.max_concurrency) share one "rate limit key", and each key may
//     start one session per 5 seconds;
//   - the session start limit: `remaining` IDENTIFYs until `reset_after`, then `total` again.
//     RESUME does not count against it.
// Reference: https://discord.com/developers/docs/events/gateway#sharding-max-concurrency
// and https://discord.com/developers/docs/events/gateway#session-start-limit-object
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clock.h"

namespace mikami {

// Thread safe: shards running on different threads may share one queue. The clock must
// outlive the queue, and the queue must outlive every shard configured with it.
class IdentifyQueue {
 public:
  IdentifyQueue(core::Clock& clock, int max_concurrency,
                std::chrono::milliseconds interval = std::chrono::milliseconds(5'000));

  // Applies GET /gateway/bot's session_start_limit: `remaining` more IDENTIFYs are allowed
  // until `reset_after` from now; then the allowance is `total` again, renewed every 24 h
  // (Discord's daily limit). Without a call the queue does not limit session starts.
  void set_session_start_limit(int total, int remaining, core::Clock::Duration reset_after);

  // Takes the identify slot of `shard_id`'s key (and one session start) and returns nullopt
  // when both are available now; otherwise returns the instant to ask again (nothing is
  // taken): when the key frees, or when the session start limit resets if none are left.
  std::optional<core::Clock::TimePoint> try_acquire(int shard_id);

  // Session starts left before the next reset; nullopt when no limit was set.
  std::optional<int> session_starts_remaining();
  // How many times try_acquire refused because no session start was left.
  std::uint64_t session_start_waits();

 private:
  struct SessionStartLimit {
    int total = 0;
    int remaining = 0;
    core::Clock::TimePoint reset_at;
  };
  void renew_limit(core::Clock::TimePoint now);  // requires mutex_

  core::Clock& clock_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::vector<std::optional<core::Clock::TimePoint>> last_identify_;  // guarded by mutex_
  std::optional<SessionStartLimit> limit_;                            // guarded by mutex_
  std::uint64_t session_start_waits_ = 0;                             // guarded by mutex_
};

}  // namespace mikami
