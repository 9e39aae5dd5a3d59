// The failure-mode row "gateway connection drops -> resume, no event lost" at scale, on the
// pure state machine: a simulated Discord gateway keeps a per-session event log, replays on
// RESUME, and injects over a thousand disconnects of mixed kinds while more than 100,000
// events are dispatched. The handler must see each session's events exactly once, in order;
// only sessions Discord itself invalidated may lose their undelivered tail.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "mikami/shard.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;

class SimulatedGateway {
 public:
  explicit SimulatedGateway(std::uint32_t seed) : rng_(seed) {
    ShardConfig config;
    config.gateway_url = "wss://gateway.sim";
    config.random = [this] { return std::uniform_real_distribution<double>(0, 1)(rng_); };
    shard_ = std::make_unique<Shard>(clock_, config);
  }

  struct Log {
    std::int64_t size = 0;  // events 1..size exist
    bool valid = true;
  };

  Shard& shard() { return *shard_; }
  core::FakeClock& clock() { return clock_; }

  void run(int events, int fault_every) {
    shard_->start();
    pump();
    std::uniform_int_distribution<int> fault_kind(0, 8);
    int next_fault_at = fault_every;
    while (generated_ < events) {
      clock_.advance(10ms);
      shard_->poll();
      pump();
      generate_event();
      // While a zombie connection waits to be detected, no other fault interferes.
      if (generated_ >= next_fault_at && !zombie_) {
        inject(fault_kind(rng_));
        next_fault_at = generated_ + fault_every;
      }
    }
    // Settle: no more faults, let the shard catch up.
    for (int i = 0; i < 20'000 && !caught_up(); ++i) {
      clock_.advance(10ms);
      shard_->poll();
      pump();
    }
  }

  bool caught_up() const {
    if (current_.empty() || !connected_ || !handshaken_) return false;
    auto it = delivered_.find(current_);
    return it != delivered_.end() && !it->second.empty() &&
           it->second.back() == logs_.at(current_).size;
  }

  void inject(int kind) {
    ++faults_;
    switch (kind) {
      case 0:  // abrupt reset
        drop(std::nullopt);
        break;
      case 1:  // clean resumable close by the server
        drop(std::uint16_t{4000});
        break;
      case 2:
        drop(std::uint16_t{1001});
        break;
      case 3:  // op 7
        if (connected_) deliver(op(GatewayOp::kReconnect));
        break;
      case 4:  // op 9 d=true
        if (connected_ && handshaken_) deliver(op(GatewayOp::kInvalidSession, true));
        break;
      case 5:  // op 9 d=false: the session is gone
        if (!current_.empty()) logs_[current_].valid = false;
        if (connected_) deliver(op(GatewayOp::kInvalidSession, false));
        break;
      case 6:  // session timed out
        if (!current_.empty()) logs_[current_].valid = false;
        drop(std::uint16_t{4009});
        break;
      case 7:  // the server stops acknowledging heartbeats (zombie connection)
        zombie_ = true;
        break;
      case 8:  // the session silently expires and the connection resets: RESUME will fail
        if (!current_.empty()) logs_[current_].valid = false;
        drop(std::nullopt);
        break;
    }
    pump();
  }

  void drop(std::optional<std::uint16_t> code) {
    if (!connected_) return;
    connected_ = false;
    handshaken_ = false;
    shard_->on_closed(code);
    pump();
  }

  // Events happen in the session whether or not the bot is connected.
  void generate_event() {
    if (current_.empty() || !logs_[current_].valid) return;
    Log& log = logs_[current_];
    ++log.size;
    ++generated_;
    if (connected_ && handshaken_ && !zombie_) deliver(event("MESSAGE_CREATE", log.size));
  }

  void pump() {
    for (int guard = 0; guard < 1'000'000; ++guard) {
      auto actions = shard_->take_actions();
      if (actions.empty()) return;
      for (auto& action : actions) handle(action);
    }
    FAIL() << "action loop did not settle";
  }

