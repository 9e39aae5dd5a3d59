#include "mikami/app/local_http.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>

namespace mikami::app {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

}  // namespace

struct LocalHttpClient::Impl {
  std::string host;
  std::uint16_t port;
  net::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  core::Status connect() {
    stream.emplace(io);
    beast::error_code ec;
    stream->socket().connect(tcp::endpoint(net::ip::make_address(host, ec), port), ec);
    if (ec) {
      stream.reset();
      return core::fail(core::ErrorCode::kUnavailable,
                        "cannot reach " + host + ":" + std::to_string(port) + ": " + ec.message());
    }
    stream->socket().set_option(tcp::no_delay(true), ec);
    buffer.clear();
    return core::ok_status();
  }

  core::Result<HttpReply> once(const std::string& method, const std::string& target,
                               const std::string& body) {
    if (!stream) CORE_RETURN_IF_ERROR(connect());
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, host + ":" + std::to_string(port));
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    beast::error_code ec;
    http::write(*stream, request, ec);
    http::response<http::string_body> response;
    if (!ec) http::read(*stream, buffer, response, ec);
    if (ec) {
      stream.reset();
      return core::fail(core::ErrorCode::kUnavailable, method + " " + target + ": " + ec.message());
    }
    if (!response.keep_alive()) stream.reset();
    return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
  }
};

LocalHttpClient::LocalHttpClient(std::string host, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

LocalHttpClient::~LocalHttpClient() = default;

core::Result<HttpReply> LocalHttpClient::request(const std::string& method,
                                                 const std::string& target,
                                                 const std::string& body) {
  const bool reused = impl_->stream.has_value();
  auto reply = impl_->once(method, target, body);
  if (!reply && reused) reply = impl_->once(method, target, body);  // the server closed it
  return reply;
}

struct MetricsServer::Impl {
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::function<std::string()> render;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      serve(std::move(socket));
      accept();
    });
  }

  // One request per connection, answered synchronously: scrapes are rare and small.
  void serve(tcp::socket socket) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    socket.non_blocking(false, ec);
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(5));
    http::read(stream, buffer, request, ec);
    if (ec) return;
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(false);
    if (request.method() == http::verb::get && request.target() == "/metrics") {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() = render();
    } else {
      response.result(http::status::not_found);
      response.body() = "only GET /metrics is served here\n";
    }
    response.prepare_payload();
    http::write(stream, response, ec);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
};

core::Result<std::unique_ptr<MetricsServer>> MetricsServer::start(
    const std::string& listen, std::function<std::string()> render) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "metrics: '" + listen + "' is not host:port");
  }
  auto impl = std::make_unique<Impl>();
  impl->render = std::move(render);
  beast::error_code ec;
  const auto address = net::ip::make_address(listen.substr(0, colon), ec);
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
  }
  if (ec || port < 0 || port > 65535) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "metrics: '" + listen + "' is not an IP address and port");
  }
  tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "metrics: cannot listen on " + listen + ": " + ec.message());
  }
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  net::post(impl_->io, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->io.stop();
  });
  impl_->thread.join();
}

std::uint16_t MetricsServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace mikami::app
