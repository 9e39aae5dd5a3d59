#include "mikami/rest_client.h"

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
#include <boost/json.hpp>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "mikami/ratelimit_headers.h"

namespace mikami {
namespace {

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

struct BaseUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path_prefix;  // "/api/v10"
};

core::Result<BaseUrl> parse_base_url(const std::string& url) {
  BaseUrl base;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    base.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "base URL must start with https:// or http://: " + url);
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  base.path_prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!base.path_prefix.empty() && base.path_prefix.back() == '/') base.path_prefix.pop_back();
  auto colon = authority.rfind(':');
  base.host = authority.substr(0, colon);
  base.port = colon == std::string::npos ? (base.tls ? "443" : "80") : authority.substr(colon + 1);
  if (base.host.empty() || base.port.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "base URL has no host: " + url);
  }
  return base;
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
        scheduler(core::SystemClock::instance(), options.scheduler),
        work(net::make_work_guard(io)),
        wake(io) {
    ssl.set_verify_mode(net::ssl::verify_peer);
  }

  // Trust the system's CA certificates plus the optional extra file.
  core::Status load_trust() {
    beast::error_code ec;
    ssl.set_default_verify_paths(ec);
    if (ec)
      return core::fail(core::ErrorCode::kIo,
                        "cannot load the system CA certificates: " + ec.message());
    if (!options.ca_file.empty()) {
      ssl.load_verify_file(options.ca_file, ec);
      if (ec) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "cannot load CA file " + options.ca_file + ": " + ec.message());
      }
    }
    return core::ok_status();
  }

  struct Call {
    Method method;
    std::string path;
    std::string body;
    Callback done;
  };

  void start() {
    thread = std::thread([this] { io.run(); });
  }

  void stop() {
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

  void submit(std::shared_ptr<Call> call, bool followup) {
    net::post(io, [this, call = std::move(call), followup]() mutable {
      Route route = Route::from_path(call->method, call->path, followup);
      scheduler.submit(std::move(route), [this, call](Permit permit) {
        if (stopping) return;  // shutting down: the dropped permit cancels the request
        net::co_spawn(io, send(std::move(permit), call), net::detached);
      });
      rearm();
    });
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
    if (!SSL_set_tlsext_host_name(connection->tls->native_handle(), base.host.c_str())) {
      ec = beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
      co_return nullptr;
    }
    connection->tls->set_verify_callback(net::ssl::host_name_verification(base.host));
    auto [handshake_ec] =
        co_await connection->tls->async_handshake(net::ssl::stream_base::client, kNoThrow);
    if (handshake_ec) {
      ec = handshake_ec;
      co_return nullptr;
    }
    co_return connection;
  }

  net::awaitable<void> send(Permit permit, std::shared_ptr<Call> call) {
    beast::error_code ec;
    auto connection = co_await take_connection(ec);
    http::response<http::string_body> response;
    bool reusable = false;
    if (connection) {
      http::request<http::string_body> request(to_verb(call->method), base.path_prefix + call->path,
                                               11);
      request.set(http::field::host, base.host);
      request.set(http::field::user_agent, options.user_agent);
      request.set(http::field::authorization, "Bot " + options.token);
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
      case Outcome::kDeliver:
        call->done(RestResponse{static_cast<int>(response.result_int()), response.body(), ""});
        break;
      case Outcome::kGaveUp:
        // The message names the host and the OS error only: never the token or the body.
        call->done(RestResponse{
            0, "",
            "network failure talking to " + base.host + ":" + base.port + ": " + ec.message()});
        break;
      case Outcome::kRequeued:
      case Outcome::kCancelled:
        break;
    }
    rearm();
  }

  // The body's retry_after is fractional and more precise than the Retry-After header.
  static void read_429_body(const std::string& body, RateLimitHeaders& headers) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return;
    const auto& object = value.as_object();
    if (auto* retry = object.if_contains("retry_after"); retry && retry->is_number()) {
      double seconds = retry->to_number<double>(ec);
      if (!ec && seconds >= 0 && seconds < 1e7) {
        headers.retry_after_us =
            std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
      }
    }
    if (auto* global = object.if_contains("global");
        global && global->is_bool() && global->as_bool()) {
      headers.global = true;
    }
  }

  RestOptions options;
  BaseUrl base;
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
  std::thread thread;
};

core::Result<std::unique_ptr<RestClient>> RestClient::create(RestOptions options) {
  auto base = parse_base_url(options.base_url);
  if (!base) return core::fail(base.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*base));
  CORE_RETURN_IF_ERROR(impl->load_trust());
  impl->start();
  return std::unique_ptr<RestClient>(new RestClient(std::move(impl)));
}

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RestClient::~RestClient() { impl_->stop(); }

void RestClient::request(Method method, std::string path, std::string body, Callback done,
                         bool interaction_followup) {
  auto call = std::make_shared<Impl::Call>(
      Impl::Call{method, std::move(path), std::move(body), std::move(done)});
  impl_->submit(std::move(call), interaction_followup);
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

SchedulerCounters RestClient::counters() {
  std::promise<SchedulerCounters> promise;
  auto future = promise.get_future();
  net::post(impl_->io, [&] { promise.set_value(impl_->scheduler.counters()); });
  return future.get();
}

}  // namespace mikami
