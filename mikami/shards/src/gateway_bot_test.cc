#include "mikami/gateway_bot.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(GatewayBotTest, ParsesDiscordsExample) {
  auto info = parse_gateway_bot(R"({
    "url": "wss://gateway.discord.gg/", "shards": 9,
    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000,
                            "max_concurrency": 16}})");
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->url, "wss://gateway.discord.gg/");
  EXPECT_EQ(info->shards, 9);
  EXPECT_EQ(info->session_start_limit.total, 1000);
  EXPECT_EQ(info->session_start_limit.remaining, 999);
  EXPECT_EQ(info->session_start_limit.reset_after, 14'400'000ms);
  EXPECT_EQ(info->session_start_limit.max_concurrency, 16);
}

TEST(GatewayBotTest, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* says;
  };
  const char* limit = R"("session_start_limit":{"total":1,"remaining":1,"reset_after":0,)";
  const std::string ok_limit = std::string(limit) + R"("max_concurrency":1})";
  for (const Case& c : {
           Case{"[", "not JSON"},
           Case{"[]", "not a JSON object"},
           Case{R"({"shards":1})", "url"},
           Case{R"({"url":"wss://x","shards":"many"})", "shards is not a count"},
           Case{R"({"url":"wss://x","shards":0})", "shards is 0"},
           Case{R"({"url":"wss://x","shards":1})", "session_start_limit is missing"},
           Case{R"({"url":"wss://x","shards":1,"session_start_limit":{"total":1}})",
                "session_start_limit.remaining is missing"},
       }) {
    auto info = parse_gateway_bot(c.body);
    ASSERT_FALSE(info) << c.body;
    EXPECT_EQ(info.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(info.error().message().find(c.says), std::string::npos) << info.error().message();
  }
  auto zero = parse_gateway_bot(std::string(R"({"url":"wss://x","shards":1,)") + limit +
                                R"("max_concurrency":0}})");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message().find("max_concurrency is 0"), std::string::npos);
  EXPECT_TRUE(parse_gateway_bot(R"({"url":"wss://x","shards":1,)" + ok_limit + "}"));
}

}  // namespace
}  // namespace mikami
