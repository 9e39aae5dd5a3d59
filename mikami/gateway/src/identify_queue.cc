#include "mikami/identify_queue.h"

#include "core/status.h"

namespace mikami {
namespace {
constexpr auto kSessionStartPeriod = std::chrono::hours(24);
}  // namespace

IdentifyQueue::IdentifyQueue(core::Clock& clock, int max_concurrency,
                             std::chrono::milliseconds interval)
    : clock_(clock),
      interval_(interval),
      last_identify_(static_cast<std::size_t>(max_concurrency)) {
  CORE_CHECK(max_concurrency >= 1);
}

void IdentifyQueue::set_session_start_limit(int total, int remaining,
                                            core::Clock::Duration reset_after) {
  CORE_CHECK(total >= 0 && remaining >= 0);
  std::lock_guard lock(mutex_);
  limit_ = SessionStartLimit{total, remaining,
                             clock_.now() + std::max(reset_after, core::Clock::Duration{0})};
}

void IdentifyQueue::renew_limit(core::Clock::TimePoint now) {
  if (!limit_ || now < limit_->reset_at) return;
  limit_->remaining = limit_->total;
  while (limit_->reset_at <= now) limit_->reset_at += kSessionStartPeriod;
}

std::optional<core::Clock::TimePoint> IdentifyQueue::try_acquire(int shard_id) {
  CORE_CHECK(shard_id >= 0);
  std::lock_guard lock(mutex_);
  const core::Clock::TimePoint now = clock_.now();
  renew_limit(now);
  if (limit_ && limit_->remaining <= 0) {
    ++session_start_waits_;
    return limit_->reset_at;
  }
  auto& last = last_identify_[static_cast<std::size_t>(shard_id) % last_identify_.size()];
  if (last && now < *last + interval_) return *last + interval_;
  last = now;
  if (limit_) --limit_->remaining;
  return std::nullopt;
}

std::optional<int> IdentifyQueue::session_starts_remaining() {
  std::lock_guard lock(mutex_);
  renew_limit(clock_.now());
  if (!limit_) return std::nullopt;
  return limit_->remaining;
}

std::uint64_t IdentifyQueue::session_start_waits() {
  std::lock_guard lock(mutex_);
  return session_start_waits_;
}

}  // namespace mikami
