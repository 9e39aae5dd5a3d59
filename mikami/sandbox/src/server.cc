// The sandbox's plumbing: the listening socket, TLS, HTTP keep-alive, and handing each
// request to the REST API, the control API or (an upgrade) the gateway. One io_context on
// one thread runs everything.
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <iostream>
#include <type_traits>

#include "context.h"
#include "control_api.h"
#include "gateway.h"
#include "mikami/sandbox.h"
#include "rest_api.h"

namespace mikami {
namespace sandbox {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using net::awaitable;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

class Server {
 public:
  Server(net::io_context& io, const SandboxOptions& options)
      : io_(io),
        context_(options),
        acceptor_(io),
        gateway_(io, context_),
        rest_(context_, gateway_),
        control_(context_, gateway_, rest_) {}

  bool listen(std::uint16_t& port) {
    const SandboxOptions& options = context_.options;
    beast::error_code ec;
    if (!options.tls_cert_file.empty()) {
      tls_ = true;
      ssl_.use_certificate_chain_file(options.tls_cert_file, ec);
      if (!ec) ssl_.use_private_key_file(options.tls_key_file, net::ssl::context::pem, ec);
      if (ec) {
        std::cerr << "mikami-sandbox: cannot load the TLS certificate or key: " << ec.message()
                  << "\n";
        return false;
      }
    }
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      std::cerr << "mikami-sandbox: cannot listen on 127.0.0.1:" << options.port << ": "
                << ec.message() << "\n";
      return false;
    }
    port = acceptor_.local_endpoint().port();
    acceptor_port_ = port;
    context_.ws_url = std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port);
    // Faults asked for on the command line start now.
    if (options.faults.drop_every_ms > 0) {
      gateway_.set_periodic_drop(options.faults.drop_every_ms, options.faults.drop_code);
    }
    net::co_spawn(io_, accept_loop(), net::detached);
    return true;
  }

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
      if (ec) co_return;
      socket.set_option(tcp::no_delay(true));
      net::co_spawn(io_, serve(std::move(socket)), net::detached);
    }
  }

  awaitable<void> serve(tcp::socket socket) {
    if (!tls_) {
      co_await serve_http(beast::tcp_stream(std::move(socket)));
      co_return;
    }
    TlsStream stream(beast::tcp_stream(std::move(socket)), ssl_);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, kNoThrow);
    if (ec) co_return;
    beast::get_lowest_layer(stream).expires_never();
    co_await serve_http(std::move(stream));
  }

  // Only clients on this machine that name the sandbox: a browser page (which sends Origin)
  // or a DNS-rebound name (another Host) is refused.
  bool trusted_client(const Request& request) const {
    if (request.find(http::field::origin) != request.end()) return false;
    const std::string_view host(request[http::field::host].data(),
                                request[http::field::host].size());
    const std::string port = ":" + std::to_string(acceptor_port_);
    for (std::string_view name : {"127.0.0.1", "localhost", "[::1]"}) {
      if (host == std::string(name) + port) return true;
    }
    return false;
  }

  template <class Stream>
  awaitable<void> serve_http(Stream stream) {
    beast::flat_buffer buffer;
    const SandboxOptions& options = context_.options;
    for (;;) {
      Request request;
      auto& lowest = beast::get_lowest_layer(stream);
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        if (buffer.size() == 0) {
          // Idle keep-alive: wait for a first byte, for at most the idle timeout.
          net::steady_timer idle(io_, std::chrono::milliseconds(options.idle_timeout_ms));
          idle.async_wait([&lowest](const beast::error_code& ec) {
            if (!ec) lowest.socket().cancel();  // idle for too long: the wait below fails
          });
          auto [wait_ec] = co_await lowest.socket().async_wait(tcp::socket::wait_read, kNoThrow);
          idle.cancel();
          if (wait_ec) co_return;
        }
        // From its first byte, the whole request within the request timeout: a client that
        // promises a body and never sends it cannot hold the connection.
        lowest.expires_after(std::chrono::milliseconds(options.request_timeout_ms));
      } else {
        // Over TLS the next request's bytes may already sit decrypted inside the stream, where
        // a wait on the socket cannot see them: idle and request time share one deadline.
        lowest.expires_after(
            std::chrono::milliseconds(options.idle_timeout_ms + options.request_timeout_ms));
      }
      auto [ec, n] = co_await http::async_read(stream, buffer, request, kNoThrow);
      if (ec) {
        if (ec == beast::error::timeout) ++context_.stats.http_timeouts;
        co_return;
      }
      lowest.expires_never();
      if (!trusted_client(request)) {
        ++context_.stats.http_untrusted;
        Response refused = discord_error(http::status::forbidden,
                                         "the sandbox serves local clients only: Host must be "
                                         "127.0.0.1, localhost or [::1] with its port, and "
                                         "there must be no Origin",
                                         0);
        refused.keep_alive(false);
        refused.prepare_payload();
        co_await http::async_write(stream, refused, kNoThrow);
        co_return;
      }
      if (websocket::is_upgrade(request)) {
        co_await gateway_.run(std::move(stream), std::move(request));
        co_return;
      }
      const std::string_view target(request.target().data(), request.target().size());
      const bool rest = target.starts_with("/api/v10/");
      if (rest && context_.faults.latency_ms > 0) {
        net::steady_timer timer(io_, std::chrono::milliseconds(context_.faults.latency_ms));
        co_await timer.async_wait(kNoThrow);
      }
      Response response = rest ? rest_.handle(request)
                          : target.starts_with("/_sandbox/")
                              ? control_.handle(request)
                              : discord_error(http::status::not_found, "404: Not Found", 0);
      response.version(request.version());
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [write_ec, m] = co_await http::async_write(stream, response, kNoThrow);
      if (write_ec || !request.keep_alive() || context_.stopping) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (context_.stopping) stop();
        co_return;
      }
    }
  }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  }

  net::io_context& io_;
  Context context_;
  tcp::acceptor acceptor_;
  net::ssl::context ssl_{net::ssl::context::tls_server};
  bool tls_ = false;
  std::uint16_t acceptor_port_ = 0;
  Gateway gateway_;
  RestApi rest_;
  ControlApi control_;
};

}  // namespace
}  // namespace sandbox

int run_sandbox(const SandboxOptions& options,
                const std::function<void(std::uint16_t)>& on_listening) {
  namespace net = boost::asio;
  net::io_context io(1);
  sandbox::Server server(io, options);
  std::uint16_t port = 0;
  if (!server.listen(port)) return 1;
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::beast::error_code&, int) { io.stop(); });
  net::posix::stream_descriptor input(io);
  std::array<char, 256> scratch{};
  std::function<void(const boost::beast::error_code&, std::size_t)> on_input;
  if (options.exit_on_stdin_eof) {
    input.assign(::dup(STDIN_FILENO));
    on_input = [&](const boost::beast::error_code& ec, std::size_t) {
      if (ec) {
        io.stop();  // end of file or error: whoever started us is gone
        return;
      }
      input.async_read_some(net::buffer(scratch), on_input);
    };
    input.async_read_some(net::buffer(scratch), on_input);
  }
  if (on_listening) on_listening(port);
  io.run();
  return 0;
}

}  // namespace mikami
