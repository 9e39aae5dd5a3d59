#include "worker_pool.h"

namespace mikami::framework {

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkerPool::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and nothing left
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

TimerQueue::TimerQueue() : thread_([this] { run(); }) {}

TimerQueue::~TimerQueue() { shutdown(); }

void TimerQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t TimerQueue::schedule(Clock::time_point when, std::function<void()> fn) {
  std::uint64_t id;
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    // Two statements: in one, begin() may be read before the insertion (operands of == are
    // unsequenced), and a first timer into an empty queue would never wake the thread.
    const auto inserted = order_.emplace(when, id).first;
    earliest = inserted == order_.begin();
    timers_.emplace(id, Timer{when, std::move(fn)});
  }
  // The thread sleeps until the first timer: only a new first one changes its wait.
  if (earliest) changed_.notify_all();
  return id;
}

void TimerQueue::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return;  // fired, running, or cancelled already
  order_.erase({it->second.when, id});
  timers_.erase(it);
}

void TimerQueue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (order_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto first = order_.begin();
    if (const Clock::time_point when = first->first; Clock::now() < when) {
      // A copy: the wait releases the lock, and a cancel may free the entry meanwhile.
      changed_.wait_until(lock, when);
      continue;
    }
    const std::uint64_t id = first->second;
    order_.erase(first);
    auto it = timers_.find(id);
    auto fn = std::move(it->second.fn);
    timers_.erase(it);
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace mikami::framework
