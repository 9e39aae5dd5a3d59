// The gateway transport: drives one Shard state machine over a WebSocket (Beast), with
// zlib-stream compression and JSON encoding: wss:// (TLS with the system's CA certificates,
// SNI and host name verification) or plain ws:// (the sandbox).
//
// Threading: the client owns one I/O thread, which owns the Shard. Dispatches are delivered
// on that thread, one at a time, in sequence order, exactly once per session; handlers must
// not block. stop() and the destructor join the thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "mikami/shard.h"

namespace mikami {

struct GatewayClientOptions {
  std::string token;       // sent only inside IDENTIFY and RESUME; never logged
  ShardConfig shard;       // shard.gateway_url is "ws://127.0.0.1:PORT" for the sandbox
  bool compress = true;    // zlib-stream transport compression
  GatewaySession restore;  // a saved session to resume, if resumable
  std::string ca_file;     // extra trusted CA certificates (PEM), e.g. a test's own
};

class GatewayClient {
 public:
  using DispatchFn = std::function<void(const DispatchAction&)>;
  using FatalFn = std::function<void(const FatalAction&)>;

  // Fails with kInvalidArgument for an unusable gateway URL or an unreadable ca_file.
  static core::Result<std::unique_ptr<GatewayClient>> create(GatewayClientOptions options,
                                                             DispatchFn on_dispatch,
                                                             FatalFn on_fatal);
  ~GatewayClient();
  GatewayClient(const GatewayClient&) = delete;
  GatewayClient& operator=(const GatewayClient&) = delete;

  void start();
  // Closes the connection (keeping the session resumable if asked), stops the thread, and
  // returns the session to save.
  GatewaySession stop(bool keep_session);

  // Snapshots taken on the I/O thread.
  ShardState state();
  ShardCounters counters();
  GatewaySession session();

 private:
  struct Impl;
  explicit GatewayClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami
