#include "core/keyed_lock_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace core {
namespace {

TEST(KeyedLockTable, ExcludesHoldersOfTheSameKey) {
  KeyedLockTable<int> locks;
  constexpr int kThreads = 8;
  constexpr int kRounds = 2000;
  long counters[2] = {0, 0};  // deliberately not atomic: the lock is what protects them
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        int key = (t + i) % 2;
        auto guard = locks.acquire(key);
        long seen = counters[key];
        std::this_thread::yield();
        counters[key] = seen + 1;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counters[0] + counters[1], long{kThreads} * kRounds);
  EXPECT_EQ(locks.active_keys(), 0u);
}

TEST(KeyedLockTable, GrantsWaitersInArrivalOrder) {
  KeyedLockTable<std::string> locks;
  auto holder = locks.acquire("alice");
  std::mutex order_mutex;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 6; ++i) {
    waiters.emplace_back([&, i] {
      auto guard = locks.acquire("alice");
      std::lock_guard lock(order_mutex);
      order.push_back(i);
    });
    // Wait until waiter i is queued before starting i + 1, so arrival order is known.
    while (locks.waiters("alice") != static_cast<std::size_t>(i + 1)) std::this_thread::yield();
  }
  holder.release();
  for (auto& thread : waiters) thread.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST(KeyedLockTable, DifferentKeysDoNotBlockEachOther) {
  KeyedLockTable<std::string> locks;
  auto alice = locks.acquire("alice");
  std::atomic<bool> got_bob = false;
  std::thread other([&] {
    auto bob = locks.acquire("bob");
    got_bob = true;
  });
  other.join();  // would hang if "bob" waited for "alice"
  EXPECT_TRUE(got_bob);
  EXPECT_EQ(locks.active_keys(), 1u);
}

TEST(KeyedLockTable, ReclaimsEntriesWhenKeysGoIdle) {
  KeyedLockTable<int> locks;
  for (int key = 0; key < 100000; ++key) {
    auto guard = locks.acquire(key);
    EXPECT_EQ(locks.active_keys(), 1u);
  }
  EXPECT_EQ(locks.active_keys(), 0u);
}

TEST(KeyedLockTable, GuardMovesOwnershipAndReleasesOnce) {
  KeyedLockTable<int> locks;
  auto first = locks.acquire(7);
  auto second = std::move(first);
  EXPECT_FALSE(first.owns_lock());
  EXPECT_TRUE(second.owns_lock());
  EXPECT_EQ(second.key(), 7);
  second.release();
  second.release();
  EXPECT_EQ(locks.active_keys(), 0u);
  auto again = locks.acquire(7);  // would deadlock if the moved-from guard still held it
  EXPECT_TRUE(again.owns_lock());
}

}  // namespace
}  // namespace core
