#include "mikami/rest_client.h"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base_url.h"
#include "core/clock.h"
#include "mikami/ratelimit_headers.h"
#include "mikami/rest_error_body.h"
#include "mikami/tls_client.h"

namespace mikami {

std::string_view to_string(RestFailure failure) {
  switch (failure) {
    case RestFailure::kNone:
      return "none";
    case RestFailure::kNetwork:
      return "network";
    case RestFailure::kCancelled:
      return "cancelled";
    case RestFailure::kInvalidRequest:
      return "invalid request";
    case RestFailure::kDeadlineExceeded:
      return "deadline exceeded";
    case RestFailure::kUnauthorized:
      return "unauthorized";
  }
  return "?";
}

namespace rest_internal {

// The way from a handle to its client's I/O thread; cut when the client is destroyed, so a
// handle that outlives its client does nothing.
struct Link {
  std::mutex mutex;
  std::function<void(const std::shared_ptr<Call>&)> post_cancel;  // guarded by mutex
};

// One submitted request. The fields below `link` belong to the I/O thread.
struct Call {
  Method method;
  std::string path;
  std::string body;
  bool followup = false;
  bool authorize = true;
  std::optional<std::chrono::steady_clock::time_point> give_up_at;
  std::string audit_log_reason;  // already encoded; empty: no header
  RestClient::Callback done;     // released once called
  std::shared_ptr<Link> link;

  std::optional<RequestId> id;                         // the scheduler's id, once submitted
  bool on_wire = false;                                // granted: send() owns its permit
  bool cancel_requested = false;                       // send() drops it at its next step
  bool finished = false;                               // done has run
  std::unique_ptr<boost::asio::steady_timer> give_up;  // fires at give_up_at
};

}  // namespace rest_internal

namespace {

using rest_internal::BaseUrl;
using rest_internal::Call;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

http::verb to_verb(Method method) {
  switch (method) {
    case Method::kGet:
      return http::verb::get;
    case Method::kPost:
      return http::verb::post;
    case Method::kPut:
      return http::verb::put;
    case Method::kPatch:
      return http::verb::patch;
    case Method::kDelete:
      return http::verb::delete_;
  }
  return http::verb::get;
}

// One pooled connection: plain TCP or TLS over TCP.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

template <class Stream>
net::awaitable<beast::error_code> exchange(Stream& stream,
                                           http::request<http::string_body>& request,
                                           http::response<http::string_body>& response) {
  auto [write_ec, written] = co_await http::async_write(stream, request, kNoThrow);
  if (write_ec) co_return write_ec;
  beast::flat_buffer buffer;
  auto [read_ec, read] = co_await http::async_read(stream, buffer, response, kNoThrow);
  co_return read_ec;
}

}  // namespace

struct RestClient::Impl {
  Impl(RestOptions options_in, BaseUrl base_in)
      : options(std::move(options_in)),
        base(std::move(base_in)),
        link(std::make_shared<rest_internal::Link>()),
        scheduler(core::SystemClock::instance(), options.scheduler),
        work(net::make_work_guard(io)),
        wake(io) {
    link->post_cancel = [this](const std::shared_ptr<Call>& call) {
      net::post(io, [this, call] { cancel(call); });
    };
  }

  void start() {
    thread = std::thread([this] { io.run(); });
  }

  void stop() {
    {
      // From here on, cancel() on a handle does nothing.
      std::lock_guard lock(link->mutex);
      link->post_cancel = nullptr;
    }
    net::post(io, [this] {
      wake.cancel();
      stopping = true;
      for (auto& connection : idle) {
        beast::error_code ignored;
        connection->lowest().socket().close(ignored);
      }
      idle.clear();
      work.reset();
      io.stop();
    });
    if (thread.joinable()) thread.join();
  }

  static RestResponse failure(RestFailure kind, std::string error) {
    RestResponse response;
    response.failure = kind;
    response.error = std::move(error);
    return response;
  }

  // Runs the caller's callback, once.
  static void finish(const std::shared_ptr<Call>& call, RestResponse response) {
    if (call->finished) return;
    call->finished = true;
    call->on_wire = false;
    if (call->give_up) call->give_up->cancel();
    auto done = std::move(call->done);
    call->done = nullptr;  // releases whatever the callback holds
    if (done) done(std::move(response));
  }

