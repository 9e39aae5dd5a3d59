#include "autobets/fairness.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <thread>
#include <vector>

namespace autobets {
namespace {

std::string hex(const Block& block) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto byte : block) {
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

// RFC 4231, test case 2.
TEST(Fairness, HmacMatchesRfc4231) {
  auto block = OpenSslHasher::instance().hmac_sha256("Jefe", "what do ya want for nothing?");
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(hex(*block), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Fairness, HmacIsThreadSafeAndDeterministic) {
  auto expected = OpenSslHasher::instance().hmac_sha256("seed", "client:1:0");
  ASSERT_TRUE(expected.has_value());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto block = OpenSslHasher::instance().hmac_sha256("seed", "client:1:0");
        if (!block || *block != *expected) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, 0);
}

TEST(Fairness, CommitmentIsSha256OfTheSeed) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Fairness, EntropyGivesFreshHex) {
  auto a = OpenSslEntropy::instance().random_hex(32);
  auto b = OpenSslEntropy::instance().random_hex(32);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_NE(*a, *b);
}

TEST(Fairness, StreamReadsTheDocumentedBytes) {
  // The first value is the first 8 bytes of HMAC(server, "client:7:0"), big-endian.
  auto block = OpenSslHasher::instance().hmac_sha256("server", "client:7:0");
  ASSERT_TRUE(block.has_value());
  std::uint64_t first = 0;
  for (int i = 0; i < 8; ++i) first = (first << 8) | (*block)[i];
  FairStream stream(OpenSslHasher::instance(), "server", "client", 7);
  auto value = stream.uniform(std::uint64_t{1} << 63);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, first % (std::uint64_t{1} << 63));
  // Five more values need a second block (round 1).
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(stream.uniform(10).has_value());
  EXPECT_EQ(stream.rounds_used(), 2);
}

TEST(Fairness, UniformHasNoVisibleBias) {
  // 6 buckets over 60,000 draws: chi-square with 5 degrees of freedom stays far below 25
  // (p < 0.0002) for an unbiased generator.
  std::vector<int> counts(6);
  for (int nonce = 0; nonce < 60000; ++nonce) {
    FairStream stream(OpenSslHasher::instance(), "bias-seed", "client", nonce);
    auto value = stream.uniform(6);
    ASSERT_TRUE(value.has_value());
    ++counts[*value];
  }
  double chi_square = 0;
  for (int count : counts) chi_square += (count - 10000.0) * (count - 10000.0) / 10000.0;
  EXPECT_LT(chi_square, 25.0);
}

class FailingHasher final : public FairHasher {
 public:
  core::Result<Block> hmac_sha256(std::string_view, std::string_view) override {
    return core::fail(core::ErrorCode::kInternal, "injected");
  }
};

TEST(Fairness, HasherFailureSurfacesAsAnError) {
  FailingHasher hasher;
  FairStream stream(hasher, "s", "c", 0);
  auto value = stream.uniform(2);
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "injected");
}

}  // namespace
}  // namespace autobets
