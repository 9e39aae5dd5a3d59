#include "worker_pool.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace mikami::framework {
namespace {

using namespace std::chrono_literals;

// Regression: schedule() read begin() and the insertion in one unsequenced comparison, so a
// first timer into an empty queue could leave the sleeping timer thread unwoken forever
// (lock waits and handler deadlines never fired).
TEST(TimerQueue, AFirstTimerIntoAnEmptyQueueWakesTheThread) {
  for (int round = 0; round < 20; ++round) {
    TimerQueue timers;
    std::this_thread::sleep_for(1ms);  // let the thread reach its wait on the empty queue
    std::promise<void> fired;
    timers.schedule(TimerQueue::Clock::now() + 2ms, [&] { fired.set_value(); });
    ASSERT_EQ(fired.get_future().wait_for(5s), std::future_status::ready) << "round " << round;
  }
}

TEST(TimerQueue, ACancelledTimerNeverFiresAndTheNextOneStillDoes) {
  TimerQueue timers;
  std::atomic<bool> cancelled_fired{false};
  std::promise<void> fired;
  const auto now = TimerQueue::Clock::now();
  const auto id = timers.schedule(now + 1ms, [&] { cancelled_fired = true; });
  timers.cancel(id);
  timers.schedule(now + 20ms, [&] { fired.set_value(); });
  ASSERT_EQ(fired.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(cancelled_fired.load());
}

}  // namespace
}  // namespace mikami::framework
