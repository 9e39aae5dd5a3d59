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

// Issue 16, item 13: against Discord only Discord hosts; against a sandbox only its host;
// never another scheme.
TEST(ResumeUrlTest, ResumeUrlOnAnotherHostIsRefused) {
  EXPECT_EQ(check_resume_url("wss://gateway-us-east1-b.discord.gg", "wss://gateway.discord.gg"),
            "");
  EXPECT_EQ(check_resume_url("wss://gateway.discord.gg/?v=10", "wss://gateway.discord.gg"), "");
  EXPECT_NE(check_resume_url("wss://evil.example", "wss://gateway.discord.gg"), "");
  EXPECT_NE(check_resume_url("wss://discord.gg.evil.example", "wss://gateway.discord.gg"), "");
  EXPECT_NE(check_resume_url("wss://evildiscord.gg", "wss://gateway.discord.gg"), "");
  EXPECT_NE(check_resume_url("ws://gateway.discord.gg", "wss://gateway.discord.gg"), "");
  EXPECT_NE(check_resume_url("wss://user@gateway.discord.gg", "wss://gateway.discord.gg"), "");
  EXPECT_EQ(check_resume_url("ws://127.0.0.1:9000", "ws://127.0.0.1:8000"), "");
  EXPECT_NE(check_resume_url("wss://127.0.0.1:9000", "ws://127.0.0.1:8000"), "");
  EXPECT_NE(check_resume_url("not a url", "ws://127.0.0.1:8000"), "");
}

// Issue 16, item 13: session files and their directory are readable by the owner only.
TEST(SessionFileTest, SessionFilesAreOwnerOnly) {
  namespace fs = std::filesystem;
  const fs::path directory =
      fs::temp_directory_path() / ("mikami-session-mode-" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  fs::permissions(directory, fs::perms::all, fs::perm_options::replace);
  const fs::path file = directory / "sessions" / "shard-0.session";
  GatewaySession session;
  session.session_id = "abc";
  session.sequence = 3;
  ASSERT_TRUE(save_session(file, session));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(file.parent_path()).permissions() & fs::perms::all, fs::perms::owner_all);
  // Saving again over a file someone widened makes it owner-only again.
  fs::permissions(file, fs::perms::all, fs::perm_options::replace);
  ASSERT_TRUE(save_session(file, session));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(load_session(file)->session_id, "abc");
  fs::remove_all(directory);
}

}  // namespace
}  // namespace mikami
