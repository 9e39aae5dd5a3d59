#include "mikami/identify_queue.h"

#include "core/status.h"

namespace mikami {

IdentifyQueue::IdentifyQueue(core::Clock& clock, int max_concurrency,
                             std::chrono::milliseconds interval)
    : clock_(clock),
      interval_(interval),
      last_identify_(static_cast<std::size_t>(max_concurrency)) {
  CORE_CHECK(max_concurrency >= 1);
}

std::optional<core::Clock::TimePoint> IdentifyQueue::try_acquire(int shard_id) {
  CORE_CHECK(shard_id >= 0);
  std::lock_guard lock(mutex_);
  auto& last = last_identify_[static_cast<std::size_t>(shard_id) % last_identify_.size()];
  const core::Clock::TimePoint now = clock_.now();
  if (last && now < *last + interval_) return *last + interval_;
  last = now;
  return std::nullopt;
}

}  // namespace mikami
