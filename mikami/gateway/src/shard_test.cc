#include "mikami/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mikami {
namespace {

using namespace std::chrono_literals;

InboundPayload hello(std::chrono::milliseconds interval) {
  InboundPayload p;
  p.op = GatewayOp::kHello;
  p.heartbeat_interval = interval;
  return p;
}
InboundPayload op(GatewayOp code, bool resumable = false) {
  InboundPayload p;
  p.op = code;
  p.resumable = resumable;
  return p;
}
InboundPayload dispatch(std::string name, std::int64_t seq) {
  InboundPayload p;
  p.op = GatewayOp::kDispatch;
  p.event_name = std::move(name);
  p.sequence = seq;
  p.data = boost::json::object{{"n", seq}};
  return p;
}
InboundPayload ready(std::int64_t seq, std::string session = "sess-1",
                     std::string url = "wss://resume.test") {
  InboundPayload p = dispatch("READY", seq);
  p.session_id = std::move(session);
  p.resume_gateway_url = std::move(url);
  return p;
}

class ShardTest : public ::testing::Test {
 protected:
  ShardConfig config() {
    ShardConfig c;
    c.shard_id = 1;
    c.shard_count = 2;
    c.intents = 513;
    c.gateway_url = "wss://gateway.test";
    c.random = [this] { return random_; };
    return c;
  }
  void SetUp() override { shard_ = std::make_unique<Shard>(clock_, config()); }

  // Drains the actions, remembering the dispatches delivered.
  std::vector<ShardAction> actions() {
    auto taken = shard_->take_actions();
    for (const auto& a : taken) {
      if (auto* d = std::get_if<DispatchAction>(&a)) delivered_.push_back(d->sequence);
    }
    return taken;
  }
  template <class T>
  std::vector<T> only() {
    std::vector<T> out;
    for (auto& a : actions()) {
      if (auto* t = std::get_if<T>(&a)) out.push_back(*t);
    }
    return out;
  }
  void advance(core::Clock::Duration step) {
    clock_.advance(step);
    shard_->poll();
  }
  // start -> open -> HELLO -> IDENTIFY -> READY(seq 1).
  void become_active(std::chrono::milliseconds interval = 40'000ms) {
    shard_->start();
    ASSERT_EQ(only<ConnectAction>().size(), 1u);
    shard_->on_open();
    shard_->on_payload(hello(interval));
    shard_->on_payload(ready(1));
    actions();
    ASSERT_EQ(shard_->state(), ShardState::kActive);
  }

  core::FakeClock clock_;
  double random_ = 0.5;
  std::unique_ptr<Shard> shard_;
  std::vector<std::int64_t> delivered_;
};

TEST_F(ShardTest, StartConnectsAndIdentifiesAfterHello) {
  EXPECT_EQ(shard_->state(), ShardState::kDisconnected);
  shard_->start();
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0].url, "wss://gateway.test");
  EXPECT_FALSE(connects[0].resume);
  EXPECT_EQ(shard_->state(), ShardState::kConnecting);
  shard_->on_open();
  shard_->on_payload(hello(41'250ms));
  auto sends = only<SendAction>();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].kind, OutboundKind::kIdentify);
  EXPECT_EQ(sends[0].shard_id, 1);
  EXPECT_EQ(sends[0].shard_count, 2);
  EXPECT_EQ(sends[0].intents, 513u);
  EXPECT_EQ(shard_->state(), ShardState::kIdentifying);
  shard_->on_payload(ready(1, "abc", "wss://r.test"));
  EXPECT_EQ(shard_->state(), ShardState::kActive);
  EXPECT_EQ(shard_->session().session_id, "abc");
  EXPECT_EQ(shard_->session().resume_gateway_url, "wss://r.test");
  EXPECT_EQ(shard_->session().sequence, 1);
}

