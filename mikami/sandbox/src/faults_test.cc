// Faults from the command line (--fault-*), and the gateway's own behaviour seen from a raw
// WebSocket: payload compression, intents, heartbeats, periodic drops.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/process.h"
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

// Issue 16, item 16: a request that promises 1,000 body bytes and sends 16 cannot hold its
// connection past the request timeout.
TEST(SandboxLimitsTest, RequestWithMissingBodyBytesTimesOut) {
  testing::SandboxProcess sandbox({"--request-timeout-ms", "300"});
  namespace net = boost::asio;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), sandbox.port()});
  const std::string partial = "POST /api/v10/channels/100/messages HTTP/1.1\r\nHost: 127.0.0.1:" +
                              std::to_string(sandbox.port()) +
                              "\r\nContent-Length: 1000\r\n\r\n{\"content\":\"1234\"";
  net::write(socket, net::buffer(partial));
  const auto start = Clock::now();
  char byte;
  boost::system::error_code ec;
  socket.read_some(net::buffer(&byte, 1), ec);  // the sandbox closes it
  EXPECT_TRUE(ec);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(sandbox_test::stats(sandbox.port()).at("http_timeouts").as_int64(), 1);
}

// Issue 16, item 16: control commands take bounded values, refused with the range named.
TEST(SandboxLimitsTest, ControlCommandsOutOfBoundsAreRefused) {
  testing::SandboxProcess sandbox;
  Reply huge = api(sandbox.port(), "POST", "/_sandbox/dispatch", R"({"count":2000000})");
  EXPECT_EQ(huge.status, 400);
  EXPECT_NE(huge.body.find("count"), std::string::npos) << huge.body;
  EXPECT_NE(huge.body.find("must be an integer from 0 to 10000"), std::string::npos) << huge.body;
  Reply slow =
      api(sandbox.port(), "POST", "/_sandbox/fault", R"({"kind":"latency","ms":2000000000})");
  EXPECT_EQ(slow.status, 400);
  EXPECT_NE(slow.body.find("ms"), std::string::npos);
  EXPECT_EQ(
      api(sandbox.port(), "POST", "/_sandbox/fault", R"({"kind":"close","code":70000})").status,
      400);
  // Nothing changed: REST answers at once.
  const auto start = Clock::now();
  EXPECT_EQ(api(sandbox.port(), "GET", "/guilds/1/roles").status, 200);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(api(sandbox.port(), "POST", "/_sandbox/dispatch", R"({"count":10})").status, 204);
}

// Issue 16, item 16: a page in a browser on the machine (Origin) or a DNS-rebound name
// (another Host) cannot drive the sandbox, e.g. shut it down.
TEST(SandboxLimitsTest, RequestsFromABrowserOrAnotherHostAreRefused) {
  testing::SandboxProcess sandbox;
  const auto port = sandbox.port();
  sandbox_test::Call from_page{
      "POST", "/_sandbox/shutdown", "{}", {{"Origin", "http://example.com"}}, false};
  EXPECT_EQ(api(port, from_page).status, 403);
  sandbox_test::Call rebound{"POST",
                             "/_sandbox/shutdown",
                             "{}",
                             {{"Host", "attacker.example:" + std::to_string(port)}},
                             false};
  EXPECT_EQ(api(port, rebound).status, 403);
  sandbox_test::Call rest_rebound{"GET", "/guilds/1/roles", "", {{"Host", "attacker.example"}}};
  EXPECT_EQ(api(port, rest_rebound).status, 403);
  // Still running, and local clients that name it are served.
  sandbox_test::Call localhost{
      "GET", "/guilds/1/roles", "", {{"Host", "localhost:" + std::to_string(port)}}};
  EXPECT_EQ(api(port, localhost).status, 200);
  EXPECT_EQ(sandbox_test::stats(port).at("http_untrusted").as_int64(), 3);
}

// Issue 16, item 16: 1M events to a client that never reads took 314 MB; now the client is
// dropped once its unsent events pass the bound.
TEST(SandboxLimitsTest, GatewayClientThatNeverReadsIsDroppedNotBuffered) {
  testing::SandboxProcess sandbox({"--max-outbox-bytes", "65536"});
  RawGateway gateway(sandbox.port());
  ASSERT_TRUE(gateway.read_json(5s));  // HELLO
  gateway.send(kIdentify);
  ASSERT_TRUE(gateway.read_json(5s));  // READY
  // The socket buffers absorb some megabytes first; then the outbox fills.
  for (int i = 0; i < 10 && sandbox.stat("slow_consumer_drops") == 0; ++i) {
    ASSERT_EQ(sandbox.control("dispatch", R"({"count":10000})"), 204);
  }
  EXPECT_EQ(sandbox.stat("slow_consumer_drops"), 1);
}

// Issue 16, item 16: the token is not an argument (every user sees argv in the process
// list): --token is gone, the token comes from a file or the environment.
TEST(SandboxLimitsTest, TokenComesFromAFileNotTheCommandLine) {
  const std::string bin = std::getenv("PROJECT_BIN_DIR");
  {
    core::SpawnOptions quiet;
    quiet.out = quiet.err = core::Stdio::null();
    auto refused =
        core::Child::spawn(bin + "/mikami-sandbox", {"mikami-sandbox", "--token", "secret"}, quiet);
    ASSERT_TRUE(refused.has_value()) << refused.error().message();
    auto status = refused->wait();
    ASSERT_TRUE(status.has_value());
    EXPECT_FALSE(status->success()) << status->describe();
  }
  const std::string file = ::testing::TempDir() + "sandbox-token-" + std::to_string(::getpid());
  {
    std::ofstream out(file);
    out << "token-from-file\n";
  }
  testing::SandboxProcess sandbox({"--token-file", file});
  EXPECT_EQ(api(sandbox.port(), "GET", "/guilds/1/roles").status, 401);  // not the default
  sandbox_test::Call with_file_token{
      "GET", "/guilds/1/roles", "", {{"Authorization", "Bot token-from-file"}}, false};
  EXPECT_EQ(api(sandbox.port(), with_file_token).status, 200);
  std::remove(file.c_str());
}

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
