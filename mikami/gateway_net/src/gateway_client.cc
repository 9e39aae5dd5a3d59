#include "mikami/gateway_client.h"

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
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <deque>
#include <future>
#include <iostream>
#include <thread>
#include <type_traits>

#include "core/clock.h"
#include "gateway_url.h"
#include "mikami/gateway_codec.h"
#include "mikami/tls_client.h"
#include "mikami/zlib_stream.h"

namespace mikami {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using gateway_net::GatewayUrl;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
// How long stop(false) waits for the close handshake before dropping the socket.
constexpr auto kGracefulCloseWait = std::chrono::milliseconds(200);

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// Opcodes an application may send; the client sends heartbeats, IDENTIFY and RESUME itself.
bool user_sendable(GatewayOp op) {
  switch (static_cast<int>(op)) {
    case static_cast<int>(GatewayOp::kPresenceUpdate):
    case static_cast<int>(GatewayOp::kVoiceStateUpdate):
    case static_cast<int>(GatewayOp::kRequestGuildMembers):
    case 31:  // request soundboard sounds
      return true;
    default:
      return false;
  }
}

}  // namespace

// ---- GatewayIoThread ----

struct GatewayIoThread::Impl {
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work{net::make_work_guard(io)};
  std::thread thread;
};

GatewayIoThread::GatewayIoThread() : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  impl->thread = std::thread([impl] { impl->io.run(); });
}

std::shared_ptr<GatewayIoThread> GatewayIoThread::create() {
  return std::shared_ptr<GatewayIoThread>(new GatewayIoThread());
}

GatewayIoThread::~GatewayIoThread() {
  CORE_CHECK(!on_this_thread());  // joining itself would never return
  impl_->work.reset();
  // Clients that used this thread have stopped: none of their handlers calls user code any
  // more. Whatever is still pending (a socket closing) is destroyed with the io_context.
  impl_->io.stop();
  impl_->thread.join();
}

bool GatewayIoThread::on_this_thread() const {
  return impl_->io.get_executor().running_in_this_thread();
}

// ---- GatewayClient ----

