#include "mikami/shard.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/status.h"

namespace mikami {

using core::Clock;

std::string_view to_string(ShardState state) {
  switch (state) {
    case ShardState::kDisconnected:
      return "disconnected";
    case ShardState::kConnecting:
      return "connecting";
    case ShardState::kIdentifying:
      return "identifying";
    case ShardState::kResuming:
      return "resuming";
    case ShardState::kActive:
      return "active";
    case ShardState::kFatallyClosed:
      return "fatally closed";
  }
  return "?";
}

Shard::Shard(core::Clock& clock, ShardConfig config) : clock_(clock), config_(std::move(config)) {
  CORE_CHECK(config_.shard_count >= 1);
  CORE_CHECK(config_.shard_id >= 0 && config_.shard_id < config_.shard_count);
  CORE_CHECK(config_.send_limit > 10);
  session_.shard_id = config_.shard_id;
  session_.shard_count = config_.shard_count;
  random_state_ ^= static_cast<std::uint64_t>(clock_.wall_now().time_since_epoch().count()) +
                   static_cast<std::uint64_t>(config_.shard_id) * 0x2545f4914f6cdd1dULL;
}

double Shard::random() {
  if (config_.random) return std::clamp(config_.random(), 0.0, 0.999999);
  // splitmix64: jitter only needs to differ between processes and shards.
  std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
}

void Shard::restore(GatewaySession session) {
  CORE_CHECK(!started_);
  if (session.shard_id != config_.shard_id || session.shard_count != config_.shard_count) return;
  if (!session.resume_gateway_url.empty() &&
      !check_resume_url(session.resume_gateway_url, config_.gateway_url).empty()) {
    // A tampered or stale file must not send the token elsewhere: resume at the gateway.
    session.resume_gateway_url.clear();
    ++counters_.resume_urls_refused;
  }
  session_ = std::move(session);
}

void Shard::start() {
  CORE_CHECK(!started_ && state_ == ShardState::kDisconnected);
  started_ = true;
  reconnect_at_ = clock_.now();
  poll();
}

void Shard::shutdown(bool keep_session) {
  stopped_ = true;
  reconnect_at_.reset();
  const bool connected =
      state_ != ShardState::kDisconnected && state_ != ShardState::kFatallyClosed && !closing_;
  if (!keep_session) session_.clear();
  if (connected) {
    closing_ = true;
    actions_.push_back(
        CloseAction{keep_session ? kCloseCodeReconnect : kCloseCodeNormal, "shutting down"});
  }
  if (state_ != ShardState::kFatallyClosed) state_ = ShardState::kDisconnected;
  next_heartbeat_.reset();
  hello_deadline_.reset();
  handshake_deadline_.reset();
  identify_at_.reset();
}

void Shard::begin_close(std::string reason, bool resume_after) {
  if (!resume_after) session_.clear();
  closing_ = true;
  state_ = ShardState::kDisconnected;
  next_heartbeat_.reset();
  hello_deadline_.reset();
  handshake_deadline_.reset();
  identify_at_.reset();
  // Never 1000/1001: those would invalidate the session on Discord's side.
  actions_.push_back(CloseAction{kCloseCodeReconnect, std::move(reason)});
}

void Shard::schedule_reconnect(Clock::Duration minimum_wait) {
  ++failed_attempts_;
  Clock::Duration wait{0};
  if (failed_attempts_ >= 2) {
    const int doublings = std::min(failed_attempts_ - 2, 30);
    Clock::Duration ceiling = std::min<Clock::Duration>(
        config_.backoff_base * (std::int64_t{1} << doublings), config_.backoff_max);
    wait = std::chrono::duration_cast<Clock::Duration>(ceiling * (0.5 + 0.5 * random()));
  }
  reconnect_at_ = clock_.now() + std::max(wait, minimum_wait);
}

void Shard::fail_fatally(std::uint16_t code) {
  state_ = ShardState::kFatallyClosed;
  reconnect_at_.reset();
  actions_.push_back(FatalAction{code, "gateway closed with " + std::to_string(code) + " (" +
                                           std::string(describe_close(code)) +
                                           "); not reconnecting"});
}

void Shard::identify_or_wait(Clock::TimePoint now) {
  if (config_.identify_queue != nullptr) {
    if (auto wait = config_.identify_queue->try_acquire(config_.shard_id)) {
      identify_at_ = *wait;
      handshake_deadline_.reset();
      return;
    }
  }
  identify_at_.reset();
  handshake_deadline_ = now + config_.handshake_timeout;
  SendAction send;
  ++counters_.identifies;
  send.kind = OutboundKind::kIdentify;
  send.shard_id = config_.shard_id;
  send.shard_count = config_.shard_count;
  send.intents = config_.intents;
  actions_.push_back(std::move(send));
  record_send(now);
}

void Shard::on_open() {
  if (state_ == ShardState::kConnecting && !closing_) opened_ = true;
}

void Shard::on_closed(std::optional<std::uint16_t> code) {
  const bool we_closed = closing_;
  closing_ = false;
  opened_ = false;
  awaiting_ack_ = false;
  next_heartbeat_.reset();
  hello_deadline_.reset();
  handshake_deadline_.reset();
  identify_at_.reset();
  if (state_ == ShardState::kFatallyClosed) return;
  state_ = ShardState::kDisconnected;
  if (stopped_ || !started_) return;
  Clock::Duration minimum_wait{0};
  if (!we_closed) {
    switch (classify_close(code)) {
      case CloseDecision::kFatal:
        fail_fatally(*code);
        return;
      case CloseDecision::kReidentify:
        session_.clear();
        break;
      case CloseDecision::kResume:
        break;
    }
  } else {
    minimum_wait = std::exchange(invalid_session_wait_, Clock::Duration{0});
  }
  schedule_reconnect(minimum_wait);
  poll();
}

void Shard::send_heartbeat(Clock::TimePoint now) {
  SendAction heartbeat;
  heartbeat.kind = OutboundKind::kHeartbeat;
  heartbeat.sequence = session_.sequence;
  actions_.push_back(std::move(heartbeat));
  last_heartbeat_sent_ = now;
  awaiting_ack_ = true;
  ++counters_.heartbeats;
  record_send(now);
}

void Shard::on_payload(InboundPayload payload) {
  // Anything arriving after we decided to close is ignored; unprocessed dispatches come
  // back in the RESUME replay because the sequence did not advance past them.
  if (closing_ || state_ == ShardState::kDisconnected || state_ == ShardState::kFatallyClosed) {
    return;
  }
  const Clock::TimePoint now = clock_.now();
  switch (payload.op) {
    case GatewayOp::kHello: {
      if (state_ != ShardState::kConnecting) return;
      heartbeat_interval_ = payload.heartbeat_interval;
      CORE_CHECK(heartbeat_interval_ > Clock::Duration::zero());
      next_heartbeat_ =
          now + std::chrono::duration_cast<Clock::Duration>(heartbeat_interval_ * random());
      awaiting_ack_ = false;
      hello_deadline_.reset();
      handshake_deadline_ = now + config_.handshake_timeout;
      SendAction send;
      if (session_.resumable()) {
        state_ = ShardState::kResuming;
        ++counters_.resumes;
        send.kind = OutboundKind::kResume;
        send.session_id = session_.session_id;
        send.sequence = session_.sequence;
        actions_.push_back(std::move(send));
        record_send(now);
      } else {
        session_.clear();
        state_ = ShardState::kIdentifying;
        identify_or_wait(now);
      }
      break;
    }
    case GatewayOp::kHeartbeat:
      send_heartbeat(now);  // asked for one: answer now, keep the regular schedule
      break;
    case GatewayOp::kHeartbeatAck:
      ++counters_.heartbeat_acks;
      if (awaiting_ack_ && last_heartbeat_sent_) {
        latency_ = now - *last_heartbeat_sent_;
        counters_.heartbeat_latency_us =
            std::chrono::duration_cast<std::chrono::microseconds>(*latency_).count();
      }
      awaiting_ack_ = false;
      break;
    case GatewayOp::kReconnect:
      ++counters_.reconnect_requests;
      begin_close("reconnect requested (op 7)", true);
      break;
    case GatewayOp::kInvalidSession:
      ++counters_.invalid_sessions;
      if (payload.resumable && session_.resumable()) {
        begin_close("invalid session, resumable (op 9)", true);
      } else {
        // A failed resume or identify: forget the session and its resume URL, pause 1-5 s.
        const auto span = config_.invalid_session_max_wait - config_.invalid_session_min_wait;
        invalid_session_wait_ = std::chrono::duration_cast<Clock::Duration>(
            config_.invalid_session_min_wait + span * random());
        begin_close("invalid session (op 9)", false);
      }
      break;
    case GatewayOp::kDispatch:
      handle_dispatch(std::move(payload));
      break;
    default:
      break;  // opcodes a client never receives
  }
  poll();
}

void Shard::handle_dispatch(InboundPayload payload) {
  if (payload.sequence) {
    if (session_.sequence && *payload.sequence <= *session_.sequence) {
      ++counters_.duplicates_dropped;  // already delivered: exactly once
      return;
    }
    if (session_.sequence && *payload.sequence > *session_.sequence + 1) {
      ++counters_.sequence_gaps;
    }
    session_.sequence = payload.sequence;
  }
  // A long RESUME replay is progress, not a stalled handshake.
  if (state_ == ShardState::kResuming)
    handshake_deadline_ = clock_.now() + config_.handshake_timeout;
  if (payload.event_name == "READY") {
    session_.session_id = payload.session_id;
    session_.resume_gateway_url = payload.resume_gateway_url;
    if (!session_.resume_gateway_url.empty() &&
        !check_resume_url(session_.resume_gateway_url, config_.gateway_url).empty()) {
      session_.resume_gateway_url.clear();
      ++counters_.resume_urls_refused;
    }
    state_ = ShardState::kActive;
    ++counters_.ready;
    failed_attempts_ = 0;
    handshake_deadline_.reset();
  } else if (payload.event_name == "RESUMED") {
    state_ = ShardState::kActive;
    ++counters_.resumed;
    failed_attempts_ = 0;
    handshake_deadline_.reset();
  }
  ++counters_.dispatches;
  actions_.push_back(DispatchAction{std::move(payload.event_name), payload.sequence.value_or(0),
                                    std::move(payload.data)});
}

void Shard::send(std::string payload_json) { user_queue_.push_back(std::move(payload_json)); }

bool Shard::budget_allows(Clock::TimePoint now, bool reserved) {
  while (!sends_.empty() && sends_.front() + config_.send_window <= now) sends_.pop_front();
  return sends_.size() < user_send_limit(reserved);
}

std::size_t Shard::user_send_limit(bool reserved) const {
  if (reserved) return static_cast<std::size_t>(config_.send_limit);
  // Keep room for every heartbeat of a window plus an IDENTIFY or RESUME.
  std::int64_t headroom = 5;
  if (heartbeat_interval_ > Clock::Duration::zero()) {
    headroom = config_.send_window / heartbeat_interval_ + 3;
  }
  return static_cast<std::size_t>(std::max<std::int64_t>(1, config_.send_limit - headroom));
}

void Shard::record_send(Clock::TimePoint now) { sends_.push_back(now); }

void Shard::drain_user_sends(Clock::TimePoint now) {
  while (!user_queue_.empty()) {
    if (!budget_allows(now, false)) {
      if (!user_blocked_) ++counters_.user_sends_delayed;
      user_blocked_ = true;
      return;
    }
    SendAction send;
    send.kind = OutboundKind::kUser;
    send.payload = std::move(user_queue_.front());
    user_queue_.pop_front();
    actions_.push_back(std::move(send));
    record_send(now);
  }
  user_blocked_ = false;
}

void Shard::poll() {
  if (state_ == ShardState::kFatallyClosed) return;
  const Clock::TimePoint now = clock_.now();
  if (!stopped_ && !closing_ && state_ == ShardState::kDisconnected && reconnect_at_ &&
      now >= *reconnect_at_) {
    reconnect_at_.reset();
    state_ = ShardState::kConnecting;
    opened_ = false;
    hello_deadline_ = now + config_.hello_timeout;
    ConnectAction connect;
    connect.resume = session_.resumable();
    connect.url = config_.gateway_url;
    if (connect.resume && !session_.resume_gateway_url.empty()) {
      // failed_attempts_ counts this attempt too: the first `resume_url_attempts` go to the
      // resume URL.
      if (failed_attempts_ <= config_.resume_url_attempts) {
        connect.url = session_.resume_gateway_url;
      } else {
        ++counters_.resume_url_fallbacks;
      }
    }
    ++counters_.connects;
    actions_.push_back(std::move(connect));
    return;
  }
  if (closing_) return;
  if (hello_deadline_ && now >= *hello_deadline_) {
    begin_close("no HELLO in time", true);
    return;
  }
  if (handshake_deadline_ && now >= *handshake_deadline_) {
    begin_close(state_ == ShardState::kResuming ? "no RESUMED in time" : "no READY in time", true);
    return;
  }
  if (identify_at_ && now >= *identify_at_ && state_ == ShardState::kIdentifying) {
    identify_or_wait(now);
  }
  if (next_heartbeat_ && now >= *next_heartbeat_) {
    if (awaiting_ack_) {
      // The last heartbeat was never acknowledged: the connection is a zombie.
      ++counters_.zombies;
      begin_close("heartbeat ACK missing", true);
      return;
    }
    send_heartbeat(now);
    *next_heartbeat_ += heartbeat_interval_;
    if (*next_heartbeat_ <= now) next_heartbeat_ = now + heartbeat_interval_;
  }
  if (state_ == ShardState::kActive) drain_user_sends(now);
}

std::optional<Clock::TimePoint> Shard::next_wakeup() const {
  if (state_ == ShardState::kFatallyClosed) return std::nullopt;
  std::optional<Clock::TimePoint> earliest;
  auto consider = [&](std::optional<Clock::TimePoint> at) {
    if (at && (!earliest || *at < *earliest)) earliest = at;
  };
  if (closing_) return std::nullopt;  // waiting for the transport to report the close
  if (!stopped_ && state_ == ShardState::kDisconnected) consider(reconnect_at_);
  consider(hello_deadline_);
  consider(handshake_deadline_);
  consider(identify_at_);
  consider(next_heartbeat_);
  if (state_ == ShardState::kActive && !user_queue_.empty()) {
    const std::size_t limit = user_send_limit(false);
    if (sends_.size() >= limit) {
      consider(sends_[sends_.size() - limit] + config_.send_window);
    } else {
      consider(clock_.now());
    }
  }
  return earliest;
}

std::vector<ShardAction> Shard::take_actions() { return std::exchange(actions_, {}); }

}  // namespace mikami
