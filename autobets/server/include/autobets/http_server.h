// `autobets serve`: the HTTP/1.1 API (docs/http-api.md) over the service layer, with
// keep-alive, bearer-token API keys, and limits that keep one client from holding the
// server: request size, a deadline for each request once it starts, an idle deadline
// between requests, and a maximum number of connections.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "autobets/api_keys.h"
#include "autobets/service.h"
#include "core/status.h"

namespace autobets {

struct ServerOptions {
  std::string listen = "127.0.0.1:8088";  // host:port; port 0 picks a free one
  std::size_t threads = 2;                // I/O threads
  std::size_t max_connections = 1024;     // more are answered 503 and closed
  std::size_t max_body_bytes = 16 * 1024;
  std::size_t max_header_bytes = 8 * 1024;
  // From the first byte of a request to its last (a slow client cannot hold a connection).
  std::chrono::milliseconds request_timeout{10'000};
  // Between requests on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{60'000};
};

class HttpServer {
 public:
  // Binds and starts serving on `options.threads` threads. `service` and `keys` must
  // outlive the server. Fails (kInvalidArgument) for a malformed listen address, (kIo) when
  // the address cannot be bound.
  static core::Result<std::unique_ptr<HttpServer>> start(Service& service, KeyStore& keys,
                                                         ServerOptions options);
  // Drains (see drain) if still running.
  ~HttpServer();

  // The port it listens on (useful with port 0).
  std::uint16_t port() const;
  // Stops accepting, answers the requests already read (with `Connection: close`), closes
  // idle connections, and returns when every connection is closed. Requests handed to the
  // engine complete before it returns.
  void drain();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace autobets