  void handle(ShardAction& action) {
    if (auto* connect = std::get_if<ConnectAction>(&action)) {
      ++connects_;
      EXPECT_EQ(connect->url, connect->resume ? "wss://resume.sim" : "wss://gateway.sim");
      connected_ = true;
      handshaken_ = false;
      zombie_ = false;
      shard_->on_open();
      InboundPayload hello;
      hello.op = GatewayOp::kHello;
      // Short, so zombie connections are detected within a few simulated steps.
      hello.heartbeat_interval = 300ms;
      shard_->on_payload(hello);
    } else if (auto* send = std::get_if<SendAction>(&action)) {
      if (!connected_) return;
      switch (send->kind) {
        case OutboundKind::kIdentify: {
          current_ = "session-" + std::to_string(++sessions_);
          logs_[current_] = Log{};
          handshaken_ = true;
          Log& log = logs_[current_];
          ++log.size;
          InboundPayload ready = event("READY", log.size);
          ready.session_id = current_;
          ready.resume_gateway_url = "wss://resume.sim";
          deliver(ready);
          break;
        }
        case OutboundKind::kResume: {
          auto it = logs_.find(send->session_id);
          if (it == logs_.end() || !it->second.valid || !send->sequence) {
            deliver(op(GatewayOp::kInvalidSession, false));
            break;
          }
          current_ = send->session_id;
          handshaken_ = true;
          for (std::int64_t s = *send->sequence + 1; s <= it->second.size; ++s) {
            deliver(event("MESSAGE_CREATE", s));
          }
          ++it->second.size;
          deliver(event("RESUMED", it->second.size));
          break;
        }
        case OutboundKind::kHeartbeat:
          if (!zombie_) deliver(op(GatewayOp::kHeartbeatAck));
          break;
        case OutboundKind::kUser:
          break;
      }
    } else if (std::get_if<CloseAction>(&action)) {
      if (connected_) {
        connected_ = false;
        handshaken_ = false;
        shard_->on_closed(std::nullopt);
      }
    } else if (auto* dispatch = std::get_if<DispatchAction>(&action)) {
      delivered_[shard_->session().session_id].push_back(dispatch->sequence);
    } else if (auto* fatal = std::get_if<FatalAction>(&action)) {
      fatal_messages_.push_back(fatal->message);
    }
  }

  void deliver(InboundPayload payload) { shard_->on_payload(std::move(payload)); }

  static InboundPayload op(GatewayOp code, bool resumable = false) {
    InboundPayload p;
    p.op = code;
    p.resumable = resumable;
    return p;
  }
  static InboundPayload event(std::string name, std::int64_t seq) {
    InboundPayload p;
    p.op = GatewayOp::kDispatch;
    p.event_name = std::move(name);
    p.sequence = seq;
    return p;
  }

  core::FakeClock clock_;
  std::mt19937 rng_;
  std::unique_ptr<Shard> shard_;
  std::map<std::string, Log> logs_;
  std::map<std::string, std::vector<std::int64_t>> delivered_;
  std::vector<std::string> fatal_messages_;
  std::string current_;
  bool connected_ = false;
  bool handshaken_ = false;
  bool zombie_ = false;
  int sessions_ = 0;
  int generated_ = 0;
  int faults_ = 0;
  int connects_ = 0;
};

TEST(ShardDisconnectTest, ThousandsOfDisconnectsLoseNoEventOfAResumableSession) {
  SimulatedGateway sim(20261123);
  sim.run(110'000, 100);
  ASSERT_TRUE(sim.caught_up());
  EXPECT_GE(sim.faults_, 1'000);
  EXPECT_GE(sim.generated_, 100'000);
  std::int64_t delivered_total = 0;
  int invalidated = 0;
  for (const auto& [session, log] : sim.logs_) {
    const auto& seqs = sim.delivered_[session];
    delivered_total += static_cast<std::int64_t>(seqs.size());
    // Exactly once, in order: 1, 2, 3, ... with no gap and no repeat.
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      ASSERT_EQ(seqs[i], static_cast<std::int64_t>(i + 1)) << session << " position " << i;
    }
    if (log.valid) {
      EXPECT_EQ(static_cast<std::int64_t>(seqs.size()), log.size) << session << " lost events";
    } else {
      ++invalidated;
    }
  }
  EXPECT_EQ(sim.shard().counters().duplicates_dropped, 0u);
  EXPECT_EQ(sim.shard().counters().sequence_gaps, 0u);
  EXPECT_GT(sim.shard().counters().resumed, 500u);
  EXPECT_GT(sim.shard().counters().zombies, 0u);
  // Every invalidated session led to exactly one fresh IDENTIFY (plus the first one).
  EXPECT_EQ(sim.shard().counters().identifies, static_cast<std::uint64_t>(invalidated + 1));
  std::printf("faults %d, events %d, delivered %lld, sessions %zu, resumes %llu, zombies %llu\n",
              sim.faults_, sim.generated_, static_cast<long long>(delivered_total),
              sim.logs_.size(), static_cast<unsigned long long>(sim.shard().counters().resumed),
              static_cast<unsigned long long>(sim.shard().counters().zombies));

  // A fatal close code stops for good.
  sim.drop(std::uint16_t{4004});
  ASSERT_EQ(sim.fatal_messages_.size(), 1u);
  EXPECT_EQ(sim.shard().state(), ShardState::kFatallyClosed);
  const int connects = sim.connects_;
  for (int i = 0; i < 1000; ++i) {
    sim.clock().advance(1s);
    sim.shard().poll();
    sim.pump();
  }
  EXPECT_EQ(sim.connects_, connects);
}

}  // namespace
}  // namespace mikami
