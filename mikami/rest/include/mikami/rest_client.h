// Discord REST client: every request goes through one rate-limit Scheduler, then over a
// pooled keep-alive HTTP/1.1 connection: https:// (TLS with the system's CA certificates,
// SNI and host name verification) or plain http://, for loopback hosts only (the sandbox):
// the token must never cross a network in clear.
//
// The bot token is sent in the Authorization header and never logged, echoed or put into an
// error message or event. Request paths may hold webhook and interaction tokens: they are
// never put into an error message either.
//
// Threading: the client owns one I/O thread, which owns the scheduler (docs/conventions.md: state
// has one owner). request() and RestRequestHandle::cancel() may be called from any thread;
// callbacks run on the I/O thread and must not block. Destroying the client cancels what is
// still queued (their callbacks are not called) and joins the thread; it must not happen on
// the I/O thread (inside a callback).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

// Why a request has no response. Stable codes; new ones go at the end.
enum class RestFailure : std::uint8_t {
  kNone = 0,          // a response arrived: see status (which may be any HTTP status)
  kNetwork,           // no response after max_attempts tries (connect, TLS, I/O, timeout)
  kCancelled,         // its caller cancelled it; the server never saw it (again)
  kInvalidRequest,    // the request path is malformed; nothing was sent
  kDeadlineExceeded,  // its give_up_at passed before it could be sent (again)
  kUnauthorized,      // Discord refused the bot token (401): nothing authorized is sent any more
};

std::string_view to_string(RestFailure failure);

struct RestResponse {
  int status = 0;    // 0 when no response ever arrived (see failure)
  std::string body;  // the response body
  RestFailure failure = RestFailure::kNone;
  std::string error;  // for people, set with failure; never holds a token

  bool cancelled() const { return failure == RestFailure::kCancelled; }
};

// How one request is sent, beyond its method, path and body.
struct RestRequestOptions {
  // A /webhooks/{application_id}/{interaction_token} call: not counted against the global
  // limit (interaction callbacks under /interactions/ are exempt without it).
  bool interaction_followup = false;
  // Sends the bot's `Authorization` header. Off for interaction callbacks and webhook calls,
  // which the interaction or webhook token in their path authorizes (as discord.js does):
  // the bot token then never travels with them.
  bool authorize = true;
  // Never sent, nor resent after a 429, 5xx or network failure, at or after this instant
  // (steady clock): the request then fails with kDeadlineExceeded. An interaction callback
  // after its 3 s is useless. An answer already on the wire is still delivered.
  std::optional<std::chrono::steady_clock::time_point> give_up_at;
  // Why the bot does this, for the guild's audit log: sent URL-encoded (UTF-8, RFC 3986
  // unreserved characters kept) as `X-Audit-Log-Reason`. Empty: no header.
  std::string audit_log_reason;
};

// `text` percent-encoded as Discord reads X-Audit-Log-Reason (every byte but A-Z a-z 0-9
// and -._~ becomes %XX).
std::string audit_log_header_value(std::string_view text);

namespace rest_internal {
struct Call;
}

// Refers to one submitted request. Copyable; an empty handle (default-constructed) does
// nothing. Holding a handle keeps no connection or scheduler state alive.
class RestRequestHandle {
 public:
  RestRequestHandle() = default;

  // Asks the client to drop the request. Thread safe, never blocks, may be called from a
  // callback, any number of times; a no-op once the request has finished or the client is
  // gone. What happens depends on where the request is when the I/O thread sees the cancel:
  //   - waiting to be sent (queued behind a bucket or the global limit, parked on a 429,
  //     waiting out a 5xx or network backoff): it is removed and never sent (again);
  //   - granted but not yet written: it is not written;
  //   - on the wire: it cannot be recalled, since the server may already have acted. It
  //     completes; if its answer is final the callback gets that answer, and if the answer
  //     would have meant a resend (429, 5xx, network failure) it is not resent.
  // Whatever the case, the callback runs exactly once, with failure kCancelled when the
  // request was dropped.
  void cancel() const;
  bool valid() const { return call_ != nullptr; }

 private:
  friend class RestClient;
  explicit RestRequestHandle(std::shared_ptr<rest_internal::Call> call) : call_(std::move(call)) {}
  std::shared_ptr<rest_internal::Call> call_;
};

class RestClient {
 public:
  // Fails with kInvalidArgument for an unusable base URL (the message names the bad part)
  // or an unreadable ca_file.
  static core::Result<std::unique_ptr<RestClient>> create(RestOptions options);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  using Callback = std::function<void(RestResponse)>;
  // Sends `body` (JSON, may be empty) to `path` (e.g. "/channels/1/messages", an
  // origin-form target under the base URL's path). Pass `interaction_followup` for
  // /webhooks/{application_id}/{interaction_token} calls, which do not count against the
  // global limit. `done` runs exactly once on the I/O thread, with the final response, a
  // failure, or kCancelled after the handle's cancel(); unless the client is destroyed
  // first. Nothing is dropped unless its caller cancels it.
  RestRequestHandle request(Method method, std::string path, std::string body, Callback done,
                            bool interaction_followup = false);
  std::future<RestResponse> request(Method method, std::string path, std::string body,
                                    bool interaction_followup = false);
  // The same with every option of the request.
  RestRequestHandle request(Method method, std::string path, std::string body,
                            RestRequestOptions options, Callback done);

  // A snapshot taken on the I/O thread. Must not be called on the I/O thread.
  SchedulerCounters counters();
  // True once Discord answered 401 to a request carrying the bot's Authorization: the token
  // is bad (revoked, reset, mistyped), so that request and every later one that would carry
  // it fail with kUnauthorized without being sent; retrying would only count as invalid
  // requests towards a Cloudflare ban. A 401 on a request without it (an interaction webhook
  // whose token expired, code 50027) fails that request only. Thread safe.
  bool token_refused() const;

 private:
  struct Impl;
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami
