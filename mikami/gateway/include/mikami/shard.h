// One gateway shard as an explicit state machine (twilight's model). It opens no socket and
// parses no JSON (a dispatch's parsed "d" only passes through): the owner feeds it decoded
// inbound payloads, transport events and the
// passage of time, and carries out the actions it asks for (connect, send, close, deliver a
// dispatch, report a fatal close). So every decision -- heartbeats with jitter, zombie
// detection, RESUME versus IDENTIFY after each close code, op 7 and op 9, fatal codes, the
// send budget, backoff -- is unit-tested on a fake clock.
// Reference: https://discord.com/developers/docs/events/gateway
//
// The token never enters this class: IDENTIFY and RESUME actions carry the fields the
// transport needs, and the transport adds the token when it encodes them.
//
// Threading: one owner, not thread safe. The owner calls poll() at next_wakeup() and drains
// take_actions() after every call.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "mikami/gateway_protocol.h"
#include "mikami/gateway_session.h"
#include "mikami/identify_queue.h"

namespace mikami {

enum class ShardState : std::uint8_t {
  kDisconnected,   // no connection; a reconnect may be scheduled
  kConnecting,     // connect requested; waiting for the socket and HELLO
  kIdentifying,    // IDENTIFY sent; waiting for READY
  kResuming,       // RESUME sent; waiting for RESUMED (replayed events arrive meanwhile)
  kActive,         // READY or RESUMED received
  kFatallyClosed,  // a fatal close code: no further attempts
};

std::string_view to_string(ShardState state);

struct ShardConfig {
  int shard_id = 0;
  int shard_count = 1;
  std::uint64_t intents = 0;
  std::string gateway_url = "wss://gateway.discord.gg";  // from GET /gateway/bot
  // The socket must deliver HELLO this long after connect was requested, and READY or
  // RESUMED must follow IDENTIFY or RESUME this long after, or the attempt is abandoned.
  std::chrono::milliseconds hello_timeout{20'000};
  std::chrono::milliseconds handshake_timeout{30'000};
  // Reconnect attempt n (n >= 2 in a row without reaching kActive) waits
  // min(base * 2^(n-2), max) scaled by a random factor in [0.5, 1); the first is immediate.
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_max{60'000};
  // After op 9 with d=false Discord asks for a random 1-5 s pause before IDENTIFY.
  std::chrono::milliseconds invalid_session_min_wait{1'000};
  std::chrono::milliseconds invalid_session_max_wait{5'000};
  // Resumes go to READY's resume_gateway_url; after this many attempts in a row that did
  // not reach kActive they go to gateway_url instead (the resume host may be gone).
  int resume_url_attempts = 3;
  // Discord closes connections that send more than 120 payloads per 60 s.
  int send_limit = 120;
  std::chrono::milliseconds send_window{60'000};
  // Uniform random numbers in [0, 1) for jitter; a seeded generator when empty.
  std::function<double()> random;
  // Shared by the shards of one bot to respect max_concurrency and the session start
  // limit (only IDENTIFY asks it; RESUME never waits); not owned, may be null (one shard
  // without a known session start limit: no queue needed). ShardManager sets it.
  IdentifyQueue* identify_queue = nullptr;
};

// A decoded inbound gateway payload, reduced to what the state machine reads.
//
// `data` is the dispatch's parsed "d", handed on to the model without being serialised and
// parsed again. It may live in a per-payload arena (its storage() is then a shared monotonic
// resource, freed with the last value that uses it). Hand it on by move construction
// (aggregate initialisation, std::move into a new object): Boost.JSON's move *assignment*
// between different storages copies element by element.
struct InboundPayload {
  GatewayOp op = GatewayOp::kDispatch;
  std::optional<std::int64_t> sequence;             // "s"
  std::string event_name;                           // "t", dispatches only
  std::chrono::milliseconds heartbeat_interval{0};  // HELLO
  bool resumable = false;                           // INVALID_SESSION's "d"
  std::string session_id;                           // READY
  std::string resume_gateway_url;                   // READY
  boost::json::value data;                          // "d" of a dispatch, parsed; null otherwise
};

struct ConnectAction {
  std::string url;  // base URL; the transport adds ?v=10&encoding=json&compress=zlib-stream
  bool resume = false;
};
enum class OutboundKind : std::uint8_t { kHeartbeat, kIdentify, kResume, kUser };
struct SendAction {
  OutboundKind kind = OutboundKind::kUser;
  std::optional<std::int64_t> sequence;  // heartbeat and resume
  std::string session_id;                // resume
  int shard_id = 0;                      // identify
  int shard_count = 1;                   // identify
  std::uint64_t intents = 0;             // identify
  std::string payload;                   // kUser: the complete JSON payload
};
struct CloseAction {
  std::uint16_t code = kCloseCodeReconnect;
  std::string reason;
};
struct DispatchAction {
  std::string event_name;
  std::int64_t sequence = 0;
  boost::json::value data;  // the payload's "d", moved on from InboundPayload::data
};
struct FatalAction {
  std::uint16_t code = 0;
  std::string message;
};
using ShardAction =
    std::variant<ConnectAction, SendAction, CloseAction, DispatchAction, FatalAction>;

struct ShardCounters {
  std::uint64_t connects = 0;
  std::uint64_t identifies = 0;
  std::uint64_t resumes = 0;
  std::uint64_t ready = 0;
  std::uint64_t resumed = 0;
  std::uint64_t dispatches = 0;
  std::uint64_t duplicates_dropped = 0;  // sequence at or below the last one delivered
  std::uint64_t sequence_gaps = 0;       // a jump in the sequence (events lost upstream)
  std::uint64_t heartbeats = 0;
  std::uint64_t heartbeat_acks = 0;
  std::uint64_t zombies = 0;               // connections closed because an ACK never came
  std::uint64_t reconnect_requests = 0;    // op 7
  std::uint64_t invalid_sessions = 0;      // op 9
  std::uint64_t user_sends_delayed = 0;    // held back by the send budget
  std::uint64_t resume_url_fallbacks = 0;  // resumes sent to gateway_url instead
  // Resume URLs (READY's or a saved session's) refused by check_resume_url(): resumes then
  // go to gateway_url.
  std::uint64_t resume_urls_refused = 0;
  // Not a counter but kept with them, so every layer that reports counters reports it: the
  // last HEARTBEAT -> HEARTBEAT_ACK round trip in microseconds; -1 before the first ACK.
  std::int64_t heartbeat_latency_us = -1;
};

class Shard {
 public:
  // `clock` must outlive the shard.
  Shard(core::Clock& clock, ShardConfig config);

  // Adopts a saved session so the first connection resumes. Only before start(); a
  // session of another shard is ignored.
  void restore(GatewaySession session);
  // Begins connecting (immediately). Only from kDisconnected and only once.
  void start();
  // Closes for good. With keep_session the close code keeps the session resumable (save
  // session() afterwards); otherwise 1000 ends it on Discord's side.
  void shutdown(bool keep_session);

  // Transport events. on_open: the WebSocket handshake finished. on_closed: the connection
  // is gone (close frame code, or nullopt when it was reset or never opened); every
  // ConnectAction is eventually followed by exactly one on_closed.
  void on_open();
  void on_payload(InboundPayload payload);
  void on_closed(std::optional<std::uint16_t> code);

  // Queues an application payload (presence update, request guild members...). It is sent
  // while kActive, within the send budget, in order.
  void send(std::string payload_json);

  void poll();
  std::optional<core::Clock::TimePoint> next_wakeup() const;
  std::vector<ShardAction> take_actions();

  ShardState state() const { return state_; }
  const GatewaySession& session() const { return session_; }
  const ShardCounters& counters() const { return counters_; }
  // Time from the last heartbeat sent to its ACK; nullopt before the first ACK. An ACK that
  // answers no outstanding heartbeat measures nothing.
  std::optional<core::Clock::Duration> latency() const { return latency_; }

 private:
  double random();
  void begin_close(std::string reason, bool resume_after);
  void schedule_reconnect(core::Clock::Duration minimum_wait);
  void send_heartbeat(core::Clock::TimePoint now);
  bool budget_allows(core::Clock::TimePoint now, bool reserved);
  std::size_t user_send_limit(bool reserved) const;
  void record_send(core::Clock::TimePoint now);
  void drain_user_sends(core::Clock::TimePoint now);
  void handle_dispatch(InboundPayload payload);
  void fail_fatally(std::uint16_t code);
  void identify_or_wait(core::Clock::TimePoint now);

  core::Clock& clock_;
  ShardConfig config_;
  ShardState state_ = ShardState::kDisconnected;
  GatewaySession session_;
  ShardCounters counters_;
  std::vector<ShardAction> actions_;
  bool started_ = false;
  bool stopped_ = false;
  // Set while we wait for the transport to confirm a close we asked for.
  bool closing_ = false;
  std::optional<core::Clock::TimePoint> reconnect_at_;
  std::optional<core::Clock::TimePoint> hello_deadline_;
  std::optional<core::Clock::TimePoint> handshake_deadline_;
  std::optional<core::Clock::TimePoint> identify_at_;  // IDENTIFY waits for the queue
  bool opened_ = false;
  core::Clock::Duration heartbeat_interval_{0};
  std::optional<core::Clock::TimePoint> next_heartbeat_;
  std::optional<core::Clock::TimePoint> last_heartbeat_sent_;
  bool awaiting_ack_ = false;
  std::optional<core::Clock::Duration> latency_;
  int failed_attempts_ = 0;                   // reconnects since the last kActive
  std::deque<core::Clock::TimePoint> sends_;  // within the last send_window
  std::deque<std::string> user_queue_;
  bool user_blocked_ = false;
  core::Clock::Duration invalid_session_wait_{0};  // pause before the next IDENTIFY
  std::uint64_t random_state_ = 0x9e3779b97f4a7c15ULL;
};

}  // namespace mikami
