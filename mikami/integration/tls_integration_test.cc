// https:// and wss:// against the sandbox serving TLS with a fresh self-signed certificate:
// certificate and host name verification, the same scheduling and resume behaviour.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "mikami/gateway_client.h"
#include "mikami/rest_client.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(TlsIntegrationTest, RestOverHttpsVerifiesTheCertificate) {
  testing::SandboxProcess sandbox({}, /*tls=*/true);
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "sandbox-token";
  options.ca_file = sandbox.ca_file();
  auto client = RestClient::create(options);
  ASSERT_TRUE(client) << client.error().message();
  std::vector<std::future<RestResponse>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(
        (*client)->request(Method::kPost, "/channels/9/messages", R"({"content":"s"})"));
  }
  for (auto& reply : replies) EXPECT_EQ(reply.get().status, 200);
  EXPECT_EQ(sandbox.stat("rest_429_user"), 0);
}

TEST(TlsIntegrationTest, UntrustedCertificateFailsWithoutLeakingTheToken) {
  testing::SandboxProcess sandbox({}, /*tls=*/true);
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "secret-token-value";
  options.scheduler.max_attempts = 1;
  auto client = RestClient::create(options);
  ASSERT_TRUE(client);
  auto reply = (*client)->request(Method::kGet, "/gateway/bot", "").get();
  EXPECT_EQ(reply.status, 0);
  EXPECT_FALSE(reply.error.empty());
  EXPECT_EQ(reply.error.find("secret-token-value"), std::string::npos);
}

TEST(TlsIntegrationTest, GatewayOverWssResumesAfterADrop) {
  testing::SandboxProcess sandbox({"--heartbeat-interval-ms", "500"}, /*tls=*/true);
  std::atomic<int> messages{0};
  std::atomic<int> resumed{0};
  GatewayClientOptions options;
  options.token = "sandbox-token";
  options.shard.gateway_url = sandbox.gateway_url();
  options.ca_file = sandbox.ca_file();
  auto client = GatewayClient::create(
      options,
      [&](const DispatchAction& d) {
        if (d.event_name == "MESSAGE_CREATE") ++messages;
        if (d.event_name == "RESUMED") ++resumed;
      },
      nullptr);
  ASSERT_TRUE(client) << client.error().message();
  (*client)->start();
  auto wait_for = [](auto condition) {
    for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(10ms);
    return condition();
  };
  ASSERT_TRUE(wait_for([&] { return (*client)->state() == ShardState::kActive; }));
  ASSERT_EQ(sandbox.control("dispatch", R"({"count":10})"), 204);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"reset"})"), 204);
  ASSERT_EQ(sandbox.control("dispatch", R"({"count":10})"), 204);
  ASSERT_TRUE(wait_for([&] { return resumed.load() == 1 && messages.load() == 20; }))
      << messages.load() << " messages, " << resumed.load() << " resumes";
  (*client)->stop(false);
}

}  // namespace
}  // namespace mikami