TEST_F(ShardTest, FirstHeartbeatAfterIntervalTimesJitterThenEveryInterval) {
  random_ = 0.25;
  become_active(40'000ms);
  EXPECT_EQ(*shard_->next_wakeup() - clock_.now(), 10'000ms);
  advance(9'999ms);
  EXPECT_TRUE(only<SendAction>().empty());
  advance(1ms);
  auto beats = only<SendAction>();
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0].kind, OutboundKind::kHeartbeat);
  EXPECT_EQ(beats[0].sequence, 1);
  advance(30ms);
  shard_->on_payload(op(GatewayOp::kHeartbeatAck));
  EXPECT_EQ(shard_->latency(), 30ms);
  EXPECT_EQ(shard_->counters().heartbeat_latency_us, 30'000);
  advance(40'000ms - 30ms - 1ms);
  EXPECT_TRUE(only<SendAction>().empty());
  advance(1ms);
  EXPECT_EQ(only<SendAction>().size(), 1u);
}

TEST_F(ShardTest, HeartbeatLatencyIsMeasuredOnlyFromAnOutstandingHeartbeat) {
  random_ = 0.25;
  become_active(40'000ms);
  EXPECT_EQ(shard_->latency(), std::nullopt);
  EXPECT_EQ(shard_->counters().heartbeat_latency_us, -1);
  shard_->on_payload(op(GatewayOp::kHeartbeatAck));  // answers nothing: no figure
  EXPECT_EQ(shard_->latency(), std::nullopt);
  advance(10'000ms);
  ASSERT_EQ(only<SendAction>().size(), 1u);
  advance(120ms);
  shard_->on_payload(op(GatewayOp::kHeartbeatAck));
  EXPECT_EQ(shard_->latency(), 120ms);
  advance(5ms);
  shard_->on_payload(op(GatewayOp::kHeartbeatAck));  // a second ACK: still the first figure
  EXPECT_EQ(shard_->latency(), 120ms);
  EXPECT_EQ(shard_->counters().heartbeat_latency_us, 120'000);
}

TEST_F(ShardTest, HeartbeatRequestIsAnsweredAtOnce) {
  become_active();
  shard_->on_payload(op(GatewayOp::kHeartbeat));
  auto beats = only<SendAction>();
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0].kind, OutboundKind::kHeartbeat);
}

TEST_F(ShardTest, MissingAckMeansZombieThenResume) {
  random_ = 0.0;
  become_active(1'000ms);
  EXPECT_EQ(shard_->counters().heartbeats, 1u);  // jitter 0: sent right after HELLO
  advance(1'000ms);                              // no ACK came
  auto closes = only<CloseAction>();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].code, kCloseCodeReconnect);  // keeps the session resumable
  EXPECT_EQ(shard_->counters().zombies, 1u);
  shard_->on_closed(std::nullopt);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);  // first reconnect is immediate
  EXPECT_EQ(connects[0].url, "wss://resume.test");
  EXPECT_TRUE(connects[0].resume);
  shard_->on_open();
  shard_->on_payload(hello(1'000ms));
  auto sends = only<SendAction>();
  ASSERT_GE(sends.size(), 1u);  // RESUME (and the jitter-0 heartbeat)
  EXPECT_EQ(sends[0].kind, OutboundKind::kResume);
  EXPECT_EQ(sends[0].session_id, "sess-1");
  EXPECT_EQ(sends[0].sequence, 1);
  EXPECT_EQ(shard_->state(), ShardState::kResuming);
}

TEST_F(ShardTest, DispatchesAreDeliveredInOrderExactlyOnce) {
  become_active();
  for (int s = 2; s <= 5; ++s) shard_->on_payload(dispatch("MESSAGE_CREATE", s));
  shard_->on_payload(dispatch("MESSAGE_CREATE", 4));  // a duplicate
  actions();
  EXPECT_EQ(delivered_, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(shard_->counters().duplicates_dropped, 1u);
  shard_->on_payload(dispatch("MESSAGE_CREATE", 8));
  EXPECT_EQ(shard_->counters().sequence_gaps, 1u);
}

TEST_F(ShardTest, DropThenResumeReplaysMissedEventsExactlyOnce) {
  become_active();
  for (int s = 2; s <= 5; ++s) shard_->on_payload(dispatch("MESSAGE_CREATE", s));
  shard_->on_closed(std::nullopt);  // connection reset
  ASSERT_EQ(only<ConnectAction>().size(), 1u);
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  auto resume = only<SendAction>();
  ASSERT_EQ(resume.size(), 1u);
  EXPECT_EQ(resume[0].sequence, 5);
  for (int s = 4; s <= 8; ++s) shard_->on_payload(dispatch("MESSAGE_CREATE", s));
  InboundPayload resumed = dispatch("RESUMED", 9);
  shard_->on_payload(resumed);
  actions();
  EXPECT_EQ(shard_->state(), ShardState::kActive);
  EXPECT_EQ(delivered_, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(ShardTest, ReconnectRequestClosesAndResumes) {
  become_active();
  shard_->on_payload(op(GatewayOp::kReconnect));
  auto closes = only<CloseAction>();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_NE(closes[0].code, 1000);
  shard_->on_payload(dispatch("MESSAGE_CREATE", 2));  // after our close: ignored
  EXPECT_EQ(shard_->session().sequence, 1);
  shard_->on_closed(4900);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_TRUE(connects[0].resume);
  EXPECT_EQ(connects[0].url, "wss://resume.test");
}

TEST_F(ShardTest, InvalidSessionResumableResumes) {
  become_active();
  shard_->on_payload(op(GatewayOp::kInvalidSession, true));
  ASSERT_EQ(only<CloseAction>().size(), 1u);
  shard_->on_closed(4900);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_TRUE(connects[0].resume);
}

TEST_F(ShardTest, InvalidSessionNotResumableWaitsThenIdentifiesOnTheMainGateway) {
  become_active();
  random_ = 0.5;
  shard_->on_payload(op(GatewayOp::kInvalidSession, false));
  ASSERT_EQ(only<CloseAction>().size(), 1u);
  EXPECT_FALSE(shard_->session().resumable());
  shard_->on_closed(4900);
  EXPECT_TRUE(only<ConnectAction>().empty());
  EXPECT_EQ(*shard_->next_wakeup() - clock_.now(), 3'000ms);  // 1 s + 4 s * 0.5
  advance(3'000ms);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_FALSE(connects[0].resume);
  EXPECT_EQ(connects[0].url, "wss://gateway.test");
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  auto sends = only<SendAction>();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].kind, OutboundKind::kIdentify);
}

TEST_F(ShardTest, FailedResumeFallsBackToIdentifyAndForgetsTheResumeUrl) {
  become_active();
  shard_->on_closed(4000);
  ASSERT_EQ(only<ConnectAction>()[0].url, "wss://resume.test");
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  ASSERT_EQ(only<SendAction>()[0].kind, OutboundKind::kResume);
  shard_->on_payload(op(GatewayOp::kInvalidSession, false));
  EXPECT_TRUE(shard_->session().resume_gateway_url.empty());
  shard_->on_closed(4900);
  advance(5'000ms);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0].url, "wss://gateway.test");
  EXPECT_FALSE(connects[0].resume);
}

// Issue 16, item 13: RESUME carries the token, so a resume URL with another scheme than
// the gateway's (ws:// for wss://) is never connected to, from READY or from a saved file.
TEST_F(ShardTest, ResumeUrlWithOtherSchemeIsRefused) {
  shard_->start();
  ASSERT_EQ(only<ConnectAction>().size(), 1u);
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  shard_->on_payload(ready(1, "sess-1", "ws://127.0.0.1:47777"));
  EXPECT_TRUE(shard_->session().resume_gateway_url.empty());
  shard_->on_closed(std::nullopt);
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_TRUE(connects[0].resume);
  EXPECT_EQ(connects[0].url, "wss://gateway.test");
  EXPECT_EQ(shard_->counters().resume_urls_refused, 1u);
}

// Issue 16, item 13: the same for a session file naming a cleartext endpoint.
TEST_F(ShardTest, ResumeUrlFromSessionFileWithOtherSchemeIsRefused) {
  GatewaySession saved;
  saved.shard_id = 1;
  saved.shard_count = 2;
  saved.session_id = "sess-9";
  saved.sequence = 42;
  saved.resume_gateway_url = "ws://127.0.0.1:47777";
  shard_->restore(saved);
  shard_->start();
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_TRUE(connects[0].resume);
  EXPECT_EQ(connects[0].url, "wss://gateway.test");
  EXPECT_EQ(shard_->counters().resume_urls_refused, 1u);
}

// Issue 10, section 0, "Close codes": a resume host that keeps failing is given up for the
// gateway URL; the session is still resumed there.
TEST_F(ShardTest, RepeatedFailuresToReachTheResumeUrlFallBackToTheGatewayUrl) {
  become_active();
  shard_->on_closed(std::nullopt);
  std::vector<std::string> urls;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto connects = only<ConnectAction>();
    for (int waited = 0; connects.empty() && waited < 200; ++waited) {
      advance(1'000ms);
      connects = only<ConnectAction>();
    }
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_TRUE(connects[0].resume);
    urls.push_back(connects[0].url);
    shard_->on_closed(std::nullopt);  // never reached
  }
  EXPECT_EQ(urls,
            (std::vector<std::string>{"wss://resume.test", "wss://resume.test", "wss://resume.test",
                                      "wss://gateway.test", "wss://gateway.test"}));
  EXPECT_EQ(shard_->counters().resume_url_fallbacks, 2u);
}

TEST_F(ShardTest, ResumableCloseCodesResume) {
  for (std::optional<std::uint16_t> code :
       {std::optional<std::uint16_t>(), std::optional<std::uint16_t>(1000),
        std::optional<std::uint16_t>(1001), std::optional<std::uint16_t>(4000),
        std::optional<std::uint16_t>(4002), std::optional<std::uint16_t>(4008)}) {
    SetUp();
    become_active();
    shard_->on_closed(code);
    auto connects = only<ConnectAction>();
    ASSERT_EQ(connects.size(), 1u) << code.value_or(0);
    EXPECT_TRUE(connects[0].resume) << code.value_or(0);
  }
}

// Issue 10, section 0, "Close codes": 4001, 4003 and 4005 end the session too.
TEST_F(ShardTest, SessionEndingCloseCodesReidentify) {
  for (std::uint16_t code : {4001, 4003, 4005, 4007, 4009}) {
    SetUp();
    become_active();
    shard_->on_closed(code);
    auto connects = only<ConnectAction>();
    ASSERT_EQ(connects.size(), 1u) << code;
    EXPECT_FALSE(connects[0].resume) << code;
    EXPECT_EQ(connects[0].url, "wss://gateway.test");
  }
}

TEST_F(ShardTest, FatalCloseCodesStopWithAClearMessage) {
  for (std::uint16_t code : {4004, 4010, 4011, 4012, 4013, 4014}) {
    SetUp();
    become_active();
    shard_->on_closed(code);
    auto fatal = only<FatalAction>();
    ASSERT_EQ(fatal.size(), 1u) << code;
    EXPECT_EQ(fatal[0].code, code);
    EXPECT_NE(fatal[0].message.find(std::to_string(code)), std::string::npos);
    EXPECT_NE(fatal[0].message.find("not reconnecting"), std::string::npos);
    EXPECT_EQ(shard_->state(), ShardState::kFatallyClosed);
    advance(3'600s);
    EXPECT_TRUE(only<ConnectAction>().empty());
    EXPECT_FALSE(shard_->next_wakeup());
  }
}

TEST_F(ShardTest, RepeatedFailuresBackOffExponentiallyWithJitterAndResetWhenActive) {
  random_ = 0.0;  // jitter factor 0.5
  shard_->start();
  only<ConnectAction>();
  std::vector<core::Clock::Duration> waits;
  for (int i = 0; i < 9; ++i) {
    const auto failed_at = clock_.now();
    shard_->on_closed(std::nullopt);  // the connection attempt failed
    while (only<ConnectAction>().empty()) {
      auto wakeup = shard_->next_wakeup();
      ASSERT_TRUE(wakeup);
      advance(*wakeup - clock_.now());
    }
    waits.push_back(clock_.now() - failed_at);
  }
  std::vector<core::Clock::Duration> expected = {0ms,     500ms,    1'000ms,  2'000ms, 4'000ms,
                                                 8'000ms, 16'000ms, 30'000ms, 30'000ms};
  EXPECT_EQ(waits, expected);
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  shard_->on_payload(ready(1));
  only<SendAction>();
  shard_->on_closed(std::nullopt);
  EXPECT_EQ(only<ConnectAction>().size(), 1u);  // success resets the backoff: immediate
}

TEST_F(ShardTest, NoHelloInTimeAbandonsTheAttempt) {
  shard_->start();
  only<ConnectAction>();
  shard_->on_open();
  advance(20'000ms);
  auto closes = only<CloseAction>();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_NE(closes[0].reason.find("HELLO"), std::string::npos);
  shard_->on_closed(std::nullopt);
  EXPECT_EQ(only<ConnectAction>().size(), 1u);
}

TEST_F(ShardTest, NoReadyInTimeAbandonsTheAttempt) {
  shard_->start();
  only<ConnectAction>();
  shard_->on_open();
  shard_->on_payload(hello(100'000ms));
  only<SendAction>();
  advance(30'000ms);
  ASSERT_EQ(only<CloseAction>().size(), 1u);
}

TEST_F(ShardTest, UserSendsStayWithinTheBudgetAndKeepRoomForHeartbeats) {
  random_ = 0.99;
  become_active(40'000ms);  // 1 IDENTIFY already counted
  for (int i = 0; i < 200; ++i) shard_->send("{\"op\":3}");
  shard_->poll();
  auto first = only<SendAction>();
  // 120 per 60 s, minus room for 60/40 + 3 = 4 heartbeats/handshakes, minus the IDENTIFY.
  EXPECT_EQ(first.size(), 120u - 4u - 1u);
  EXPECT_EQ(shard_->counters().user_sends_delayed, 1u);
  // Once the window has passed the rest go out.
  advance(60'000ms);
  std::size_t user = 0;
  for (const auto& s : only<SendAction>()) user += s.kind == OutboundKind::kUser;
  EXPECT_GT(user, 0u);
}

TEST_F(ShardTest, RestoredSessionResumesOnFirstConnect) {
  GatewaySession saved;
  saved.shard_id = 1;
  saved.shard_count = 2;
  saved.session_id = "kept";
  saved.sequence = 99;
  saved.resume_gateway_url = "wss://kept.test";
  shard_->restore(saved);
  shard_->start();
  auto connects = only<ConnectAction>();
  ASSERT_EQ(connects.size(), 1u);
  EXPECT_EQ(connects[0].url, "wss://kept.test");
  shard_->on_open();
  shard_->on_payload(hello(40'000ms));
  auto sends = only<SendAction>();
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(sends[0].kind, OutboundKind::kResume);
  EXPECT_EQ(sends[0].session_id, "kept");
  EXPECT_EQ(sends[0].sequence, 99);
}

TEST_F(ShardTest, SessionOfAnotherShardIsNotRestored) {
  GatewaySession other;
  other.shard_id = 0;
  other.shard_count = 2;
  other.session_id = "x";
  other.sequence = 1;
  shard_->restore(other);
  EXPECT_FALSE(shard_->session().resumable());
}

TEST_F(ShardTest, ShutdownKeepingTheSessionClosesResumably) {
  become_active();
  shard_->shutdown(true);
  auto closes = only<CloseAction>();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].code, kCloseCodeReconnect);
  EXPECT_TRUE(shard_->session().resumable());
  shard_->on_closed(std::nullopt);
  advance(3'600s);
  EXPECT_TRUE(only<ConnectAction>().empty());
}

TEST_F(ShardTest, ShutdownEndingTheSessionCloses1000) {
  become_active();
  shard_->shutdown(false);
  auto closes = only<CloseAction>();
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].code, 1000);
  EXPECT_FALSE(shard_->session().resumable());
}

}  // namespace
}  // namespace mikami
