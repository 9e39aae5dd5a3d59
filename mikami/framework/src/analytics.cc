#include "mikami/framework/analytics.h"

namespace mikami::framework {

AnalyticsQueue::AnalyticsQueue(std::size_t capacity, Sink sink)
    : capacity_(capacity), sink_(std::move(sink)), thread_([this] { run(); }) {}

AnalyticsQueue::~AnalyticsQueue() {
  flush();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

bool AnalyticsQueue::record(AnalyticsEvent event) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_ || stopping_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(event));
    ++recorded_;
    if (!sleeping_) return true;  // awake: it delivers this one before it sleeps
    sleeping_ = false;            // one wake-up, however many record before it runs
  }
  work_.notify_one();
  return true;
}

void AnalyticsQueue::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = recorded_;
  progress_.wait(lock, [&] { return delivered_ >= target; });
}

std::size_t AnalyticsQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::uint64_t AnalyticsQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t AnalyticsQueue::wakeups() const {
  std::lock_guard lock(mutex_);
  return wakeups_;
}

std::uint64_t AnalyticsQueue::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

void AnalyticsQueue::run() {
  std::unique_lock lock(mutex_);
  std::deque<AnalyticsEvent> batch;
  for (;;) {
    if (queue_.empty() && !stopping_) {
      sleeping_ = true;
      work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      sleeping_ = false;
      ++wakeups_;
    }
    if (queue_.empty()) return;  // stopping, and nothing left
    batch.swap(queue_);
    lock.unlock();
    for (const AnalyticsEvent& event : batch) {
      if (sink_) sink_(event);
    }
    const std::uint64_t count = batch.size();
    batch.clear();
    lock.lock();
    delivered_ += count;
    progress_.notify_all();
  }
}

}  // namespace mikami::framework
