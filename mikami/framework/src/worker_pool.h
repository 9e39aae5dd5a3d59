// The router's threads: a fixed pool running posted tasks in FIFO order, and one timer
// thread running callbacks at their time. Private to the framework.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace mikami::framework {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Runs what was posted, then joins.
  ~WorkerPool();
  // Runs what was posted, then joins; later posts are never run. Idempotent.
  void shutdown();
  void post(std::function<void()> task);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  bool stopping_ = false;                    // guarded by mutex_
  std::vector<std::thread> threads_;
};

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  TimerQueue();
  // Drops what has not fired, then joins.
  ~TimerQueue();
  // Drops what has not fired, then joins; later schedules never fire. Idempotent.
  void shutdown();
  // Runs `fn` on the timer thread at `when` (callbacks must be short: post real work).
  std::uint64_t schedule(Clock::time_point when, std::function<void()> fn);
  // Never waits: a callback already running is not stopped.
  void cancel(std::uint64_t id);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable changed_;
  struct Timer {
    Clock::time_point when;
    std::function<void()> fn;
  };
  // Every pending timer in firing order, and by id. A cancelled timer leaves both (every
  // command schedules and cancels one: left in order_, each would wake the thread later).
  std::set<std::pair<Clock::time_point, std::uint64_t>> order_;  // guarded by mutex_
  std::map<std::uint64_t, Timer> timers_;                        // guarded by mutex_
  std::uint64_t next_id_ = 1;                                    // guarded by mutex_
  bool stopping_ = false;                                        // guarded by mutex_
  std::thread thread_;
};

}  // namespace mikami::framework
