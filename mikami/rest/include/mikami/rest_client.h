// Discord REST client: every request goes through one rate-limit Scheduler, then over a
// pooled keep-alive HTTP/1.1 connection: https:// (TLS with the system's CA certificates,
// SNI and host name verification) or plain http:// (the sandbox).
//
// The bot token is sent in the Authorization header and never logged, echoed or put into an
// error message or event.
//
// Threading: the client owns one I/O thread, which owns the scheduler (STYLE.md: state has
// one owner). request() may be called from any thread; callbacks run on the I/O thread and
// must not block. Destroying the client cancels what is still queued (their callbacks are
// not called) and joins the thread.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "core/status.h"
#include "mikami/route.h"
#include "mikami/scheduler.h"

namespace mikami {

struct RestOptions {
  std::string base_url = "https://discord.com/api/v10";  // "http://127.0.0.1:PORT/api/v10"
  std::string token;
  SchedulerOptions scheduler;
  std::chrono::milliseconds request_timeout{15'000};
  std::string user_agent = "DiscordBot (https://example.invalid/mikami, 0.1)";
  // Extra PEM file of trusted CA certificates (tests trust a self-signed sandbox with it);
  // the system's certificates are always trusted too.
  std::string ca_file;
};

struct RestResponse {
  int status = 0;     // 0 when no response ever arrived (see error)
  std::string body;   // the response body
  std::string error;  // set when the request gave up after network failures
};

class RestClient {
 public:
  // Fails with kInvalidArgument for an unusable base URL or an unreadable ca_file.
  static core::Result<std::unique_ptr<RestClient>> create(RestOptions options);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  using Callback = std::function<void(RestResponse)>;
  // Sends `body` (JSON, may be empty) to `path` (e.g. "/channels/1/messages"). Pass
  // `interaction_followup` for /webhooks/{application_id}/{interaction_token} calls, which
  // do not count against the global limit. `done` runs exactly once with the final
  // response, unless the client is destroyed first.
  void request(Method method, std::string path, std::string body, Callback done,
               bool interaction_followup = false);
  std::future<RestResponse> request(Method method, std::string path, std::string body,
                                    bool interaction_followup = false);

  // A snapshot taken on the I/O thread.
  SchedulerCounters counters();

 private:
  struct Impl;
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami
