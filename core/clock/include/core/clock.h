// Time behind one small interface, so code that waits, times out or stamps records can be
// tested on a fake clock without sleeping (docs/conventions.md, section 3).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace core {

// Monotonic time for intervals and deadlines, wall time for stamps people read.
// Implementations are thread safe.
class Clock {
 public:
  using Duration = std::chrono::nanoseconds;
  using TimePoint = std::chrono::steady_clock::time_point;
  using WallTime = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  virtual WallTime wall_now() const = 0;
  // Blocks the calling thread until now() >= deadline.
  virtual void sleep_until(TimePoint deadline) = 0;
};

// The real clocks of the operating system. Stateless; one shared instance is enough.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  void sleep_until(TimePoint deadline) override;

  // The process-wide instance; lives for the whole program.
  static SystemClock& instance();
};

// A clock that moves only when told. Threads in sleep_until() wake when advance() or set()
// moves time past their deadline. Starts at an arbitrary fixed point, with wall time at
// 2026-01-01T00:00:00Z, so tests are reproducible.
class FakeClock final : public Clock {
 public:
  FakeClock();

  TimePoint now() const override;
  WallTime wall_now() const override;
  void sleep_until(TimePoint deadline) override;

  // Moves both monotonic and wall time forward by `step` (which must not be negative).
  void advance(Duration step);
  // Number of threads currently blocked in sleep_until(); lets a test wait until a worker
  // is parked before it advances time.
  int sleepers() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable moved_;
  TimePoint now_;      // guarded by mutex_
  WallTime wall_now_;  // guarded by mutex_
  int sleepers_ = 0;   // guarded by mutex_
};

}  // namespace core
