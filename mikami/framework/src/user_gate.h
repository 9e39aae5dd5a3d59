// The per-user lock, without blocking a thread: one task per user runs at a time; a task
// submitted while its user's previous one runs waits in a queue (in order) and, when it
// has not started within its bound, is dropped and its on_timeout runs instead. Nothing
// ever waits on a thread: the shard's event loop and the workers keep going. Private to
// the framework.
//
// A task gets a Release, which it calls exactly once (from any thread) when the user's
// next task may start. Thread safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "worker_pool.h"

namespace mikami::framework {

class UserGate {
 public:
  using Release = std::function<void()>;
  using Task = std::function<void(Release release, std::chrono::nanoseconds waited)>;

  // Both must outlive the gate.
  UserGate(WorkerPool& pool, TimerQueue& timers) : pool_(pool), timers_(timers) {}

  void submit(const std::string& user, std::chrono::milliseconds max_wait, Task task,
              std::function<void()> on_timeout);

  std::uint64_t waits() const;     // tasks that had to queue
  std::uint64_t timeouts() const;  // of which gave up
  std::size_t active_users() const;

 private:
  struct Pending {
    std::uint64_t id = 0;
    Task task;
    std::function<void()> on_timeout;
    std::uint64_t timer = 0;
    std::chrono::steady_clock::time_point queued_at;
  };
  struct Entry {
    std::deque<Pending> queue;  // the holder is not in it
  };
  void start(const std::string& user, Task task, std::chrono::nanoseconds waited);
  void release(const std::string& user);
  void expire(const std::string& user, std::uint64_t id);

  WorkerPool& pool_;
  TimerQueue& timers_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // held users; guarded by mutex_
  std::uint64_t next_id_ = 1;                       // guarded by mutex_
  std::uint64_t waits_ = 0;                         // guarded by mutex_
  std::uint64_t timeouts_ = 0;                      // guarded by mutex_
};

}  // namespace mikami::framework
