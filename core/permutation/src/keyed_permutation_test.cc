#include "core/keyed_permutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace core {
namespace {

constexpr u128 kU128Max = ~static_cast<u128>(0);

#ifdef PROJECT_SANITIZED
constexpr std::uint64_t kFullCheckLimit = 1 << 14;
#else
constexpr std::uint64_t kFullCheckLimit = 1 << 20;
#endif

void expect_bijection(std::uint64_t n, std::uint64_t seed) {
  KeyedPermutation p(n, seed);
  std::vector<bool> seen(n, false);
  for (std::uint64_t i = 0; i < n; ++i) {
    u128 y = p.at(i);
    ASSERT_LT(y, u128{n}) << "n=" << n;
    ASSERT_FALSE(seen[static_cast<std::size_t>(y)]) << "n=" << n << " i=" << i;
    seen[static_cast<std::size_t>(y)] = true;
    ASSERT_EQ(p.inverse(y), u128{i});
  }
}

TEST(PermutationTest, BijectionForSmallPrimesPowersOfTwoAndOne) {
  for (std::uint64_t n : {1, 2, 3, 5, 7, 11, 13, 97, 101, 251, 257, 65521, 65537}) {
    expect_bijection(n, 1);
  }
  for (int bits = 1; (std::uint64_t{1} << bits) <= kFullCheckLimit; ++bits) {
    expect_bijection(std::uint64_t{1} << bits, 7);
    expect_bijection((std::uint64_t{1} << bits) - 1, 7);
    expect_bijection((std::uint64_t{1} << bits) + 1, 7);
  }
}

TEST(PermutationTest, BijectionForManySizesAndSeeds) {
  for (std::uint64_t n = 1; n <= 600; ++n) expect_bijection(n, n * 31 + 5);
}

// Near 2^64 and 2^128 a full check is impossible; check that a window of outputs stays in range,
// is free of repeats, and inverts.
void expect_window(u128 n, std::uint64_t seed) {
  KeyedPermutation p(n, seed);
  std::vector<u128> outputs;
  for (u128 i : {u128{0}, n / 2, n - 2000}) {
    for (u128 j = 0; j < 2000 && i + j < n; ++j) {
      u128 y = p.at(i + j);
      ASSERT_LT(y, n);
      ASSERT_EQ(p.inverse(y), i + j);
      outputs.push_back(y);
    }
  }
  std::sort(outputs.begin(), outputs.end());
  EXPECT_EQ(std::adjacent_find(outputs.begin(), outputs.end()), outputs.end());
}

TEST(PermutationTest, WindowsNearTwoToThe64And128) {
  const u128 two64 = u128{1} << 64;
  expect_window(two64 - 1, 3);
  expect_window(two64, 3);
  expect_window(two64 + 1, 3);
  expect_window((two64 / 3) * 2 + 17, 9);
  expect_window(kU128Max, 11);
  expect_window(kU128Max / 5, 11);
}

TEST(PermutationTest, SameSeedSameOrderDifferentSeedDifferentOrder) {
  KeyedPermutation a(1000003, 42);
  KeyedPermutation b(1000003, 42);
  KeyedPermutation c(1000003, 43);
  int differences = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.at(i), b.at(i));
    differences += a.at(i) != c.at(i);
  }
  EXPECT_GT(differences, 990);
}

// The order is a seed contract (dorkgen's --seed output, for one): these values were taken
// from the implementation that shipped first and must never change.
TEST(PermutationTest, OrderForASeedIsPinned) {
  const KeyedPermutation narrow(1000, 42);
  const std::uint64_t expected[] = {621, 689, 328, 329, 890, 281, 73, 929};
  for (std::uint64_t i = 0; i < 8; ++i) EXPECT_EQ(narrow.at64(i), expected[i]) << i;

  const KeyedPermutation wide((u128{1} << 70) + 3, 7);
  const std::uint64_t high[] = {53, 16, 9, 8};
  const std::uint64_t low[] = {1565745544957557860ULL, 7830858407432605007ULL,
                               11135887412773965334ULL, 13789224343329361591ULL};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(wide.at(static_cast<u128>(i)), (u128{high[i]} << 64) | low[i]) << i;
  }
}

TEST(PermutationTest, LooksShuffled) {
  // The first 10% of a permutation of 100000 should cover all ten deciles roughly evenly.
  KeyedPermutation p(100000, 5);
  int decile[10] = {};
  for (std::uint64_t i = 0; i < 10000; ++i) ++decile[static_cast<int>(p.at(i) / 10000)];
  for (int d : decile) {
    EXPECT_GT(d, 800);
    EXPECT_LT(d, 1200);
  }
}

}  // namespace
}  // namespace core
