#include "mikami/gateway_client.h"

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
#include <boost/beast/websocket.hpp>
#include <deque>
#include <future>
#include <iostream>
#include <thread>

#include "core/clock.h"
#include "mikami/gateway_codec.h"
#include "mikami/zlib_stream.h"

namespace mikami {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

struct WsUrl {
  std::string host;
  std::string port;
  std::string path;
};

core::Result<WsUrl> parse_ws_url(const std::string& url) {
  if (url.rfind("wss://", 0) == 0) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "wss:// gateway URLs are not supported yet (TLS is not implemented)");
  }
  if (url.rfind("ws://", 0) != 0) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway URL must start with ws://: " + url);
  }
  std::string rest = url.substr(5);
  auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  WsUrl parsed;
  parsed.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (parsed.path.front() == '?') parsed.path = "/" + parsed.path;
  if (auto q = parsed.path.find('?'); q != std::string::npos) parsed.path.resize(q);
  auto colon = authority.rfind(':');
  parsed.host = authority.substr(0, colon);
  parsed.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (parsed.host.empty())
    return core::fail(core::ErrorCode::kInvalidArgument, "no host in " + url);
  return parsed;
}

}  // namespace

struct GatewayClient::Impl {
  Impl(GatewayClientOptions options_in, DispatchFn dispatch_in, FatalFn fatal_in)
      : options(std::move(options_in)),
        on_dispatch(std::move(dispatch_in)),
        on_fatal(std::move(fatal_in)),
        shard(core::SystemClock::instance(), options.shard),
        work(net::make_work_guard(io)),
        wake(io) {
    if (options.restore.resumable()) shard.restore(options.restore);
  }

  // One WebSocket connection; replaced on every reconnect.
  struct Connection {
    explicit Connection(net::io_context& io) : ws(io) {}
    websocket::stream<beast::tcp_stream> ws;
    std::deque<std::string> outbox;
    bool writing = false;
    bool open = false;
    bool dead = false;  // the shard has been told it closed
    ZlibStreamInflater inflater;
  };

  void run_actions() {
    for (;;) {
      auto actions = shard.take_actions();
      if (actions.empty()) break;
      for (auto& action : actions) execute(action);
    }
    rearm();
  }

  void execute(ShardAction& action) {
    if (auto* connect = std::get_if<ConnectAction>(&action)) {
      auto connection = std::make_shared<Connection>(io);
      current = connection;
      net::co_spawn(io, run_connection(connection, connect->url), net::detached);
    } else if (auto* send = std::get_if<SendAction>(&action)) {
      if (current && current->open && !current->dead) {
        current->outbox.push_back(encode_gateway_payload(*send, options.token));
        if (!current->writing) net::co_spawn(io, write_loop(current), net::detached);
      }
    } else if (auto* close = std::get_if<CloseAction>(&action)) {
      if (current && !current->dead) {
        auto connection = current;
        if (close->code == kCloseCodeNormal && connection->open) {
          net::co_spawn(io, graceful_close(connection), net::detached);
        } else {
          // Dropping the socket keeps the session resumable and never waits on a zombie.
          beast::error_code ignored;
          beast::get_lowest_layer(connection->ws).socket().close(ignored);
        }
      }
    } else if (auto* dispatch = std::get_if<DispatchAction>(&action)) {
      if (on_dispatch) on_dispatch(*dispatch);
    } else if (auto* fatal = std::get_if<FatalAction>(&action)) {
      if (on_fatal) on_fatal(*fatal);
    }
  }

  net::awaitable<void> graceful_close(std::shared_ptr<Connection> connection) {
    beast::get_lowest_layer(connection->ws).expires_after(std::chrono::seconds(5));
    co_await connection->ws.async_close(websocket::close_code::normal, kNoThrow);
  }

  void closed(const std::shared_ptr<Connection>& connection, std::optional<std::uint16_t> code) {
    if (connection->dead) return;
    connection->dead = true;
    connection->open = false;
    if (stopped) return;
    shard.on_closed(code);
    run_actions();
  }

