#include "mikami/framework/analytics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace mikami::framework {
namespace {

AnalyticsEvent event(int i) {
  AnalyticsEvent e;
  e.command = "/ping";
  e.user_id = std::to_string(i);
  e.result = "ok";
  return e;
}

// A sink stuck on one event: recording never waits for it, and what does not fit in the
// tiny queue is dropped and counted.
TEST(AnalyticsQueueTest, ATinyQueueNeverBlocksARecordAndCountsItsDrops) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  std::atomic<int> delivered{0};
  AnalyticsQueue queue(2, [&, first = true](const AnalyticsEvent&) mutable {
    if (first) {
      first = false;
      entered.set_value();
      released.wait();
    }
    ++delivered;
  });
  ASSERT_TRUE(queue.record(event(0)));
  entered.get_future().wait();  // the queue's thread holds event 0
  int refused = 0;
  for (int i = 1; i <= 1000; ++i) refused += !queue.record(event(i));
  EXPECT_EQ(refused, 998);  // two fit
  EXPECT_EQ(queue.dropped(), 998u);
  release.set_value();
  queue.flush();
  EXPECT_EQ(delivered.load(), 3);
  EXPECT_EQ(queue.delivered(), 3u);
}

// Events recorded while the thread delivers wait for it, without a wake-up each: one wake
// serves the whole batch.
TEST(AnalyticsQueueTest, OneWakeUpDeliversEverythingQueuedMeanwhile) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  AnalyticsQueue queue(1000, [&, first = true](const AnalyticsEvent&) mutable {
    if (first) {
      first = false;
      entered.set_value();
      released.wait();
    }
  });
  ASSERT_TRUE(queue.record(event(0)));
  entered.get_future().wait();
  for (int i = 1; i <= 500; ++i) ASSERT_TRUE(queue.record(event(i)));
  release.set_value();
  queue.flush();
  EXPECT_EQ(queue.delivered(), 501u);
  EXPECT_LE(queue.wakeups(), 1u);  // 0 when event 0 came before the thread first slept
}

}  // namespace
}  // namespace mikami::framework