struct GatewayClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(GatewayClientOptions options_in, DispatchFn dispatch_in, FatalFn fatal_in,
       net::io_context& io_in)
      : options(std::move(options_in)),
        on_dispatch(std::move(dispatch_in)),
        on_fatal(std::move(fatal_in)),
        io(io_in),
        shard(core::SystemClock::instance(), options.shard),
        wake(io) {
    if (options.restore.resumable()) shard.restore(options.restore);
  }

  // One WebSocket connection, plain or TLS; replaced on every reconnect. Touched only on
  // the I/O thread.
  struct Connection {
    Connection(net::io_context& io, std::size_t max_inflated)
        : resolver(io), inflater(max_inflated) {}
    tcp::resolver resolver;
    std::unique_ptr<PlainWs> plain;
    std::unique_ptr<TlsWs> tls;
    beast::tcp_stream* lowest() {
      if (tls) return &beast::get_lowest_layer(*tls);
      if (plain) return &beast::get_lowest_layer(*plain);
      return nullptr;
    }
    // Ends the connection at whatever stage it is; the pending operation fails and the
    // connection's coroutine reports the close.
    void drop() {
      dropped = true;
      resolver.cancel();
      if (auto* stream = lowest()) stream->close();
    }
    std::deque<std::string> outbox;
    bool writing = false;
    bool open = false;
    bool dropped = false;
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
      auto connection = std::make_shared<Connection>(io, options.max_inflated_bytes);
      current = connection;
      net::co_spawn(io, run_connection(shared_from_this(), connection, connect->url),
                    net::detached);
    } else if (auto* send = std::get_if<SendAction>(&action)) {
      if (send->kind == OutboundKind::kUser) queued.fetch_sub(1);
      if (current && current->open && !current->dead) {
        current->outbox.push_back(encode_gateway_payload(*send, options.token));
        if (!current->writing) {
          if (current->tls) {
            net::co_spawn(io, write_loop(shared_from_this(), current, *current->tls),
                          net::detached);
          } else {
            net::co_spawn(io, write_loop(shared_from_this(), current, *current->plain),
                          net::detached);
          }
        }
      }
    } else if (auto* close = std::get_if<CloseAction>(&action)) {
      if (current && !current->dead) {
        auto connection = current;
        if (close->code == kCloseCodeNormal && connection->open) {
          closing_gracefully = true;
          connection->lowest()->expires_after(std::chrono::seconds(5));
          if (connection->tls) {
            net::co_spawn(io, graceful_close(shared_from_this(), connection, *connection->tls),
                          net::detached);
          } else {
            net::co_spawn(io, graceful_close(shared_from_this(), connection, *connection->plain),
                          net::detached);
          }
        } else {
          // Dropping the socket keeps the session resumable and never waits on a zombie.
          connection->drop();
        }
      }
    } else if (auto* dispatch = std::get_if<DispatchAction>(&action)) {
      if (on_dispatch) on_dispatch(*dispatch);
    } else if (auto* fatal = std::get_if<FatalAction>(&action)) {
      accepting = false;
      if (on_fatal) on_fatal(*fatal);
    }
  }

  // Holds the connection alive until the close handshake ends.
  template <class Ws>
  net::awaitable<void> graceful_close([[maybe_unused]] std::shared_ptr<Impl> self,
                                      std::shared_ptr<Connection> connection, Ws& ws) {
    co_await ws.async_close(websocket::close_code::normal, kNoThrow);
    connection->drop();
    if (stopped) finish_stop();
  }

  void closed(const std::shared_ptr<Connection>& connection, std::optional<std::uint16_t> code) {
    if (connection->dead) return;
    connection->dead = true;
    connection->open = false;
    if (stopped) return;
    shard.on_closed(code);
    run_actions();
  }

  net::awaitable<void> run_connection([[maybe_unused]] std::shared_ptr<Impl> self,
                                      std::shared_ptr<Connection> connection, std::string url) {
    auto parsed = gateway_net::parse_gateway_url(url);
    if (!parsed) {
      std::cerr << "mikami gateway: " << parsed.error().message() << "\n";
      closed(connection, std::nullopt);
      co_return;
    }
    auto [resolve_ec, endpoints] =
        co_await connection->resolver.async_resolve(parsed->host, parsed->port, kNoThrow);
    if (resolve_ec || connection->dropped || stopped) {
      closed(connection, std::nullopt);
      co_return;
    }
    if (parsed->tls) {
      connection->tls = std::make_unique<TlsWs>(io, ssl);
      co_await run_socket(connection, *connection->tls, endpoints, *parsed);
    } else {
      connection->plain = std::make_unique<PlainWs>(io);
      co_await run_socket(connection, *connection->plain, endpoints, *parsed);
    }
  }

  template <class Ws>
  net::awaitable<void> run_socket(std::shared_ptr<Connection> connection, Ws& ws,
                                  tcp::resolver::results_type endpoints, GatewayUrl url) {
    auto& lowest = beast::get_lowest_layer(ws);
    lowest.expires_after(std::chrono::seconds(10));
    auto [connect_ec, endpoint] = co_await lowest.async_connect(endpoints, kNoThrow);
    if (connect_ec || connection->dropped || stopped) {
      closed(connection, std::nullopt);
      co_return;
    }
    beast::error_code ignored;
    lowest.socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (std::is_same_v<Ws, TlsWs>) {
      auto& tls_stream = ws.next_layer();
      if (!name_peer(tls_stream, url.host, url.host_is_name)) {
        closed(connection, std::nullopt);
        co_return;
      }
      auto [tls_ec] = co_await tls_stream.async_handshake(net::ssl::stream_base::client, kNoThrow);
      if (tls_ec || connection->dropped || stopped) {
        if (tls_ec && !connection->dropped) {
          std::cerr << "mikami gateway: TLS handshake with " << url.host
                    << " failed: " << tls_ec.message() << "\n";
        }
        closed(connection, std::nullopt);
        co_return;
      }
    }
    lowest.expires_never();
    co_await run_websocket(connection, ws, url);
  }

  template <class Ws>
  net::awaitable<void> run_websocket(std::shared_ptr<Connection> connection, Ws& ws,
                                     GatewayUrl url) {
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws.read_message_max(options.max_message_bytes);
    std::string target = url.path + "?v=10&encoding=json";
    if (options.compress) target += "&compress=zlib-stream";
    auto [handshake_ec] = co_await ws.async_handshake(url.host_header, target, kNoThrow);
    if (handshake_ec || connection->dropped || stopped) {
      closed(connection, std::nullopt);
      co_return;
    }
    connection->open = true;
    shard.on_open();
    run_actions();
    beast::flat_buffer buffer;
    for (;;) {
      auto [read_ec, n] = co_await ws.async_read(buffer, kNoThrow);
      if (stopped) co_return;
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
  net::awaitable<void> write_loop([[maybe_unused]] std::shared_ptr<Impl> self,
                                  std::shared_ptr<Connection> connection, Ws& ws) {
    connection->writing = true;
    while (!connection->outbox.empty() && !connection->dead && !connection->dropped) {
      std::string text = std::move(connection->outbox.front());
      connection->outbox.pop_front();
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(net::buffer(text), kNoThrow);
      if (ec) break;
    }
    connection->writing = false;
  }

  // Keeps one timer armed for the shard's next deadline.
  void rearm() {
    if (stopped) return;
    auto at = shard.next_wakeup();
    if (at == armed_at) return;
    armed_at = at;
    if (!at) {
      wake.cancel();
      return;
    }
    wake.expires_at(*at);
    wake.async_wait([self = shared_from_this()](const beast::error_code& ec) {
      if (ec || self->stopped) return;
      self->armed_at.reset();
      self->shard.poll();
      self->run_actions();
    });
  }

  void begin_stop(bool keep_session) {
    accepting = false;
    shard.shutdown(keep_session);
    for (auto& action : shard.take_actions()) {
      if (!std::holds_alternative<DispatchAction>(action)) execute(action);
    }
    stopped = true;
    wake.cancel();
    if (!closing_gracefully) {
      finish_stop();
      return;
    }
    // Give the close handshake a moment, then drop whatever is left.
    auto timer = std::make_shared<net::steady_timer>(io, kGracefulCloseWait);
    timer->async_wait(
        [self = shared_from_this(), timer](const beast::error_code&) { self->finish_stop(); });
  }

  void finish_stop() {
    if (stop_finished) return;
    stop_finished = true;
    if (current) current->drop();
    stop_done.set_value();
  }

  // Runs `f` on the I/O thread (or directly when that is where we are, or once stopped,
  // when nothing on the I/O thread touches the shard any more).
  template <class F>
  auto read(F f) {
    if (stop_complete.load() || io.get_executor().running_in_this_thread()) return f();
    std::promise<decltype(f())> promise;
    auto future = promise.get_future();
    net::post(io, [&] { promise.set_value(f()); });
    return future.get();
  }

  GatewayClientOptions options;
  DispatchFn on_dispatch;
  FatalFn on_fatal;
  net::io_context& io;
  Shard shard;
  net::steady_timer wake;
  net::ssl::context ssl{net::ssl::context::tls_client};
  // Everything below without a std::atomic is touched on the I/O thread only.
  std::shared_ptr<Connection> current;
  std::optional<core::Clock::TimePoint> armed_at;
  bool closing_gracefully = false;
  bool stopped = false;
  bool stop_finished = false;
  std::promise<void> stop_done;
  // Caller threads.
  std::atomic<bool> started{false};
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> stop_complete{false};
  std::shared_future<void> stop_future;
  // Any thread.
  std::atomic<bool> accepting{true};
  std::atomic<std::size_t> queued{0};
};

core::Result<std::unique_ptr<GatewayClient>> GatewayClient::create(GatewayClientOptions options,
                                                                   DispatchFn on_dispatch,
                                                                   FatalFn on_fatal) {
  auto parsed = gateway_net::parse_gateway_url(options.shard.gateway_url);
  if (!parsed) return core::fail(parsed.error());
  // Only the outer object owns the thread: Impl may die on that thread, which must never
  // destroy (join) itself.
  std::shared_ptr<GatewayIoThread> io_thread = std::move(options.io_thread);
  options.io_thread.reset();
  if (!io_thread) io_thread = GatewayIoThread::create();
  auto impl = std::make_shared<Impl>(std::move(options), std::move(on_dispatch),
                                     std::move(on_fatal), io_thread->impl_->io);
  CORE_RETURN_IF_ERROR(trust_system_and(impl->ssl, impl->options.ca_file));
  impl->stop_future = impl->stop_done.get_future().share();
  return std::unique_ptr<GatewayClient>(new GatewayClient(std::move(io_thread), std::move(impl)));
}

GatewayClient::GatewayClient(std::shared_ptr<GatewayIoThread> io_thread, std::shared_ptr<Impl> impl)
    : io_thread_(std::move(io_thread)), impl_(std::move(impl)) {}

GatewayClient::~GatewayClient() { (void)stop(true); }

void GatewayClient::start() {
  CORE_CHECK(!impl_->started.exchange(true));
  net::post(impl_->io, [self = impl_] {
    if (self->stopped) return;
    self->shard.start();
    self->run_actions();
  });
}

void GatewayClient::request_stop(bool keep_session) {
  if (!impl_->stop_requested.exchange(true)) {
    net::post(impl_->io, [self = impl_, keep_session] { self->begin_stop(keep_session); });
  }
}

GatewaySession GatewayClient::stop(bool keep_session) {
  CORE_CHECK(!io_thread_->on_this_thread());  // it waits for the I/O thread
  request_stop(keep_session);
  impl_->stop_future.wait();
  impl_->stop_complete = true;
  return impl_->shard.session();
}

core::Status GatewayClient::send(GatewayOp op, std::string_view data_json) {
  namespace json = boost::json;
  if (!user_sendable(op)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway send: opcode " + std::to_string(static_cast<int>(op)) +
                          " is not one an application sends (3, 4, 8 or 31)");
  }
  boost::system::error_code ec;
  json::value data = json::parse(data_json, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway send: \"d\" is not JSON (" + ec.message() + ")");
  }
  std::string text =
      json::serialize(json::object{{"op", static_cast<int>(op)}, {"d", std::move(data)}});
  if (text.size() > kMaxGatewayPayloadBytes) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway send: the payload is " + std::to_string(text.size()) +
                          " bytes; Discord allows " + std::to_string(kMaxGatewayPayloadBytes));
  }
  if (!impl_->accepting) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      "gateway send: the client is stopped or closed fatally");
  }
  if (impl_->queued.fetch_add(1) >= impl_->options.max_queued_sends) {
    impl_->queued.fetch_sub(1);
    return core::fail(core::ErrorCode::kUnavailable,
                      "gateway send: " + std::to_string(impl_->options.max_queued_sends) +
                          " payloads already wait for the send budget or a connection");
  }
  net::post(impl_->io, [self = impl_, text = std::move(text)]() mutable {
    if (self->stopped) return;
    self->shard.send(std::move(text));
    self->shard.poll();
    self->run_actions();
  });
  return core::ok_status();
}

ShardState GatewayClient::state() {
  return impl_->read([this] { return impl_->shard.state(); });
}
ShardCounters GatewayClient::counters() {
  return impl_->read([this] { return impl_->shard.counters(); });
}
GatewaySession GatewayClient::session() {
  return impl_->read([this] { return impl_->shard.session(); });
}

}  // namespace mikami
