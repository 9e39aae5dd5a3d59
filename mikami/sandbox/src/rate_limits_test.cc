// Discord-shaped rate limits against the real mikami-sandbox binary: bucket hashes shared by
// several routes, buckets counted per top-level resource, sublimits, the global limit,
// every header, and the invalid-request ban.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "mikami/testing/sandbox_process.h"
#include "mikami/testing/snowflake.h"
#include "sandbox_test_client.h"

namespace mikami {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox_test::api;
using sandbox_test::Call;
using sandbox_test::Reply;

TEST(SandboxRateLimitTest, EveryAnswerOfALimitedRouteCarriesTheBucketHeaders) {
  testing::SandboxProcess sandbox({"--bucket-limit", "3", "--bucket-window-ms", "2000"});
  Reply reply = api(sandbox.port(), "GET", "/channels/100");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("X-RateLimit-Limit"), "3");
  EXPECT_EQ(reply.header("X-RateLimit-Remaining"), "2");
  EXPECT_EQ(reply.header("X-RateLimit-Bucket"), "sandbox-channel");
  const double reset_after = std::stod(reply.header("X-RateLimit-Reset-After"));
  EXPECT_GT(reset_after, 1.5);
  EXPECT_LE(reset_after, 2.0);
  const double reset = std::stod(reply.header("X-RateLimit-Reset"));
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(reset, now + reset_after, 1.0);
  EXPECT_EQ(reply.header("X-RateLimit-Scope"), "");  // only on 429s
  // Errors use up quota and carry the headers too.
  Reply missing = api(sandbox.port(), "GET", "/channels/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("X-RateLimit-Remaining"), "2");  // another channel: its own bucket
}

TEST(SandboxRateLimitTest, RoutesSharingAHashShareTheQuotaOfOneGuild) {
  testing::SandboxProcess sandbox({"--bucket-limit", "3", "--bucket-window-ms", "60000"});
  const auto port = sandbox.port();
  // Three different routes, one hash ("sandbox-members-write"), one guild.
  EXPECT_EQ(
      api(port, "PATCH", "/guilds/1/members/3", R"({"nick":"a"})").header("X-RateLimit-Remaining"),
      "2");
  EXPECT_EQ(api(port, "PUT", "/guilds/1/members/4/roles/23").header("X-RateLimit-Remaining"), "1");
  EXPECT_EQ(api(port, "DELETE", "/guilds/1/members/4/roles/23").header("X-RateLimit-Remaining"),
            "0");
  Reply limited = api(port, "DELETE", "/guilds/1/members/6");
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("X-RateLimit-Scope"), "user");
  EXPECT_EQ(limited.header("X-RateLimit-Bucket"), "sandbox-members-write");
  EXPECT_EQ(limited.header("X-RateLimit-Remaining"), "0");
  EXPECT_GE(std::stoi(limited.header("Retry-After")), 59);
  EXPECT_FALSE(limited.json().at("global").as_bool());
  EXPECT_GT(limited.json().at("retry_after").as_double(), 59.0);
  // The member was not kicked; reading members is another bucket and still allowed.
  EXPECT_EQ(api(port, "GET", "/guilds/1/members/6").status, 200);
  EXPECT_EQ(sandbox_test::stats(port).at("rest_429_user").as_int64(), 1);
}

TEST(SandboxRateLimitTest, BucketsAreCountedPerTopLevelResource) {
  testing::SandboxProcess sandbox({"--bucket-limit", "2", "--bucket-window-ms", "60000"});
  const auto port = sandbox.port();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(api(port, "POST", "/channels/100/messages", R"({"content":"x"})").status, 200);
  }
  EXPECT_EQ(api(port, "POST", "/channels/100/messages", R"({"content":"x"})").status, 429);
  // Same hash, another channel: its own quota. Editing shares channel 100's.
  EXPECT_EQ(api(port, "POST", "/channels/101/messages", R"({"content":"x"})").status, 200);
  EXPECT_EQ(api(port, "PATCH", "/channels/100/messages/5", R"({"content":"y"})").status, 429);
  // Webhooks are counted per id + token.
  for (int i = 0; i < 2; ++i) {
    Call followup{"POST", "/webhooks/42/token-a", R"({"content":"x"})", {}, false};
    ASSERT_EQ(api(port, followup).status, 200);
  }
  Call same{"POST", "/webhooks/42/token-a", R"({"content":"x"})", {}, false};
  Call other_token{"POST", "/webhooks/42/token-b", R"({"content":"x"})", {}, false};
  EXPECT_EQ(api(port, same).status, 429);
  EXPECT_EQ(api(port, other_token).status, 200);
}

TEST(SandboxRateLimitTest, RenamingAChannelHasASublimitBelowTheBucket) {
  testing::SandboxProcess sandbox({"--bucket-limit", "10", "--channel-rename-limit", "2",
                                   "--channel-rename-window-ms", "2500"});
  const auto port = sandbox.port();
  EXPECT_EQ(api(port, "PATCH", "/channels/101", R"({"name":"one"})").status, 200);
  EXPECT_EQ(api(port, "PATCH", "/channels/101", R"({"topic":"two"})").status, 200);
  Reply limited = api(port, "PATCH", "/channels/101", R"({"name":"three"})");
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("X-RateLimit-Scope"), "user");
  // The 429 arrives although the bucket shows quota left: that is how a client tells a
  // sublimit from its bucket.
  EXPECT_EQ(limited.header("X-RateLimit-Remaining"), "8");
  EXPECT_EQ(limited.header("X-RateLimit-Bucket"), "sandbox-channel");
  const double retry_after = limited.json().at("retry_after").as_double();
  EXPECT_GT(retry_after, 1.0);
  EXPECT_LE(retry_after, 2.5);
  // Other edits of the channel, and renames of another channel, are not sublimited.
  EXPECT_EQ(api(port, "PATCH", "/channels/101", R"({"nsfw":true})").status, 200);
  EXPECT_EQ(api(port, "PATCH", "/channels/100", R"({"name":"main"})").status, 200);
  EXPECT_EQ(api(port, "GET", "/channels/101").json().at("name").as_string(), "one");
  std::this_thread::sleep_for(std::chrono::duration<double>(retry_after + 0.1));
  EXPECT_EQ(api(port, "PATCH", "/channels/101", R"({"name":"three"})").status, 200);
  const auto stats = sandbox_test::stats(port);
  EXPECT_EQ(stats.at("rest_429_sublimit").as_int64(), 1);
  EXPECT_EQ(stats.at("rest_429_user").as_int64(), 1);
}

