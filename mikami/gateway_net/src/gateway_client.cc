#include "mikami/gateway_client.h"

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
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
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
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;
};

core::Result<WsUrl> parse_ws_url(const std::string& url) {
  WsUrl parsed;
  std::string rest;
  if (url.rfind("wss://", 0) == 0) {
    parsed.tls = true;
    rest = url.substr(6);
  } else if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway URL must start with wss:// or ws://: " + url);
  }
  auto slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  parsed.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (parsed.path.front() == '?') parsed.path = "/" + parsed.path;
  if (auto q = parsed.path.find('?'); q != std::string::npos) parsed.path.resize(q);
  auto colon = authority.rfind(':');
  parsed.host = authority.substr(0, colon);
  parsed.port =
      colon == std::string::npos ? (parsed.tls ? "443" : "80") : authority.substr(colon + 1);
  if (parsed.host.empty())
    return core::fail(core::ErrorCode::kInvalidArgument, "no host in " + url);
  return parsed;
}

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

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
    ssl.set_verify_mode(net::ssl::verify_peer);
  }

  // Trust the system's CA certificates plus the optional extra file.
  core::Status load_trust() {
    beast::error_code ec;
    ssl.set_default_verify_paths(ec);
    if (ec) {
      return core::fail(core::ErrorCode::kIo,
                        "cannot load the system CA certificates: " + ec.message());
    }
    if (!options.ca_file.empty()) {
      ssl.load_verify_file(options.ca_file, ec);
      if (ec) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "cannot load CA file " + options.ca_file + ": " + ec.message());
      }
    }
    return core::ok_status();
  }

  // One WebSocket connection, plain or TLS; replaced on every reconnect.
  struct Connection {
    std::unique_ptr<PlainWs> plain;
    std::unique_ptr<TlsWs> tls;
    beast::tcp_stream& lowest() {
      return tls ? beast::get_lowest_layer(*tls) : beast::get_lowest_layer(*plain);
    }
    void drop() {
      beast::error_code ignored;
      if (tls || plain) lowest().socket().close(ignored);
    }
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
      auto connection = std::make_shared<Connection>();
      current = connection;
      net::co_spawn(io, run_connection(connection, connect->url), net::detached);
    } else if (auto* send = std::get_if<SendAction>(&action)) {
      if (current && current->open && !current->dead) {
        current->outbox.push_back(encode_gateway_payload(*send, options.token));
        if (!current->writing) {
          if (current->tls) {
            net::co_spawn(io, write_loop(current, *current->tls), net::detached);
          } else {
            net::co_spawn(io, write_loop(current, *current->plain), net::detached);
          }
        }
      }
    } else if (auto* close = std::get_if<CloseAction>(&action)) {
      if (current && !current->dead) {
        auto connection = current;
        if (close->code == kCloseCodeNormal && connection->open) {
          connection->lowest().expires_after(std::chrono::seconds(5));
          if (connection->tls) {
            net::co_spawn(io, graceful_close(connection, *connection->tls), net::detached);
          } else {
            net::co_spawn(io, graceful_close(connection, *connection->plain), net::detached);
          }
        } else {
          // Dropping the socket keeps the session resumable and never waits on a zombie.
          connection->drop();
        }
      }
    } else if (auto* dispatch = std::get_if<DispatchAction>(&action)) {
      if (on_dispatch) on_dispatch(*dispatch);
    } else if (auto* fatal = std::get_if<FatalAction>(&action)) {
      if (on_fatal) on_fatal(*fatal);
    }
  }

  // Holds the connection alive until the close handshake ends.
  template <class Ws>
  net::awaitable<void> graceful_close(std::shared_ptr<Connection> connection, Ws& ws) {
    co_await ws.async_close(websocket::close_code::normal, kNoThrow);
    connection->drop();
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
    beast::tcp_stream stream(io);
    if (!resolve_ec) {
      stream.expires_after(std::chrono::seconds(10));
      auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kNoThrow);
      if (connect_ec) resolve_ec = connect_ec;
    }
    if (resolve_ec || connection->dead) {
      closed(connection, std::nullopt);
      co_return;
    }
    stream.socket().set_option(tcp::no_delay(true));
    if (parsed->tls) {
      connection->tls = std::make_unique<TlsWs>(std::move(stream), ssl);
      auto& tls_stream = connection->tls->next_layer();
      if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), parsed->host.c_str())) {
        closed(connection, std::nullopt);
        co_return;
      }
      tls_stream.set_verify_callback(net::ssl::host_name_verification(parsed->host));
      auto [tls_ec] = co_await tls_stream.async_handshake(net::ssl::stream_base::client, kNoThrow);
      if (tls_ec || connection->dead) {
        std::cerr << "mikami gateway: TLS handshake with " << parsed->host
                  << " failed: " << tls_ec.message() << "\n";
        closed(connection, std::nullopt);
        co_return;
      }
      co_await run_websocket(connection, *connection->tls, *parsed);
    } else {
      connection->plain = std::make_unique<PlainWs>(std::move(stream));
      co_await run_websocket(connection, *connection->plain, *parsed);
    }
  }

  template <class Ws>
  net::awaitable<void> run_websocket(std::shared_ptr<Connection> connection, Ws& ws, WsUrl parsed) {
    connection->lowest().expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string target = parsed.path + "?v=10&encoding=json";
    if (options.compress) target += "&compress=zlib-stream";
    auto [handshake_ec] =
        co_await ws.async_handshake(parsed.host + ":" + parsed.port, target, kNoThrow);
    if (handshake_ec || connection->dead) {
      closed(connection, std::nullopt);
      co_return;
    }
    connection->open = true;
    shard.on_open();
    run_actions();
    beast::flat_buffer buffer;
    for (;;) {
      auto [read_ec, n] = co_await ws.async_read(buffer, kNoThrow);
      if (read_ec || connection->dead) {
        std::optional<std::uint16_t> code;
        if (read_ec == websocket::error::closed) code = ws.reason().code;
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
          connection->drop();
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

  template <class Ws>
  net::awaitable<void> write_loop(std::shared_ptr<Connection> connection, Ws& ws) {
    connection->writing = true;
    while (!connection->outbox.empty() && !connection->dead) {
      std::string text = std::move(connection->outbox.front());
      connection->outbox.pop_front();
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(net::buffer(text), kNoThrow);
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
  net::ssl::context ssl{net::ssl::context::tls_client};
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
  CORE_RETURN_IF_ERROR(impl->load_trust());
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
        if (impl->current) impl->current->drop();
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
