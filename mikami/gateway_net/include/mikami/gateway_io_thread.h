// One I/O thread that several GatewayClients can share, so a process running many shards
// needs a fixed number of threads rather than one per shard (ShardManager runs a small
// pool of these). Asio stays inside gateway_net's .cc files.
#pragma once

#include <memory>

namespace mikami {

class GatewayClient;

// Starts its thread on creation. Clients keep it alive through a shared_ptr; it is
// destroyed (stopping and joining the thread) when the last owner lets go, which must not
// be on its own thread: do not destroy the last GatewayClient using it from inside one of
// its handlers.
class GatewayIoThread {
 public:
  static std::shared_ptr<GatewayIoThread> create();
  ~GatewayIoThread();
  GatewayIoThread(const GatewayIoThread&) = delete;
  GatewayIoThread& operator=(const GatewayIoThread&) = delete;

  // True on this object's thread (inside a handler of a client that uses it).
  bool on_this_thread() const;

 private:
  friend class GatewayClient;
  struct Impl;
  GatewayIoThread();
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami
