#include "core/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace core {
namespace {

using namespace std::chrono_literals;

TEST(FakeClock, MovesOnlyWhenAdvanced) {
  FakeClock clock;
  auto start = clock.now();
  auto wall = clock.wall_now();
  EXPECT_EQ(clock.now(), start);
  clock.advance(1500ms);
  EXPECT_EQ(clock.now() - start, 1500ms);
  EXPECT_EQ(clock.wall_now() - wall, 1500ms);
}

TEST(FakeClock, SleeperWakesExactlyWhenTimeReachesItsDeadline) {
  FakeClock clock;
  auto deadline = clock.now() + 10s;
  std::atomic<bool> woke = false;
  std::thread sleeper([&] {
    clock.sleep_until(deadline);
    woke = true;
  });
  while (clock.sleepers() == 0) std::this_thread::yield();
  clock.advance(9s);
  // Still parked: time has not reached the deadline.
  EXPECT_EQ(clock.sleepers(), 1);
  EXPECT_FALSE(woke);
  clock.advance(1s);
  sleeper.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(clock.sleepers(), 0);
}

TEST(SystemClock, IsMonotonic) {
  auto& clock = SystemClock::instance();
  auto first = clock.now();
  EXPECT_LE(first, clock.now());
}

}  // namespace
}  // namespace core
