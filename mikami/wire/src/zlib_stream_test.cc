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

}  // namespace
}  // namespace mikami
