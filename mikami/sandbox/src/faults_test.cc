// Faults from the command line (--fault-*), and the gateway's own behaviour seen from a raw
// WebSocket: payload compression, intents, heartbeats, periodic drops.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "mikami/testing/sandbox_process.h"
#include "sandbox_test_client.h"

namespace mikami {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using sandbox_test::api;
using sandbox_test::RawGateway;
using sandbox_test::Reply;
using Clock = std::chrono::steady_clock;

constexpr const char* kIdentify =
    R"({"op":2,"d":{"token":"sandbox-token","intents":513,"properties":{}}})";

TEST(SandboxFaultFlagsTest, RestStormsAndServerErrorsFromStartUp) {
  testing::SandboxProcess sandbox({"--fault-rest-429", "2", "--fault-rest-429-retry-after-ms",
                                   "1500", "--fault-rest-5xx", "1"});
  const auto port = sandbox.port();
  EXPECT_EQ(api(port, "GET", "/channels/100").status, 502);
  for (int i = 0; i < 2; ++i) {
    Reply storm = api(port, "GET", "/channels/100");
    ASSERT_EQ(storm.status, 429);
    EXPECT_EQ(storm.header("X-RateLimit-Scope"), "shared");
    EXPECT_EQ(storm.header("Retry-After"), "2");
    EXPECT_DOUBLE_EQ(storm.json().at("retry_after").as_double(), 1.5);
  }
  EXPECT_EQ(api(port, "GET", "/channels/100").status, 200);
  const auto stats = sandbox_test::stats(port);
  EXPECT_EQ(stats.at("rest_5xx").as_int64(), 1);
  EXPECT_EQ(stats.at("rest_429_shared").as_int64(), 2);
}

TEST(SandboxFaultFlagsTest, LatencyFromStartUpDelaysEveryRestAnswerButNotTheControlApi) {
  testing::SandboxProcess sandbox({"--fault-latency-ms", "300"});
  auto start = Clock::now();
  EXPECT_EQ(api(sandbox.port(), "GET", "/guilds/1/roles").status, 200);
  EXPECT_GE(Clock::now() - start, 290ms);
  start = Clock::now();
  sandbox_test::stats(sandbox.port());
  EXPECT_LT(Clock::now() - start, 250ms);
  // The control API turns it off again.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"clear"})"), 204);
  start = Clock::now();
  EXPECT_EQ(api(sandbox.port(), "GET", "/guilds/1/roles").status, 200);
  EXPECT_LT(Clock::now() - start, 250ms);
}

TEST(SandboxFaultFlagsTest, NoAcksMeansHeartbeatsAreNeverAcknowledged) {
  testing::SandboxProcess sandbox({"--fault-no-acks"});
  RawGateway gateway(sandbox.port());
  ASSERT_TRUE(gateway.read_json(5s));  // HELLO
  gateway.send(R"({"op":1,"d":null})");
  EXPECT_FALSE(gateway.read_json(400ms));
  EXPECT_EQ(sandbox.stat("heartbeats"), 1);
  // Cleared through the control API, they are acknowledged again.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"clear"})"), 204);
  RawGateway other(sandbox.port());
  ASSERT_TRUE(other.read_json(5s));
  other.send(R"({"op":1,"d":null})");
  auto ack = other.read_json(5s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->at("op").as_int64(), 11);
}

TEST(SandboxFaultFlagsTest, PeriodicDropsEndEveryConnection) {
  testing::SandboxProcess sandbox({"--fault-drop-every-ms", "300", "--fault-drop-code", "4000"});
  RawGateway gateway(sandbox.port());
  ASSERT_TRUE(gateway.read_json(5s));
  const auto start = Clock::now();
  while (gateway.read_json(2s)) {
  }
  EXPECT_TRUE(gateway.closed());
  EXPECT_EQ(gateway.close_code(), 4000);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_GE(sandbox.stat("gateway_drops"), 1);
  // Without a close code the connection just ends (like a network failure).
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"periodic_drop","every_ms":200,"code":0})"), 204);
  RawGateway second(sandbox.port());
  ASSERT_TRUE(second.read_json(5s));
  while (second.read_json(2s)) {
  }
  EXPECT_TRUE(second.closed());
  EXPECT_NE(second.close_code(), 4000);
}

TEST(SandboxGatewayTest, IdentifyCompressSendsLargePayloadsAsOneZlibStreamEach) {
  testing::SandboxProcess sandbox;
  RawGateway gateway(sandbox.port());
  auto hello = gateway.read(5s);
  ASSERT_TRUE(hello);
  EXPECT_FALSE(hello->binary);
  gateway.send(
      R"({"op":2,"d":{"token":"sandbox-token","intents":513,"properties":{},"compress":true}})");
  auto ready = gateway.read(5s);  // small: a text frame
  ASSERT_TRUE(ready);
  EXPECT_FALSE(ready->binary);
  EXPECT_EQ(json::parse(ready->data).at("t").as_string(), "READY");
  auto guild = gateway.read(5s);  // large: compressed on its own
  ASSERT_TRUE(guild);
  ASSERT_TRUE(guild->binary);
  const auto text = sandbox_test::inflate_zlib(guild->data);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(json::parse(text).at("t").as_string(), "GUILD_CREATE");
  EXPECT_EQ(sandbox.stat("identify_compress"), 1);
  EXPECT_EQ(sandbox.stat("payloads_compressed"), 1);
}

TEST(SandboxGatewayTest, IdentifyWithoutValidIntentsIsClosedWith4013) {
  testing::SandboxProcess sandbox;
  RawGateway gateway(sandbox.port());
  ASSERT_TRUE(gateway.read_json(5s));
  gateway.send(R"({"op":2,"d":{"token":"sandbox-token","properties":{}}})");
  EXPECT_FALSE(gateway.read_json(5s));
  EXPECT_EQ(gateway.close_code(), 4013);
  EXPECT_EQ(sandbox.stat("identifies"), 0);
  RawGateway good(sandbox.port());
  ASSERT_TRUE(good.read_json(5s));
  good.send(kIdentify);
  auto ready = good.read_json(5s);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->at("t").as_string(), "READY");
}

}  // namespace
}  // namespace mikami
