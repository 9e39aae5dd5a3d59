#include "sandbox_test_client.h"

#include <zlib.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>

namespace mikami::sandbox_test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;

std::string Reply::header(const std::string& name) const {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

json::value Reply::json() const {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  return ec ? json::value(nullptr) : v;
}

Reply api(std::uint16_t port, const Call& call) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  const std::string target =
      call.path.starts_with("/_sandbox/") ? call.path : "/api/v10" + call.path;
  http::request<http::string_body> request(http::string_to_verb(call.method), target, 11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (call.auth) request.set(http::field::authorization, "Bot sandbox-token");
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (!call.body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = call.body;
  request.keep_alive(false);
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  Reply reply;
  reply.status = static_cast<int>(response.result_int());
  reply.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    reply.headers[name] = std::string(field.value());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

Reply api(std::uint16_t port, std::string method, std::string path, std::string body) {
  Call call;
  call.method = std::move(method);
  call.path = std::move(path);
  call.body = std::move(body);
  return api(port, call);
}

json::object stats(std::uint16_t port) {
  Call call;
  call.path = "/_sandbox/stats";
  call.auth = false;
  return api(port, call).json().as_object();
}

struct RawGateway::State {
  net::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
};

RawGateway::RawGateway(std::uint16_t port, const std::string& query)
    : state_(std::make_unique<State>()) {
  beast::get_lowest_layer(state_->ws)
      .connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  state_->ws.handshake("127.0.0.1:" + std::to_string(port), query);
}

RawGateway::~RawGateway() {
  beast::error_code ignored;
  beast::get_lowest_layer(state_->ws).socket().close(ignored);
}

void RawGateway::send(const std::string& text) {
  state_->ws.text(true);
  state_->ws.write(net::buffer(text));
}

std::optional<RawGateway::Frame> RawGateway::read(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  std::optional<Frame> frame;
  bool done = false;
  state_->ws.async_read(state_->buffer, [&](beast::error_code ec, std::size_t) {
    done = true;
    if (ec) {
      closed_ = true;
      close_code_ = state_->ws.reason().code;
      return;
    }
    frame = Frame{state_->ws.got_binary(), beast::buffers_to_string(state_->buffer.data())};
    state_->buffer.consume(state_->buffer.size());
  });
  state_->io.restart();
  state_->io.run_for(timeout);
  if (!done) {
    // Give up: a cancelled WebSocket read leaves the stream unusable, so this ends it.
    beast::get_lowest_layer(state_->ws).socket().cancel();
    state_->io.restart();
    state_->io.run();
    closed_ = true;
    return std::nullopt;
  }
  return frame;
}

std::optional<json::object> RawGateway::read_json(std::chrono::milliseconds timeout) {
  auto frame = read(timeout);
  if (!frame) return std::nullopt;
  const std::string text = frame->binary ? inflate_zlib(frame->data) : frame->data;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::string inflate_zlib(const std::string& data) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return "";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "";
}

}  // namespace mikami::sandbox_test
