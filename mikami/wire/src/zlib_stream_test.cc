#include "mikami/zlib_stream.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

TEST(ZlibStreamTest, MessagesRoundTripThroughOneSharedContext) {
  ZlibStreamDeflater deflater;
  ZlibStreamInflater inflater;
  for (int i = 0; i < 50; ++i) {
    std::string message = "{\"op\":0,\"s\":" + std::to_string(i) + ",\"d\":\"" +
                          std::string(static_cast<std::size_t>(i * 100), 'x') + "\"}";
    std::string compressed = deflater.compress(message);
    ASSERT_GE(compressed.size(), 4u);
    EXPECT_EQ(compressed.substr(compressed.size() - 4), std::string("\x00\x00\xff\xff", 4));
    auto out = inflater.push(compressed);
    ASSERT_TRUE(out);
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(**out, message);
  }
}

TEST(ZlibStreamTest, AMessageSplitAcrossFramesIsReturnedWhenComplete) {
  ZlibStreamDeflater deflater;
  ZlibStreamInflater inflater;
  std::string message(100'000, 'a');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>('a' + i % 26);
  std::string compressed = deflater.compress(message);
  std::size_t half = compressed.size() / 2;
  auto first = inflater.push(compressed.substr(0, half));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->has_value());
  auto second = inflater.push(compressed.substr(half));
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ(**second, message);
}

TEST(ZlibStreamTest, GarbageIsCorruptAndStaysFailed) {
  ZlibStreamInflater inflater;
  auto out = inflater.push(std::string("garbage\x00\x00\xff\xff", 11));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_FALSE(inflater.push("x"));
}

// Issue 16, item 14: a small frame of zeros inflates a thousand times over; the inflater
// stops at its cap instead of allocating what the sender asks for.
TEST(ZlibStreamTest, InflationPastTheCapIsCorruptAndStopsThere) {
  ZlibStreamDeflater deflater;
  const std::string bomb = deflater.compress(std::string(8u << 20, '\0'));  // 8 MiB of zeros
  EXPECT_LT(bomb.size(), 64u << 10);
  ZlibStreamInflater inflater(1u << 20);  // 1 MiB
  auto out = inflater.push(bomb);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(out.error().message().find("larger than 1048576 bytes"), std::string::npos);
  EXPECT_FALSE(inflater.push("x"));  // the connection must be dropped
  // Under the cap the same message inflates.
  ZlibStreamDeflater again;
  ZlibStreamInflater roomy(16u << 20);
  auto fine = roomy.push(again.compress(std::string(8u << 20, '\0')));
  ASSERT_TRUE(fine && fine->has_value());
  EXPECT_EQ((*fine)->size(), 8u << 20);
}

TEST(ZlibStreamTest, CompressedMessageLargerThanTheCapIsCorrupt) {
  ZlibStreamInflater inflater(1024);
  EXPECT_TRUE(inflater.push(std::string(1000, 'x')));  // waits for the flush marker
  auto out = inflater.push(std::string(100, 'x'));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), core::ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace mikami
