// GatewayClient::send over a real WebSocket. mikami-sandbox ignores application payloads
// (presence, voice state, member requests) and records none of them, so this test runs a
// minimal gateway of its own (plain ws://, no compression) that records every payload it
// receives with its arrival time.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mikami/gateway_client.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// One connection at a time: HELLO, READY after IDENTIFY, an ACK for every heartbeat.
class RecordingGateway {
 public:
  explicit RecordingGateway(int heartbeat_interval_ms)
      : acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        port_(acceptor_.local_endpoint().port()),
        heartbeat_interval_ms_(heartbeat_interval_ms) {
    thread_ = std::thread([this] { serve(); });
  }
  // Clients must have stopped: the server thread is back in accept(), which a last
  // connection wakes.
  ~RecordingGateway() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    net::io_context io;
    tcp::socket waker(io);
    beast::error_code ignored;
    waker.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ignored);
    thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

  struct Received {
    Clock::time_point at;
    int op = 0;
    json::value d;
  };
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  bool wait_ops(int op, std::size_t count, Clock::duration limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] {
      std::size_t n = 0;
      for (const auto& r : received_) n += r.op == op;
      return n >= count;
    });
  }
  int connections() {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  void serve() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping()) return;
      websocket::stream<tcp::socket> ws(std::move(socket));
      ws.accept(ec);
      if (ec) continue;
      {
        std::lock_guard lock(mutex_);
        ++connections_;
      }
      write(ws, json::object{{"op", 10}, {"d", {{"heartbeat_interval", heartbeat_interval_ms_}}}});
      beast::flat_buffer buffer;
      for (;;) {
        ws.read(buffer, ec);
        if (ec) break;
        json::value payload = json::parse(beast::buffers_to_string(buffer.data()));
        buffer.consume(buffer.size());
        const int op = static_cast<int>(payload.at("op").as_int64());
        {
          std::lock_guard lock(mutex_);
          received_.push_back({Clock::now(), op, payload.as_object()["d"]});
          changed_.notify_all();
        }
        if (op == 1) write(ws, json::object{{"op", 11}});
        if (op == 2) {
          write(ws,
                json::object{{"op", 0},
                             {"s", 1},
                             {"t", "READY"},
                             {"d", {{"session_id", "recorded"}, {"resume_gateway_url", url()}}}});
        }
      }
    }
  }
  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }
  static void write(websocket::stream<tcp::socket>& ws, const json::object& payload) {
    beast::error_code ignored;
    ws.text(true);
    ws.write(net::buffer(json::serialize(payload)), ignored);
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  const std::uint16_t port_;
  const int heartbeat_interval_ms_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Received> received_;  // guarded by mutex_
  int connections_ = 0;             // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
};

TEST(GatewaySendTest, PayloadsFromManyThreadsLeaveInOrderWithinTheBudgetAndHeartbeatsGoOn) {
  constexpr int kHeartbeatMs = 250;
  RecordingGateway gateway(kHeartbeatMs);
  GatewayClientOptions options;
  options.token = "token";
  options.compress = false;
  options.shard.gateway_url = gateway.url();
  // A small budget so the test takes seconds: 20 payloads per second, of which
  // 1000/250 + 3 = 7 are kept for heartbeats and the handshake.
  options.shard.send_limit = 20;
  options.shard.send_window = 1'000ms;
  auto client = GatewayClient::create(options, nullptr, nullptr);
  ASSERT_TRUE(client) << client.error().message();
  (*client)->start();

  constexpr int kThreads = 4;
  constexpr int kPerThread = 12;
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string d = R"({"since":null,"activities":[],"status":"online","afk":false,)"
                              R"("thread":)" +
                              std::to_string(t) + R"(,"n":)" + std::to_string(i) + "}";
        ASSERT_TRUE((*client)->send(GatewayOp::kPresenceUpdate, d));
      }
    });
  }
  for (auto& s : senders) s.join();
  ASSERT_TRUE(gateway.wait_ops(3, kThreads * kPerThread, 15s));
  auto counters = (*client)->counters();
  (*client)->stop(false);

  const auto received = gateway.received();
  std::map<int, int> next;  // per sending thread
  std::vector<Clock::time_point> all;
  for (const auto& r : received) {
    all.push_back(r.at);
    if (r.op != 3) continue;
    const int t = static_cast<int>(r.d.at("thread").as_int64());
    EXPECT_EQ(r.d.at("n").as_int64(), next[t]++) << "thread " << t;
  }
  // Discord counts every payload, heartbeats included: never more than the limit in a
  // window (shortened by 100 ms for delivery jitter between the client and this server).
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::size_t in_window = 0;
    for (std::size_t j = i; j < all.size() && all[j] - all[i] < 900ms; ++j) ++in_window;
    EXPECT_LE(in_window, 20u) << "payloads from #" << i;
  }
  EXPECT_GE(counters.user_sends_delayed, 1u);
  EXPECT_EQ(counters.zombies, 0u);  // heartbeats kept going while sends waited
  EXPECT_GE(counters.heartbeat_acks, 4u);
  EXPECT_EQ(gateway.connections(), 1);
}

TEST(GatewaySendTest, RefusesWhatDiscordWouldRejectAndWhatCannotBeSent) {
  GatewayClientOptions options;
  options.shard.gateway_url = "ws://127.0.0.1:9";
  options.max_queued_sends = 3;
  auto client = GatewayClient::create(options, nullptr, nullptr);
  ASSERT_TRUE(client) << client.error().message();
  for (GatewayOp op : {GatewayOp::kHeartbeat, GatewayOp::kIdentify, GatewayOp::kResume}) {
    auto sent = (*client)->send(op, "{}");
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(sent.error().message().find("opcode " + std::to_string(static_cast<int>(op))),
              std::string::npos);
  }
  auto not_json = (*client)->send(GatewayOp::kPresenceUpdate, "{status:");
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message().find("not JSON"), std::string::npos);
  auto too_big = (*client)->send(GatewayOp::kRequestGuildMembers,
                                 R"({"guild_id":")" + std::string(5'000, '1') + R"("})");
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message().find("4096"), std::string::npos);
  // Not started: payloads wait, up to max_queued_sends.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE((*client)->send(GatewayOp::kVoiceStateUpdate, R"({"guild_id":"1"})"));
  }
  auto full = (*client)->send(GatewayOp::kVoiceStateUpdate, R"({"guild_id":"1"})");
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), core::ErrorCode::kUnavailable);
  (*client)->stop(true);
  auto stopped = (*client)->send(GatewayOp::kPresenceUpdate, "{}");
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code(), core::ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace mikami
