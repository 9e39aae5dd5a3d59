// The pipeline's last stage: one event per handled interaction (and one per gateway event a
// module observes, Module::observed_events), handed to a sink on a thread of its own
// through a bounded queue. Recording never blocks the pipeline: when
// the queue is full the event is dropped and counted. Wake-ups are batched: a record wakes
// the queue's thread only when it sleeps, and a woken thread delivers everything queued
// before it sleeps again, so under load one wake-up serves many commands.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace mikami::framework {

struct AnalyticsEvent {
  // A gateway event's name ("GUILD_MEMBER_ADD", "MESSAGE_CREATE", ...); empty for a pipeline
  // result, which sets `command`, `module`, `result` and `latency`.
  std::string event;
  std::string command;  // "/module enable", or a component's prefix
  std::string module;   // empty when no module owns it (an unknown command)
  std::string guild_id;
  std::string channel_id;  // gateway events: where it happened, when it has a channel
  std::string user_id;     // the invoker; a message's author; the member who joined or left
  bool user_is_bot = false;
  std::string result;  // "ok", "invalid_option", "missing_permissions", "cooldown", ...
  std::chrono::microseconds latency{0};
};

class AnalyticsQueue {
 public:
  using Sink = std::function<void(const AnalyticsEvent&)>;
  // `sink` runs on the queue's thread, one event at a time, in order.
  AnalyticsQueue(std::size_t capacity, Sink sink);
  // flush() then stop.
  ~AnalyticsQueue();
  AnalyticsQueue(const AnalyticsQueue&) = delete;
  AnalyticsQueue& operator=(const AnalyticsQueue&) = delete;

  // Never blocks; false (and counted) when full.
  bool record(AnalyticsEvent event);
  // Waits until every event recorded before the call has reached the sink.
  void flush();

  std::size_t depth() const;
  std::uint64_t dropped() const;
  std::uint64_t delivered() const;
  // Times the queue's thread was woken to deliver.
  std::uint64_t wakeups() const;

 private:
  void run();

  const std::size_t capacity_;
  Sink sink_;
  mutable std::mutex mutex_;
  std::condition_variable work_;      // the queue's thread waits for events
  std::condition_variable progress_;  // flush() waits for deliveries
  std::deque<AnalyticsEvent> queue_;  // guarded by mutex_
  std::uint64_t dropped_ = 0;         // guarded by mutex_
  std::uint64_t delivered_ = 0;       // guarded by mutex_
  std::uint64_t recorded_ = 0;        // guarded by mutex_
  std::uint64_t wakeups_ = 0;         // guarded by mutex_
  bool sleeping_ = false;             // guarded by mutex_: the thread waits on work_
  bool stopping_ = false;             // guarded by mutex_
  std::thread thread_;
};

}  // namespace mikami::framework
