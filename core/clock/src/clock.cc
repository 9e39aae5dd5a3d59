#include "core/clock.h"

#include <thread>

#include "core/status.h"

namespace core {

void SystemClock::sleep_until(TimePoint deadline) { std::this_thread::sleep_until(deadline); }

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

FakeClock::FakeClock()
    : now_(TimePoint(std::chrono::hours(1))),
      wall_now_(WallTime(std::chrono::seconds(1767225600))) {}

Clock::TimePoint FakeClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

Clock::WallTime FakeClock::wall_now() const {
  std::lock_guard lock(mutex_);
  return wall_now_;
}

void FakeClock::sleep_until(TimePoint deadline) {
  std::unique_lock lock(mutex_);
  ++sleepers_;
  moved_.notify_all();
  moved_.wait(lock, [&] { return now_ >= deadline; });
  --sleepers_;
}

void FakeClock::advance(Duration step) {
  CORE_CHECK(step >= Duration::zero());
  {
    std::lock_guard lock(mutex_);
    now_ += step;
    wall_now_ += std::chrono::duration_cast<WallTime::duration>(step);
  }
  moved_.notify_all();
}

int FakeClock::sleepers() const {
  std::lock_guard lock(mutex_);
  return sleepers_;
}

}  // namespace core