  static void finish_cancelled(const std::shared_ptr<Call>& call) {
    finish(call, failure(RestFailure::kCancelled, "request cancelled by its caller"));
  }

  void reject(std::shared_ptr<Call> call, std::string error) {
    net::post(io, [call = std::move(call), error = std::move(error)]() mutable {
      finish(call, failure(RestFailure::kInvalidRequest, std::move(error)));
    });
  }

  static bool past_deadline(const Call& call) {
    return call.give_up_at && std::chrono::steady_clock::now() >= *call.give_up_at;
  }

  static void finish_past_deadline(const std::shared_ptr<Call>& call) {
    finish(call, failure(RestFailure::kDeadlineExceeded,
                         "request not sent: its deadline passed while it waited"));
  }

  // At give_up_at, a request still waiting in the scheduler is dropped; one on the wire
  // completes, and is not resent (see kRequeued in send()).
  void arm_deadline(const std::shared_ptr<Call>& call) {
    if (!call->give_up_at) return;
    call->give_up = std::make_unique<net::steady_timer>(io, *call->give_up_at);
    call->give_up->async_wait([this, weak = std::weak_ptr<Call>(call)](beast::error_code ec) {
      auto waiting = weak.lock();
      if (ec || !waiting || stopping || waiting->finished || waiting->on_wire) return;
      if (waiting->id) CORE_CHECK(scheduler.cancel(*waiting->id));
      finish_past_deadline(waiting);
      rearm();
    });
  }

  static void finish_unauthorized(const std::shared_ptr<Call>& call) {
    finish(call, failure(RestFailure::kUnauthorized,
                         "not sent: Discord refused the bot token earlier (401 Unauthorized); "
                         "set a valid token and restart"));
  }

  void submit(std::shared_ptr<Call> call) {
    net::post(io, [this, call = std::move(call)] {
      if (stopping) return;
      if (call->authorize && token_refused.load()) {
        finish_unauthorized(call);
        return;
      }
      if (past_deadline(*call)) {
        finish_past_deadline(call);
        return;
      }
      arm_deadline(call);
      Route route = Route::from_path(call->method, call->path, call->followup);
      // The grant may run inside submit(), before it returns the id.
      const RequestId id = scheduler.submit(
          std::move(route), [this, call](Permit permit) { on_grant(call, std::move(permit)); });
      call->id = id;
      rearm();
    });
  }

  void on_grant(const std::shared_ptr<Call>& call, Permit permit) {
    if (stopping) return;  // shutting down: the dropped permit cancels the request
    call->id = permit.id();
    if (call->cancel_requested || call->finished) {
      // Granted again inside the completion of a cancelled request: never sent.
      drop_unsent(call, std::move(permit));
      return;
    }
    if (past_deadline(*call) || (call->authorize && token_refused.load())) {
      { Permit dropped = std::move(permit); }
      if (past_deadline(*call)) {
        finish_past_deadline(call);
      } else {
        finish_unauthorized(call);
      }
      rearm();
      return;
    }
    call->on_wire = true;
    net::co_spawn(io, send(std::move(permit), call), net::detached);
  }

  // Drops a granted request that was never written: the scheduler counts it cancelled.
  void drop_unsent(const std::shared_ptr<Call>& call, Permit permit) {
    { Permit dropped = std::move(permit); }
    finish_cancelled(call);
    rearm();
  }

  void cancel(const std::shared_ptr<Call>& call) {
    if (stopping || call->finished || call->cancel_requested) return;
    call->cancel_requested = true;
    if (call->on_wire) return;  // send() drops it before writing, or never resends it
    // Waiting in the scheduler: queued, parked after a 429, or in a retry backoff.
    CORE_CHECK(call->id.has_value());
    CORE_CHECK(scheduler.cancel(*call->id));
    finish_cancelled(call);
    rearm();
  }

  // Keeps one timer armed at the scheduler's next wake-up.
  void rearm() {
    if (stopping) return;
    auto at = scheduler.next_wakeup();
    if (!at) return;
    if (armed_for && *armed_for == *at) return;
    armed_for = *at;
    wake.expires_at(*at);
    wake.async_wait([this](const beast::error_code& ec) {
      if (ec) return;
      armed_for.reset();
      scheduler.poll();
      rearm();
    });
  }

