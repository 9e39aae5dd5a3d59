#include "autobets/http_server.h"

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api.h"
#include "metrics.h"

namespace autobets {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using http_api::Response;

class Session;

struct HttpServer::Impl {
  Impl(Service& service, KeyStore& keys, ServerOptions server_options)
      : options(std::move(server_options)), api(service, keys, metrics) {}

  ServerOptions options;
  http_api::Metrics metrics;
  http_api::Api api;
  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  std::vector<std::thread> threads;
  std::atomic<bool> draining = false;
  std::once_flag drained;

  std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // sessions_mutex
  std::atomic<std::size_t> connections = 0;

  void accept();
  void refuse(tcp::socket socket);
};

// One connection: read a request (the idle deadline until its first byte, then the request
// deadline until its last), hand it to the API, write the response, and again while the
// client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    ++server_.connections;
    server_.metrics.connection_opened();
  }
  ~Session() {
    --server_.connections;
    server_.metrics.connection_closed();
    std::lock_guard lock(server_.sessions_mutex);
    server_.sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard lock(server_.sessions_mutex);
      server_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait(); });
  }

  // Closes the connection if it is waiting between requests (on the session's strand).
  void stop_if_idle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->stream_.cancel();
    });
  }

 private:
  void wait() {
    if (server_.draining) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    if (buffer_.size() > 0) return read();  // a pipelined request is already here
    idle_ = true;
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code error, std::size_t n) {
                              self->idle_ = false;
                              if (error) return self->close();
                              self->buffer_.commit(n);
                              self->read();
                            });
  }

  void read() {
    started_ = std::chrono::steady_clock::now();
    // A timer of its own rather than the stream's expiry, which would close the socket
    // before the 408 could be written.
    stream_.expires_never();
    timed_out_ = false;
    deadline_.expires_after(server_.options.request_timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code error) {
      if (error) return;
      self->timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->deadline_.cancel();
                       self->on_read(error);
                     });
  }

  void on_read(beast::error_code error) {
    if (error) {
      if (timed_out_) {
        return fail(http::status::request_timeout, "request_timeout",
                    "the request did not arrive within " +
                        std::to_string(server_.options.request_timeout.count()) + " ms");
      }
      if (error == http::error::header_limit) {
        return fail(http::status::request_header_fields_too_large, "header_too_large",
                    "the request's headers exceed " +
                        std::to_string(server_.options.max_header_bytes) + " bytes");
      }
      if (error == http::error::body_limit) {
        return fail(http::status::payload_too_large, "payload_too_large",
                    "the request body exceeds " + std::to_string(server_.options.max_body_bytes) +
                        " bytes");
      }
      if (error.category() == beast::error_code(http::error::end_of_stream).category() &&
          error != http::error::end_of_stream && error != http::error::partial_message) {
        return fail(http::status::bad_request, "bad_request",
                    "malformed HTTP request: " + error.message());
      }
      return close();  // the client went away (possibly mid-request): nobody to answer
    }
    auto request = std::make_shared<http_api::Request>(parser_->release());
    bool keep_alive = request->keep_alive();
    unsigned version = request->version();
    // Keeps the I/O threads running while the engine holds the request.
    auto work = net::prefer(server_.ioc.get_executor(), net::execution::outstanding_work.tracked);
    auto executor = stream_.get_executor();
    server_.api.handle(
        *request,
        // On the strand (inline, or from a task given to post below), or from any thread.
        [self = shared_from_this(), keep_alive, version](Response response) {
          net::dispatch(self->stream_.get_executor(),
                        [self, keep_alive, version, response = std::move(response)]() mutable {
                          self->write(std::move(response), keep_alive, version);
                        });
        },
        [executor, work](std::function<void()> task) { net::post(executor, std::move(task)); });
  }

  // Answers a request that could not be read, then closes.
  void fail(http::status status, std::string_view code, const std::string& message) {
    lingering_ = true;
    write(http_api::error_response(status, code, message), false, 11);
  }

  void write(Response response, bool keep_alive, unsigned version) {
    keep_alive = keep_alive && !server_.draining;
    response.version(version);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    server_.metrics.record(response.result_int(), std::chrono::steady_clock::now() - started_);
    auto owned = std::make_shared<Response>(std::move(response));
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(
        stream_, *owned,
        [self = shared_from_this(), owned, keep_alive](beast::error_code error, std::size_t) {
          if (!error && self->lingering_) return self->linger();
          if (error || !keep_alive) return self->close();
          self->wait();
        });
  }

  // After an error answer the client may still be sending (the rest of an oversized
  // request): closing with unread data would reset the connection and could destroy the
  // answer before the client reads it. So stop sending and discard what arrives, for a
  // bounded time.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    discard();
  }
  void discard() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->close();
                              self->discard();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer::Impl& server_;
  bool idle_ = false;       // waiting for the first byte of a request (strand)
  bool timed_out_ = false;  // the request deadline passed (strand)
  bool lingering_ = false;  // an error answer is closing the connection (strand)
  net::steady_timer deadline_{stream_.get_executor()};
  std::array<char, 4096> discard_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code error, tcp::socket socket) {
    if (error == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!error) {
      if (connections >= options.max_connections) {
        refuse(std::move(socket));
      } else {
        std::make_shared<Session>(std::move(socket), *this)->start();
      }
    }
    accept();
  });
}

