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
  changed_.notify_all();
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
  }
  changed_.notify_all();
  return true;
}

void AnalyticsQueue::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = recorded_;
  changed_.wait(lock, [&] { return delivered_ >= target; });
}

std::size_t AnalyticsQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::uint64_t AnalyticsQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t AnalyticsQueue::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

void AnalyticsQueue::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left
    AnalyticsEvent event = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    if (sink_) sink_(event);
    lock.lock();
    ++delivered_;
    changed_.notify_all();
  }
}

}  // namespace mikami::framework
