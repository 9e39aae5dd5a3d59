#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mikami/gateway_session.h"

namespace mikami {
namespace {

GatewaySession sample() {
  GatewaySession session;
  session.shard_id = 2;
  session.shard_count = 4;
  session.session_id = "abc123";
  session.sequence = 4711;
  session.resume_gateway_url = "wss://resume.example:443";
  return session;
}

TEST(GatewaySessionTest, EncodeDecodeRoundTrips) {
  auto decoded = decode_session(encode_session(sample()));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, sample());
  EXPECT_TRUE(decoded->resumable());
}

TEST(GatewaySessionTest, EmptySessionRoundTripsAndIsNotResumable) {
  GatewaySession empty;
  auto decoded = decode_session(encode_session(empty));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, empty);
  EXPECT_FALSE(decoded->resumable());
}

TEST(GatewaySessionTest, CorruptTextIsRejectedWithTheLine) {
  EXPECT_FALSE(decode_session(""));
  EXPECT_FALSE(decode_session("something else\n"));
  auto bad = decode_session("mikami-gateway-session 1\nsequence=abc\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(bad.error().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(decode_session("mikami-gateway-session 1\ncolour=blue\n"));
  EXPECT_FALSE(decode_session("mikami-gateway-session 1\nshard_id=3\nshard_count=2\n"));
}

TEST(GatewaySessionTest, SaveAndLoadThroughAFile) {
  auto dir = std::filesystem::temp_directory_path() /
             ("mikami-session-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "shard-2.session";
  ASSERT_TRUE(save_session(path, sample()));
  auto loaded = load_session(path);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(*loaded, sample());
  auto missing = load_session(dir / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
  GatewaySession broken = sample();
  broken.session_id = "a\nsequence=1";
  EXPECT_FALSE(save_session(path, broken));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mikami