  net::awaitable<std::unique_ptr<Connection>> take_connection(beast::error_code& ec) {
    if (!idle.empty()) {
      auto connection = std::move(idle.back());
      idle.pop_back();
      co_return connection;
    }
    tcp::resolver resolver(io);
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(base.host, base.port, kNoThrow);
    if (resolve_ec) {
      ec = resolve_ec;
      co_return nullptr;
    }
    auto stream = std::make_unique<beast::tcp_stream>(io);
    stream->expires_after(options.request_timeout);
    auto [connect_ec, endpoint] = co_await stream->async_connect(endpoints, kNoThrow);
    if (connect_ec) {
      ec = connect_ec;
      co_return nullptr;
    }
    stream->socket().set_option(tcp::no_delay(true));
    auto connection = std::make_unique<Connection>();
    if (!base.tls) {
      connection->plain = std::move(stream);
      co_return connection;
    }
    connection->tls =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), ssl);
    if (!name_peer(*connection->tls, base.host, !base.host_is_ip)) {
      ec = beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
      co_return nullptr;
    }
    auto [handshake_ec] =
        co_await connection->tls->async_handshake(net::ssl::stream_base::client, kNoThrow);
    if (handshake_ec) {
      ec = handshake_ec;
      co_return nullptr;
    }
    co_return connection;
  }

  net::awaitable<void> send(Permit permit, std::shared_ptr<Call> call) {
    if (call->cancel_requested) {
      drop_unsent(call, std::move(permit));
      co_return;
    }
    beast::error_code ec;
    auto connection = co_await take_connection(ec);
    if (stopping) co_return;
    if (call->cancel_requested) {  // cancelled while connecting: still nothing written
      if (connection) idle.push_back(std::move(connection));
      drop_unsent(call, std::move(permit));
      co_return;
    }
    http::response<http::string_body> response;
    bool reusable = false;
    if (connection) {
      http::request<http::string_body> request(to_verb(call->method), base.path_prefix + call->path,
                                               11);
      request.set(http::field::host, base.host_header);
      request.set(http::field::user_agent, options.user_agent);
      if (call->authorize) request.set(http::field::authorization, "Bot " + options.token);
      if (!call->audit_log_reason.empty()) {
        request.set("X-Audit-Log-Reason", call->audit_log_reason);
      }
      if (!call->body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = call->body;
      }
      request.keep_alive(true);
      request.prepare_payload();
      connection->lowest().expires_after(options.request_timeout);
      // Not a conditional expression: g++ 12 miscompiles co_await inside ?: operands.
      if (connection->tls) {
        ec = co_await exchange(*connection->tls, request, response);
      } else {
        ec = co_await exchange(*connection->plain, request, response);
      }
      reusable = !ec && response.keep_alive();
    }
    if (stopping) co_return;  // the permit is dropped: treated as a cancellation
    // Cleared before completing: the completion may grant this request again at once.
    call->on_wire = false;
    Outcome outcome;
    if (ec || !connection) {
      outcome = permit.fail_network();
    } else {
      auto parsed =
          parse_rate_limit_headers([&](std::string_view name) -> std::optional<std::string_view> {
            auto it = response.find(beast::string_view(name.data(), name.size()));
            if (it == response.end()) return std::nullopt;
            return std::string_view(it->value().data(), it->value().size());
          });
      RateLimitHeaders headers = parsed ? *parsed : RateLimitHeaders{};
      const int status = static_cast<int>(response.result_int());
      if (status == 429) read_429_body(response.body(), headers);
      outcome = permit.complete(status, headers);
      if (reusable) {
        connection->lowest().expires_never();
        idle.push_back(std::move(connection));
      }
    }
    switch (outcome) {
      case Outcome::kDeliver: {
        // A cancel that came while the request was on the wire is too late: it happened.
        RestResponse delivered;
        delivered.status = static_cast<int>(response.result_int());
        delivered.body = std::move(response.body());
        if (delivered.status == 401 && call->authorize) {
          token_refused.store(true);
          delivered.failure = RestFailure::kUnauthorized;
          delivered.error =
              "Discord refused the bot token (401 Unauthorized): it is invalid, reset or "
              "revoked; no further request will carry it";
        }
        finish(call, std::move(delivered));
        break;
      }
      case Outcome::kGaveUp:
        // The message names the host and the OS error only: never a token, path or body.
        finish(call, failure(RestFailure::kNetwork, "network failure talking to " + base.host +
                                                        ":" + base.port + ": " + ec.message()));
        break;
      case Outcome::kRequeued:
        // Waiting to be resent: a cancel that came meanwhile means it never is.
        if (call->cancel_requested && !call->finished) {
          CORE_CHECK(scheduler.cancel(*call->id));
          finish_cancelled(call);
        } else if (past_deadline(*call) && !call->finished) {
          CORE_CHECK(scheduler.cancel(*call->id));
          finish_past_deadline(call);
        }
        break;
      case Outcome::kCancelled:
        finish_cancelled(call);
        break;
    }
    rearm();
  }

  // The body's retry_after is fractional and more precise than the Retry-After header.
  static void read_429_body(const std::string& body, RateLimitHeaders& headers) {
    const RestErrorBody parsed = parse_rest_error_body(body);
    if (parsed.retry_after) headers.retry_after_us = *parsed.retry_after;
    if (parsed.global) headers.global = true;
  }

  RestOptions options;
  BaseUrl base;
  std::shared_ptr<rest_internal::Link> link;
  // Declared before io: coroutine frames destroyed with io still hold Permits, whose
  // destructors report to the scheduler.
  Scheduler scheduler;
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work;
  net::steady_timer wake;
  net::ssl::context ssl{net::ssl::context::tls_client};
  std::optional<core::Clock::TimePoint> armed_for;
  std::vector<std::unique_ptr<Connection>> idle;
  bool stopping = false;
  std::atomic<bool> token_refused{false};
  std::thread thread;
};