  net::awaitable<void> run_connection(std::shared_ptr<Connection> connection, std::string url) {
    auto parsed = parse_ws_url(url);
    if (!parsed) {
      std::cerr << "mikami gateway: " << parsed.error().message() << "\n";
      closed(connection, std::nullopt);
      co_return;
    }
    tcp::resolver resolver(io);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(parsed->host, parsed->port, kNoThrow);
    auto& stream = beast::get_lowest_layer(connection->ws);
    if (!resolve_ec) {
      stream.expires_after(std::chrono::seconds(10));
      auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kNoThrow);
      if (connect_ec) resolve_ec = connect_ec;
    }
    if (resolve_ec || connection->dead) {
      closed(connection, std::nullopt);
      co_return;
    }
    stream.expires_never();
    stream.socket().set_option(tcp::no_delay(true));
    connection->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string target = parsed->path + "?v=10&encoding=json";
    if (options.compress) target += "&compress=zlib-stream";
    auto [handshake_ec] = co_await connection->ws.async_handshake(parsed->host + ":" + parsed->port,
                                                                  target, kNoThrow);
    if (handshake_ec || connection->dead) {
      closed(connection, std::nullopt);
      co_return;
    }
    connection->open = true;
    shard.on_open();
    run_actions();
    beast::flat_buffer buffer;
    for (;;) {
      auto [read_ec, n] = co_await connection->ws.async_read(buffer, kNoThrow);
      if (read_ec || connection->dead) {
        std::optional<std::uint16_t> code;
        if (read_ec == websocket::error::closed) code = connection->ws.reason().code;
        closed(connection, code);
        co_return;
      }
      std::string frame = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      std::optional<std::string> text;
      if (options.compress) {
        auto inflated = connection->inflater.push(frame);
        if (!inflated) {
          std::cerr << "mikami gateway: " << inflated.error().message() << "\n";
          beast::error_code ignored;
          stream.socket().close(ignored);
          continue;  // the next read fails and reports the close
        }
        text = std::move(*inflated);
      } else {
        text = std::move(frame);
      }
      if (!text) continue;
      auto payload = decode_gateway_payload(*text);
      if (!payload) {
        std::cerr << "mikami gateway: ignoring a payload: " << payload.error().message() << "\n";
        continue;
      }
      shard.on_payload(std::move(*payload));
      run_actions();
    }
  }

  net::awaitable<void> write_loop(std::shared_ptr<Connection> connection) {
    connection->writing = true;
    while (!connection->outbox.empty() && !connection->dead) {
      std::string text = std::move(connection->outbox.front());
      connection->outbox.pop_front();
      connection->ws.text(true);
      auto [ec, n] = co_await connection->ws.async_write(net::buffer(text), kNoThrow);
      if (ec) break;
    }
    connection->writing = false;
  }

  void rearm() {
    if (stopped) return;
    auto at = shard.next_wakeup();
    if (!at) {
      wake.cancel();
      return;
    }
    wake.expires_at(*at);
    wake.async_wait([this](const beast::error_code& ec) {
      if (ec || stopped) return;
      shard.poll();
      run_actions();
    });
  }

  template <class F>
  auto on_io_thread(F f) {
    std::promise<decltype(f())> promise;
    auto future = promise.get_future();
    net::post(io, [&] { promise.set_value(f()); });
    return future.get();
  }

  GatewayClientOptions options;
  DispatchFn on_dispatch;
  FatalFn on_fatal;
  Shard shard;
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work;
  net::steady_timer wake;
  std::shared_ptr<Connection> current;
  bool stopped = false;
  bool joined = false;
  std::thread thread;
};

core::Result<std::unique_ptr<GatewayClient>> GatewayClient::create(GatewayClientOptions options,
                                                                   DispatchFn on_dispatch,
                                                                   FatalFn on_fatal) {
  auto parsed = parse_ws_url(options.shard.gateway_url);
  if (!parsed) return core::fail(parsed.error());
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(on_dispatch), std::move(on_fatal));
  return std::unique_ptr<GatewayClient>(new GatewayClient(std::move(impl)));
}

GatewayClient::GatewayClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GatewayClient::~GatewayClient() {
  if (!impl_->joined) (void)stop(true);
}

void GatewayClient::start() {
  Impl* impl = impl_.get();
  impl->thread = std::thread([impl] { impl->io.run(); });
  net::post(impl->io, [impl] {
    impl->shard.start();
    impl->run_actions();
  });
}

GatewaySession GatewayClient::stop(bool keep_session) {
  Impl* impl = impl_.get();
  if (impl->joined) return impl->shard.session();
  if (impl->thread.joinable()) {
    net::post(impl->io, [impl, keep_session] {
      impl->shard.shutdown(keep_session);
      for (auto& action : impl->shard.take_actions()) impl->execute(action);
      impl->stopped = true;
      impl->wake.cancel();
      // Give a graceful close a moment, then stop whatever is left.
      auto timer = std::make_shared<net::steady_timer>(impl->io, std::chrono::milliseconds(200));
      timer->async_wait([impl, timer](const beast::error_code&) {
        if (impl->current) {
          beast::error_code ignored;
          beast::get_lowest_layer(impl->current->ws).socket().close(ignored);
        }
        impl->work.reset();
        impl->io.stop();
      });
    });
    impl->thread.join();
  }
  impl->joined = true;
  return impl->shard.session();
}

ShardState GatewayClient::state() {
  if (impl_->joined) return impl_->shard.state();
  return impl_->on_io_thread([this] { return impl_->shard.state(); });
}
ShardCounters GatewayClient::counters() {
  if (impl_->joined) return impl_->shard.counters();
  return impl_->on_io_thread([this] { return impl_->shard.counters(); });
}
GatewaySession GatewayClient::session() {
  if (impl_->joined) return impl_->shard.session();
  return impl_->on_io_thread([this] { return impl_->shard.session(); });
}

}  // namespace mikami