// Over the maximum: a short 503 written at once (it fits any socket buffer), then closed.
void HttpServer::Impl::refuse(tcp::socket socket) {
  metrics.connection_refused();
  Response response = http_api::error_response(
      http::status::service_unavailable, "too_many_connections",
      "the server has " + std::to_string(options.max_connections) + " connections open", true);
  response.keep_alive(false);
  response.prepare_payload();
  beast::error_code ignored;
  http::write(socket, response, ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { drain(); }

core::Result<std::unique_ptr<HttpServer>> HttpServer::start(Service& service, KeyStore& keys,
                                                            ServerOptions options) {
  const std::string& listen = options.listen;
  auto colon = listen.rfind(':');
  std::uint16_t port = 0;
  beast::error_code error;
  net::ip::address address;
  if (colon != std::string::npos) {
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    address = net::ip::make_address(host, error);
    auto [end, parsed] =
        std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
    if (parsed != std::errc() || end != listen.data() + listen.size())
      error = net::error::invalid_argument;
  }
  if (colon == std::string::npos || error) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "--listen '" + listen + "' is not HOST:PORT with a numeric host (e.g. " +
                          "127.0.0.1:8088)");
  }
  auto impl = std::make_unique<Impl>(service, keys, std::move(options));
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl->acceptor;
  if (acceptor.open(endpoint.protocol(), error) ||
      acceptor.set_option(net::socket_base::reuse_address(true), error) ||
      acceptor.bind(endpoint, error) ||
      acceptor.listen(net::socket_base::max_listen_connections, error)) {
    return core::fail(core::ErrorCode::kIo, "cannot listen on " + listen + ": " + error.message());
  }
  impl->accept();
  std::size_t threads = std::max<std::size_t>(1, impl->options.threads);
  for (std::size_t i = 0; i < threads; ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const {
  beast::error_code ignored;
  return impl_->acceptor.local_endpoint(ignored).port();
}

void HttpServer::drain() {
  std::call_once(impl_->drained, [this] {
    Impl& impl = *impl_;
    impl.draining = true;
    impl.api.set_draining();
    net::post(impl.acceptor.get_executor(), [&impl] {
      beast::error_code ignored;
      impl.acceptor.close(ignored);
    });
    // Collected first: the last reference to a session may drop here, and its destructor
    // takes sessions_mutex.
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(impl.sessions_mutex);
      for (auto& [raw, weak] : impl.sessions) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (auto& session : live) session->stop_if_idle();
    live.clear();
    for (auto& thread : impl.threads) thread.join();
  });
}

}  // namespace autobets
