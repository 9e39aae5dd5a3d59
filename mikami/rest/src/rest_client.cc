#include "mikami/rest_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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
  std::string host;
  std::string port;
  std::string path_prefix;  // "/api/v10"
};

core::Result<BaseUrl> parse_base_url(const std::string& url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind("https://", 0) == 0) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "https base URLs are not supported yet (TLS is not implemented); use the "
                      "sandbox's http:// URL");
  }
  if (url.rfind(kHttp, 0) != 0) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "base URL must start with http://: " + url);
  }
  std::string rest = url.substr(kHttp.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  BaseUrl base;
  base.path_prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!base.path_prefix.empty() && base.path_prefix.back() == '/') base.path_prefix.pop_back();
  auto colon = authority.rfind(':');
  base.host = authority.substr(0, colon);
  base.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (base.host.empty() || base.port.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "base URL has no host: " + url);
  }
  return base;
}

}  // namespace

struct RestClient::Impl {
  Impl(RestOptions options_in, BaseUrl base_in)
      : options(std::move(options_in)),
        base(std::move(base_in)),
        scheduler(core::SystemClock::instance(), options.scheduler),
        work(net::make_work_guard(io)),
        wake(io) {}

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
      for (auto& stream : idle) {
        beast::error_code ignored;
        stream->socket().close(ignored);
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

  net::awaitable<std::unique_ptr<beast::tcp_stream>> take_connection(beast::error_code& ec) {
    if (!idle.empty()) {
      auto stream = std::move(idle.back());
      idle.pop_back();
      co_return stream;
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
    co_return stream;
  }

  net::awaitable<void> send(Permit permit, std::shared_ptr<Call> call) {
    beast::error_code ec;
    auto stream = co_await take_connection(ec);
    http::response<http::string_body> response;
    bool reusable = false;
    if (stream) {
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
      stream->expires_after(options.request_timeout);
      auto [write_ec, written] = co_await http::async_write(*stream, request, kNoThrow);
      ec = write_ec;
      if (!ec) {
        beast::flat_buffer buffer;
        auto [read_ec, read] = co_await http::async_read(*stream, buffer, response, kNoThrow);
        ec = read_ec;
        reusable = !ec && response.keep_alive();
      }
    }
    if (stopping) co_return;  // the permit is dropped: treated as a cancellation
    Outcome outcome;
    if (ec || !stream) {
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
        stream->expires_never();
        idle.push_back(std::move(stream));
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
  std::optional<core::Clock::TimePoint> armed_for;
  std::vector<std::unique_ptr<beast::tcp_stream>> idle;
  bool stopping = false;
  std::thread thread;
};

core::Result<std::unique_ptr<RestClient>> RestClient::create(RestOptions options) {
  auto base = parse_base_url(options.base_url);
  if (!base) return core::fail(base.error());
  auto impl = std::make_unique<Impl>(std::move(options), std::move(*base));
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