TEST(SandboxRateLimitTest, TheGlobalLimitSpansRoutesAndSparesInteractions) {
  testing::SandboxProcess sandbox({"--global-limit", "4", "--global-window-ms", "2000"});
  const auto port = sandbox.port();
  ASSERT_EQ(api(port, "GET", "/channels/100").status, 200);
  ASSERT_EQ(api(port, "GET", "/guilds/1/roles").status, 200);
  ASSERT_EQ(api(port, "GET", "/guilds/1/members/3").status, 200);
  ASSERT_EQ(api(port, "POST", "/channels/7/messages", R"({"content":"x"})").status, 200);
  Reply limited = api(port, "GET", "/guilds/1/bans");
  ASSERT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("X-RateLimit-Global"), "true");
  EXPECT_EQ(limited.header("X-RateLimit-Scope"), "global");
  const int retry_after = std::stoi(limited.header("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  EXPECT_TRUE(limited.json().at("global").as_bool());
  EXPECT_EQ(limited.json().at("message").as_string(), "You are being rate limited.");
  // Interaction callbacks and webhooks are not bound to the global limit.
  Call callback{"POST",
                "/interactions/" + testing::snowflake_now() + "/tok/callback",
                R"({"type":4,"data":{"content":"x"}})",
                {},
                false};
  EXPECT_EQ(api(port, callback).status, 204);
  std::this_thread::sleep_for(
      std::chrono::duration<double>(limited.json().at("retry_after").as_double() + 0.05));
  EXPECT_EQ(api(port, "GET", "/guilds/1/bans").status, 200);
  EXPECT_EQ(sandbox_test::stats(port).at("rest_429_global").as_int64(), 1);
}

TEST(SandboxRateLimitTest, TooManyInvalidRequestsBanEveryRequestUntilTheWindowEnds) {
  testing::SandboxProcess sandbox({"--invalid-request-limit", "5", "--invalid-request-window-ms",
                                   "4000", "--bucket-limit", "1", "--bucket-window-ms", "60000"});
  const auto port = sandbox.port();
  // Shared-scope 429s are not held against the bot.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_429","count":3,"retry_after_ms":10})"), 204);
  for (int i = 0; i < 3; ++i) {
    Reply shared = api(port, "GET", "/channels/100");
    ASSERT_EQ(shared.status, 429);
    EXPECT_EQ(shared.header("X-RateLimit-Scope"), "shared");
    EXPECT_EQ(shared.json().at("message").as_string(), "The resource is being rate limited.");
  }
  EXPECT_EQ(sandbox_test::stats(port).at("invalid_requests").as_int64(), 0);
  // 401, 403 and 429 are.
  Call anonymous{"GET", "/channels/100", "", {}, false};
  EXPECT_EQ(api(port, anonymous).status, 401);
  EXPECT_EQ(api(port, anonymous).status, 401);
  EXPECT_EQ(api(port, "DELETE", "/guilds/1/members/2").status, 403);  // the owner
  EXPECT_EQ(api(port, "GET", "/channels/100").status, 200);
  EXPECT_EQ(api(port, "GET", "/channels/100").status, 429);         // bucket of 1
  EXPECT_EQ(api(port, "GET", "/guilds/1/members/99").status, 404);  // 404s are not invalid
  EXPECT_EQ(sandbox_test::stats(port).at("invalid_requests").as_int64(), 4);
  EXPECT_EQ(api(port, "GET", "/channels/100").status, 429);  // the fifth
  // Banned: even a good request on a fresh bucket gets Cloudflare's 429, which carries no
  // X-RateLimit-* header and no JSON.
  Reply banned = api(port, "GET", "/guilds/1/roles");
  EXPECT_EQ(banned.status, 429);
  EXPECT_TRUE(banned.header("X-RateLimit-Bucket").empty());
  EXPECT_TRUE(banned.header("X-RateLimit-Scope").empty());
  EXPECT_TRUE(banned.header("X-RateLimit-Limit").empty());
  EXPECT_NE(banned.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(banned.body.find("1015"), std::string::npos);
  ASSERT_FALSE(banned.header("Retry-After").empty());
  const int ban_left = std::stoi(banned.header("Retry-After"));
  EXPECT_GE(ban_left, 1);
  EXPECT_LE(ban_left, 4);
  auto stats = sandbox_test::stats(port);
  EXPECT_EQ(stats.at("invalid_requests").as_int64(), 5);
  EXPECT_EQ(stats.at("rest_429_cloudflare").as_int64(), 1);
  std::this_thread::sleep_for(std::chrono::seconds(ban_left) + 100ms);
  EXPECT_EQ(api(port, "GET", "/guilds/1/roles").status, 200);
  stats = sandbox_test::stats(port);
  EXPECT_EQ(stats.at("invalid_requests").as_int64(), 0);
  EXPECT_EQ(stats.at("invalid_requests_total").as_int64(), 5);
}

}  // namespace
}  // namespace mikami
