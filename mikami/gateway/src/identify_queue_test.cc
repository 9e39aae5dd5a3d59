#include "mikami/identify_queue.h"

#include <gtest/gtest.h>

#include "mikami/shard.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(IdentifyQueueTest, OneIdentifyPerKeyPerFiveSeconds) {
  core::FakeClock clock;
  IdentifyQueue queue(clock, 2);
  EXPECT_FALSE(queue.try_acquire(0));  // key 0
  EXPECT_FALSE(queue.try_acquire(1));  // key 1: independent
  auto wait = queue.try_acquire(2);    // key 0 again
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait - clock.now(), 5s);
  clock.advance(4'999ms);
  EXPECT_TRUE(queue.try_acquire(2));
  clock.advance(1ms);
  EXPECT_FALSE(queue.try_acquire(2));
}

TEST(IdentifyQueueTest, ShardsSharingAKeyIdentifyFiveSecondsApart) {
  core::FakeClock clock;
  IdentifyQueue queue(clock, 1);
  auto make = [&](int id) {
    ShardConfig config;
    config.shard_id = id;
    config.shard_count = 2;
    config.identify_queue = &queue;
    config.random = [] { return 0.5; };
    return std::make_unique<Shard>(clock, config);
  };
  auto a = make(0);
  auto b = make(1);
  auto identifies = [](Shard& shard) {
    int n = 0;
    for (auto& action : shard.take_actions()) {
      if (auto* send = std::get_if<SendAction>(&action)) n += send->kind == OutboundKind::kIdentify;
    }
    return n;
  };
  InboundPayload hello;
  hello.op = GatewayOp::kHello;
  hello.heartbeat_interval = 40'000ms;
  for (auto* shard : {a.get(), b.get()}) {
    shard->start();
    shard->on_open();
    shard->on_payload(hello);
  }
  EXPECT_EQ(identifies(*a), 1);
  EXPECT_EQ(identifies(*b), 0);  // waits for the shared key
  EXPECT_EQ(b->state(), ShardState::kIdentifying);
  EXPECT_EQ(*b->next_wakeup() - clock.now(), 5s);
  clock.advance(5s);
  b->poll();
  EXPECT_EQ(identifies(*b), 1);
}

}  // namespace
}  // namespace mikami

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(IdentifyQueueTest, NoSessionStartLeftWaitsForTheReset) {
  core::FakeClock clock;
  IdentifyQueue queue(clock, 4);
  queue.set_session_start_limit(1000, 2, 30s);
  EXPECT_EQ(queue.session_starts_remaining(), 2);
  EXPECT_FALSE(queue.try_acquire(0));
  EXPECT_FALSE(queue.try_acquire(1));
  EXPECT_EQ(queue.session_starts_remaining(), 0);
  // Key 2 is free, but no session start is left: wait for the reset, take nothing.
  auto wait = queue.try_acquire(2);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait - clock.now(), 30s);
  EXPECT_EQ(queue.session_start_waits(), 1u);
  clock.advance(29s);
  EXPECT_TRUE(queue.try_acquire(2));
  clock.advance(1s);
  EXPECT_FALSE(queue.try_acquire(2));
  EXPECT_EQ(queue.session_starts_remaining(), 999);
}

TEST(IdentifyQueueTest, TheAllowanceRenewsEveryDayAfterTheFirstReset) {
  core::FakeClock clock;
  IdentifyQueue queue(clock, 1, 0ms);
  queue.set_session_start_limit(2, 0, 1h);
  clock.advance(1h);
  EXPECT_FALSE(queue.try_acquire(0));
  EXPECT_FALSE(queue.try_acquire(0));
  auto wait = queue.try_acquire(0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait - clock.now(), 24h);
}

TEST(IdentifyQueueTest, WithoutALimitSessionStartsAreNotCounted) {
  core::FakeClock clock;
  IdentifyQueue queue(clock, 1, 0ms);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(queue.try_acquire(0));
  EXPECT_FALSE(queue.session_starts_remaining());
}

}  // namespace
}  // namespace mikami
