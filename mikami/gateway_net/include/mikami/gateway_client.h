// The gateway transport: drives one Shard state machine over a WebSocket (Beast), with
// zlib-stream compression and JSON encoding: wss:// (TLS with the system's CA certificates,
// SNI and host name verification) or plain ws:// (the sandbox).
//
// Threading: the client runs on one I/O thread (its own, or a GatewayIoThread shared with
// other clients), which owns the Shard. Dispatches are delivered on that thread, one at a
// time, in sequence order, exactly once per session; handlers must not block, and may call
// send(), state(), counters() and session() of any client. Every other member may be
// called from any thread, except that stop() and the destructor must not be called from a
// handler (they wait for the I/O thread).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "mikami/gateway_io_thread.h"
#include "mikami/shard.h"

namespace mikami {

struct GatewayClientOptions {
  std::string token;       // sent only inside IDENTIFY and RESUME; never logged
  ShardConfig shard;       // shard.gateway_url is "ws://127.0.0.1:PORT" for the sandbox
  bool compress = true;    // zlib-stream transport compression
  GatewaySession restore;  // a saved session to resume, if resumable
  std::string ca_file;     // extra trusted CA certificates (PEM), e.g. a test's own
  // The I/O thread to run on; null: the client starts one of its own.
  std::shared_ptr<GatewayIoThread> io_thread;
  // send() refuses payloads once this many wait for the send budget or a connection.
  std::size_t max_queued_sends = 1'000;
  // The WebSocket read limit (one message, possibly of several frames) and the inflated
  // size of one zlib-stream message: past either the connection is dropped as corrupt.
  std::size_t max_message_bytes = 16u << 20;
  std::size_t max_inflated_bytes = 64u << 20;  // see mikami/zlib_stream.h
};

// Application payloads send() accepts (the client itself sends heartbeats, IDENTIFY and
// RESUME). Discord closes the connection (4002) on a payload over 4096 bytes.
// Reference: https://discord.com/developers/docs/events/gateway-events#send-events
inline constexpr std::size_t kMaxGatewayPayloadBytes = 4'096;

class GatewayClient {
 public:
  using DispatchFn = std::function<void(const DispatchAction&)>;
  using FatalFn = std::function<void(const FatalAction&)>;

  // Fails with kInvalidArgument for an unusable gateway URL (naming the bad part) or an
  // unreadable ca_file. Nothing connects before start().
  static core::Result<std::unique_ptr<GatewayClient>> create(GatewayClientOptions options,
                                                             DispatchFn on_dispatch,
                                                             FatalFn on_fatal);
  // Stops (keeping the session resumable) if stop() was not called.
  ~GatewayClient();
  GatewayClient(const GatewayClient&) = delete;
  GatewayClient& operator=(const GatewayClient&) = delete;

  // Begins connecting. Once.
  void start();
  // Closes the connection (keeping the session resumable if asked) and returns the session
  // to save. No handler runs after it returns. Idempotent; the first call (or
  // request_stop) decides keep_session.
  GatewaySession stop(bool keep_session);
  // Begins stop(keep_session) without waiting, so several clients can close in parallel.
  void request_stop(bool keep_session);

  // Queues an outgoing gateway command: `op` is kPresenceUpdate, kVoiceStateUpdate or
  // kRequestGuildMembers (or 31, request soundboard sounds) and `data_json` its "d" object.
  // Payloads leave in the order queued, only while the session is active (a queued payload
  // waits across reconnects), and within the 120-per-60-s send budget, which always keeps
  // room for heartbeats, IDENTIFY and RESUME. A payload already written to a connection
  // that then drops is not sent again (at most once). Thread safe. Returns once queued;
  // fails with kInvalidArgument (another opcode, "d" not JSON, payload over
  // kMaxGatewayPayloadBytes), kUnavailable when max_queued_sends payloads wait already, or
  // kFailedPrecondition after stop() or a fatal close.
  core::Status send(GatewayOp op, std::string_view data_json);

  // Snapshots taken on the I/O thread.
  ShardState state();
  ShardCounters counters();
  GatewaySession session();

 private:
  struct Impl;
  GatewayClient(std::shared_ptr<GatewayIoThread> io_thread, std::shared_ptr<Impl> impl);
  // Declared first, destroyed last: the I/O thread outlives every handler of impl_.
  std::shared_ptr<GatewayIoThread> io_thread_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mikami
