#include "dorky/line_set.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "dorky/hash.h"
#include "dorky/random.h"

namespace dorky {
namespace {

TEST(LineSetTest, MatchesAStdSetAndKeepsInsertionOrder) {
  LineSet set;
  std::set<std::string> oracle;
  std::vector<std::string> order;
  Random random(7);
  for (int i = 0; i < 100000; ++i) {
    std::string line = "q" + std::to_string(random.below(30000));
    bool added = set.insert(line, hash_bytes(line));
    EXPECT_EQ(added, oracle.insert(line).second);
    if (added) order.push_back(line);
  }
  EXPECT_EQ(set.size(), oracle.size());
  std::vector<std::string> seen;
  set.for_each([&](std::string_view line) { seen.emplace_back(line); });
  EXPECT_EQ(seen, order);
}

TEST(LineSetTest, EqualHashesWithDifferentBytesAreDistinct) {
  LineSet set;
  EXPECT_TRUE(set.insert("a", 42));
  EXPECT_TRUE(set.insert("b", 42));  // a forced collision
  EXPECT_FALSE(set.insert("a", 42));
  EXPECT_TRUE(set.insert(std::string(10 << 20, 'x'), 42));  // larger than a block
  EXPECT_EQ(set.size(), 3u);
  EXPECT_GT(set.memory_bytes(), 10u << 20);
  set.clear();
  EXPECT_EQ(set.size(), 0u);
}

TEST(HashTest, StableAndSeedDependent) {
  EXPECT_EQ(hash_bytes("site:example.com"), hash_bytes("site:example.com"));
  EXPECT_NE(hash_bytes("site:example.com"), hash_bytes("site:example.con"));
  EXPECT_NE(hash_bytes("abc", 1), hash_bytes("abc", 2));
  EXPECT_NE(hash_bytes(""), hash_bytes(std::string_view("\0", 1)));
}

TEST(RandomTest, BelowStaysInRangeAndIsSeeded) {
  Random a(1), b(1);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t x = a.below(7);
    EXPECT_LT(x, 7u);
    EXPECT_EQ(x, b.below(7));
  }
}

}  // namespace
}  // namespace dorky
