// The routes of the HTTP API (docs/http-api.md): from one parsed request to one response,
// through the service. No sockets here; the server hands requests in and writes responses.
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "autobets/api_keys.h"
#include "autobets/service.h"
#include "metrics.h"

namespace autobets::http_api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Called exactly once per request, on any thread.
using Respond = std::function<void(Response)>;
// Runs a task on the thread that serves the request's connection. The engine answers on its
// commit thread, which must not spend the time to encode a receipt (every other request
// waits for that thread's next commit), so replies are encoded in a task given to Post.
using Post = std::function<void(std::function<void()>)>;

// An error response {code, message, retryable}.
Response error_response(http::status status, std::string_view code, const std::string& message,
                        bool retryable = false);

class Api {
 public:
  Api(Service& service, KeyStore& keys, Metrics& metrics)
      : service_(service), keys_(keys), metrics_(metrics) {}

  // Thread safe. The reply of a request the engine runs is encoded and given to `respond` in
  // a task handed to `post`; the other answers are given to `respond` before handle returns.
  void handle(const Request& request, Respond respond, Post post);
  // The same with the task run on the engine's thread.
  void handle(const Request& request, Respond respond);
  // While draining, /healthz answers 503 so a load balancer stops sending.
  void set_draining() { draining_ = true; }

 private:
  struct Authenticated;
  std::optional<Caller> authenticate(const Request& request, Response* refusal);
  void handle_v1(const Request& request, const Caller& caller, Respond& respond, Post& post);

  Service& service_;
  KeyStore& keys_;
  Metrics& metrics_;
  std::atomic<bool> draining_ = false;

  std::mutex cache_mutex_;
  // Keys found so far, by token: hashing each request's token costs more than the rest of
  // the lookup. In this process's memory only; the key store keeps hashes. Keys are never
  // revoked while a server runs (docs/http-api.md), so an entry never goes stale.
  std::unordered_map<std::string, Caller> callers_;  // cache_mutex_

  std::mutex in_flight_mutex_;
  std::unordered_set<std::string> in_flight_;  // user + '\n' + key; in_flight_mutex_
};

}  // namespace autobets::http_api
