// Plain HTTP on 127.0.0.1, for what is not Discord's API: the console's calls to the
// sandbox's control routes (a blocking client on one keep-alive connection), and the
// metrics endpoint (a small server answering GET /metrics).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"

namespace mikami::app {

struct HttpReply {
  int status = 0;
  std::string body;
};

// Not thread safe: one caller at a time.
class LocalHttpClient {
 public:
  LocalHttpClient(std::string host, std::uint16_t port);
  ~LocalHttpClient();
  // `method` is "GET" or "POST"; reconnects once when the kept-alive connection was
  // closed. kUnavailable when the server cannot be reached.
  core::Result<HttpReply> request(const std::string& method, const std::string& target,
                                  const std::string& body = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves GET /metrics with `render()` (Prometheus text) on its own thread until destroyed.
class MetricsServer {
 public:
  // `listen`: "host:port" (port 0 picks one). kUnavailable when it cannot bind.
  static core::Result<std::unique_ptr<MetricsServer>> start(const std::string& listen,
                                                            std::function<std::string()> render);
  ~MetricsServer();
  std::uint16_t port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami::app
