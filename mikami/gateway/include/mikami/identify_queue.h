// Discord's identify rate limit for several shards: shards whose ids are equal modulo
// max_concurrency (GET /gateway/bot's session_start_limit.max_concurrency) share one
// "rate limit key", and each key may start one session per 5 seconds.
// Reference: https://discord.com/developers/docs/events/gateway#sharding-max-concurrency
#pragma once

#include <chrono>
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

  // Takes the identify slot of `shard_id`'s key and returns nullopt when it is free now;
  // otherwise returns the instant it frees (nothing is taken; ask again then).
  std::optional<core::Clock::TimePoint> try_acquire(int shard_id);

 private:
  core::Clock& clock_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::vector<std::optional<core::Clock::TimePoint>> last_identify_;  // guarded by mutex_
};

}  // namespace mikami
