#include "dorkgen/fingerprint_set.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace dorkgen {
namespace {

TEST(FingerprintSetTest, InsertReportsNewOnlyOnce) {
  auto set = FingerprintSet::create(1000, 1 << 20);
  ASSERT_TRUE(set.has_value());
  for (std::uint64_t i = 0; i < 1000; ++i) EXPECT_TRUE(set->insert(fingerprint(std::to_string(i))));
  for (std::uint64_t i = 0; i < 1000; ++i)
    EXPECT_FALSE(set->insert(fingerprint(std::to_string(i))));
  EXPECT_EQ(set->size(), 1000u);
}

TEST(FingerprintSetTest, RefusesToExceedTheBudgetAndSaysBy) {
  auto set = FingerprintSet::create(10'000'000, 16 << 20);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(set.error().message().find("needs 109 MiB"), std::string::npos)
      << set.error().message();
  EXPECT_NE(set.error().message().find("budget is 16 MiB"), std::string::npos);
}

TEST(FingerprintSetTest, BytesNeededKeepsLoadUnderSeventyPercent) {
  for (std::uint64_t n : {0ull, 1ull, 7ull, 1000ull, 123456789ull}) {
    std::size_t slots = FingerprintSet::bytes_needed(n) / 8;
    EXPECT_GE(slots * 7, n * 10);
  }
}

TEST(FingerprintTest, DistinguishesShortAndLongStrings) {
  std::unordered_set<std::uint64_t> prints;
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text.push_back('a');
    EXPECT_TRUE(prints.insert(fingerprint(text)).second) << i;
  }
  EXPECT_NE(fingerprint("ab"), fingerprint("ba"));
  EXPECT_NE(fingerprint(std::string_view("a\0", 2)), fingerprint("a"));
}

TEST(FormatBytesTest, Units) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(64ull << 20), "64 MiB");
  EXPECT_EQ(format_bytes(3ull << 29), "1.5 GiB");
}

}  // namespace
}  // namespace dorkgen
