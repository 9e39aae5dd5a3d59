// The failure-mode row "REST 429 -> requeued at retry-after, never dropped, never retried at
// once", and bucket learning, against the real sandbox binary.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "mikami/rest_client.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami {
namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<RestClient> client_for(const testing::SandboxProcess& sandbox) {
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "sandbox-token";
  auto client = RestClient::create(options);
  EXPECT_TRUE(client.has_value());
  return std::move(*client);
}

TEST(RestIntegrationTest, LearnsBucketsAndNeverHitsAKnownLimit) {
  testing::SandboxProcess sandbox({"--bucket-limit", "5", "--bucket-window-ms", "400"});
  auto client = client_for(sandbox);
  const int channels = 4, per_channel = 15;
  std::vector<std::future<RestResponse>> replies;
  const auto start = Clock::now();
  for (int i = 0; i < per_channel; ++i) {
    for (int c = 0; c < channels; ++c) {
      replies.push_back(client->request(Method::kPost,
                                        "/channels/" + std::to_string(100 + c) + "/messages",
                                        R"({"content":"hello"})"));
    }
  }
  for (auto& reply : replies) EXPECT_EQ(reply.get().status, 200);
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  // 15 per channel at 5 per 0.4 s needs windows at 0, 0.4 and 0.8 s, but 60 requests at
  // 50 per second means the 51st cannot leave before 1 s.
  const double minimum_s = 1.0;
  EXPECT_GE(elapsed_s, minimum_s * 0.95);
  EXPECT_LE(elapsed_s, minimum_s + 1.0);
  EXPECT_EQ(sandbox.stat("rest_429_user"), 0);
  EXPECT_EQ(sandbox.stat("rest_429_global"), 0);
  EXPECT_EQ(sandbox.stat("messages_created"), channels * per_channel);
  std::printf("rest: %d messages over %d channels in %.3f s (minimum %.3f s), %llu 429s\n",
              channels * per_channel, channels, elapsed_s, minimum_s,
              static_cast<unsigned long long>(client->counters().rate_limited));
}

TEST(RestIntegrationTest, TooManyRequestsStormIsRequeuedAtRetryAfterAndNothingIsDropped) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_429","count":3,"retry_after_ms":250})"), 204);
  const auto start = Clock::now();
  auto reply = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})");
  EXPECT_EQ(reply.get().status, 200);
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(elapsed_s, 0.75 * 0.98);  // three waits of 250 ms, none skipped
  auto counters = client->counters();
  EXPECT_EQ(counters.rate_limited_shared, 3u);
  EXPECT_EQ(counters.requeued, 3u);
  EXPECT_EQ(counters.delivered, 1u);
  EXPECT_EQ(sandbox.stat("rest_429_shared"), 3);
}

TEST(RestIntegrationTest, ServerErrorsAreRetried) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_5xx","count":2})"), 204);
  auto reply = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})");
  EXPECT_EQ(reply.get().status, 200);
  EXPECT_EQ(client->counters().server_error_retries, 2u);
}

TEST(RestIntegrationTest, WrongTokenIsA401AndTheTokenIsNotEchoed) {
  testing::SandboxProcess sandbox;
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "wrong-secret";
  auto client = RestClient::create(options);
  ASSERT_TRUE(client);
  auto reply = (*client)->request(Method::kPost, "/channels/7/messages", "{}").get();
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.body.find("wrong-secret"), std::string::npos);
  EXPECT_EQ((*client)->counters().invalid_requests, 1u);
}

TEST(RestIntegrationTest, UnsupportedSchemesAreRefusedClearly) {
  RestOptions options;
  options.base_url = "ftp://discord.com/api/v10";
  auto client = RestClient::create(options);
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message().find("https://"), std::string::npos);
}

// Issue 10, section 0: a 401 to the bot's Authorization means the token is bad: that
// request and every later one fail with a clear error, and nothing more reaches Discord.
TEST(RestIntegrationTest, UnauthorizedBotTokenStopsFurtherRequestsWithAClearError) {
  testing::SandboxProcess sandbox;
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "revoked-token";
  auto client = RestClient::create(options);
  ASSERT_TRUE(client);
  RestResponse first = (*client)->request(Method::kGet, "/guilds/1/roles", "").get();
  EXPECT_EQ(first.status, 401);
  EXPECT_EQ(first.failure, RestFailure::kUnauthorized);
  EXPECT_NE(first.error.find("refused the bot token"), std::string::npos) << first.error;
  EXPECT_EQ(first.error.find("revoked-token"), std::string::npos);
  EXPECT_TRUE((*client)->token_refused());
  for (int i = 0; i < 3; ++i) {
    RestResponse later = (*client)->request(Method::kGet, "/guilds/1/channels", "").get();
    EXPECT_EQ(later.failure, RestFailure::kUnauthorized);
    EXPECT_EQ(later.status, 0);
  }
  EXPECT_EQ(sandbox.stat("rest_401"), 1);
  EXPECT_EQ(sandbox.stat("rest_requests"), 1);
}

// Issue 10, section 0: a 401 on a request that does not carry the bot's Authorization (an
// interaction webhook with an expired token, 50027) fails that request only.
TEST(RestIntegrationTest, UnauthorizedWithoutTheBotTokenFailsThatRequestOnly) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  RestRequestOptions no_bot_token;
  no_bot_token.authorize = false;
  std::promise<RestResponse> promise;
  (*client).request(Method::kGet, "/guilds/1/roles", "", no_bot_token,
                    [&](RestResponse response) { promise.set_value(std::move(response)); });
  RestResponse refused = promise.get_future().get();
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.failure, RestFailure::kNone);
  EXPECT_FALSE(client->token_refused());
  EXPECT_EQ(client->request(Method::kGet, "/guilds/1/roles", "").get().status, 200);
}

// Issue 10, section 0, "Cloudflare bans", against the sandbox's real ban shape (429, HTML,
// no X-RateLimit-* header): every route waits out the ban, not just the one that hit it.
TEST(RestIntegrationTest, CloudflareBanPausesAllRestTraffic) {
  testing::SandboxProcess sandbox(
      {"--invalid-request-limit", "3", "--invalid-request-window-ms", "2000"});
  auto client = client_for(sandbox);
  RestRequestOptions no_bot_token;
  no_bot_token.authorize = false;
  for (int i = 0; i < 3; ++i) {  // three 401s: the sandbox bans from now on
    std::promise<RestResponse> promise;
    client->request(Method::kGet, "/guilds/1/roles", "", no_bot_token,
                    [&](RestResponse response) { promise.set_value(std::move(response)); });
    ASSERT_EQ(promise.get_future().get().status, 401);
  }
  const auto start = Clock::now();
  auto banned = client->request(Method::kGet, "/channels/100", "");
  // Let the first request meet the ban, then ask on other routes.
  for (int i = 0; i < 200 && sandbox.stat("rest_429_cloudflare") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(sandbox.stat("rest_429_cloudflare"), 1);
  auto other = client->request(Method::kGet, "/guilds/1/channels", "");
  auto message = client->request(Method::kPost, "/channels/101/messages", R"({"content":"x"})");
  EXPECT_EQ(banned.get().status, 200);
  EXPECT_EQ(other.get().status, 200);
  EXPECT_EQ(message.get().status, 200);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(900));
  // Only the request that met the ban got its answer: the others waited.
  EXPECT_EQ(sandbox.stat("rest_429_cloudflare"), 1);
  EXPECT_EQ(client->counters().rate_limited_cloudflare, 1u);
}

}  // namespace
}  // namespace mikami