core::Result<std::unique_ptr<RestClient>> RestClient::create(RestOptions options) {
  auto base = rest_internal::parse_base_url(options.base_url);
  if (!base) return core::fail(base.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*base));
  CORE_RETURN_IF_ERROR(trust_system_and(impl->ssl, impl->options.ca_file));
  impl->start();
  return std::unique_ptr<RestClient>(new RestClient(std::move(impl)));
}

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RestClient::~RestClient() { impl_->stop(); }

void RestRequestHandle::cancel() const {
  if (!call_) return;
  rest_internal::Link& link = *call_->link;
  std::lock_guard lock(link.mutex);
  if (link.post_cancel) link.post_cancel(call_);
}

std::string audit_log_header_value(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

RestRequestHandle RestClient::request(Method method, std::string path, std::string body,
                                      Callback done, bool interaction_followup) {
  RestRequestOptions options;
  options.interaction_followup = interaction_followup;
  return request(method, std::move(path), std::move(body), std::move(options), std::move(done));
}

RestRequestHandle RestClient::request(Method method, std::string path, std::string body,
                                      RestRequestOptions options, Callback done) {
  auto call = std::make_shared<Call>();
  call->method = method;
  call->body = std::move(body);
  call->followup = options.interaction_followup;
  call->authorize = options.authorize;
  call->give_up_at = options.give_up_at;
  call->audit_log_reason = audit_log_header_value(options.audit_log_reason);
  call->done = std::move(done);
  call->link = impl_->link;
  auto valid = rest_internal::check_request_path(path);
  call->path = std::move(path);
  if (!valid) {
    impl_->reject(call, valid.error().message());
  } else {
    impl_->submit(call);
  }
  return RestRequestHandle(std::move(call));
}

std::future<RestResponse> RestClient::request(Method method, std::string path, std::string body,
                                              bool interaction_followup) {
  auto promise = std::make_shared<std::promise<RestResponse>>();
  auto future = promise->get_future();
  request(
      method, std::move(path), std::move(body),
      [promise](RestResponse response) { promise->set_value(std::move(response)); },
      interaction_followup);
  return future;
}

bool RestClient::token_refused() const { return impl_->token_refused.load(); }

SchedulerCounters RestClient::counters() {
  std::promise<SchedulerCounters> promise;
  auto future = promise.get_future();
  net::post(impl_->io, [&] { promise.set_value(impl_->scheduler.counters()); });
  return future.get();
}

}  // namespace mikami
