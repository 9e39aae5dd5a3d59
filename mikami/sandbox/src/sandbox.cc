// The sandbox server. One io_context on one thread owns every piece of state, so nothing
// here needs a lock (STYLE.md: state has one owner).
#include "mikami/sandbox.h"

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
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "mikami/zlib_stream.h"

namespace mikami {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using net::awaitable;
using SteadyTime = std::chrono::steady_clock::time_point;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

std::string seconds_text(std::chrono::steady_clock::duration d) {
  double s = std::max(0.0, std::chrono::duration<double>(d).count());
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", s);
  return buffer;
}

struct Connection;

struct Session {
  std::string id;
  std::int64_t seq = 0;
  std::deque<std::pair<std::int64_t, std::string>> buffer;  // (seq, payload text)
  bool valid = true;
  std::weak_ptr<Connection> connection;
};

struct Outgoing {
  std::string text;
  std::optional<std::uint16_t> close_code;  // a close frame instead of a message
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<TlsStream>;

struct Connection {
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> tls;
  void drop() {
    beast::error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) beast::get_lowest_layer(*plain).socket().close(ignored);
  }
  std::deque<Outgoing> outbox;
  bool writing = false;
  bool closing = false;
  bool zlib = false;
  bool acks = true;
  std::unique_ptr<ZlibStreamDeflater> deflater;
  std::string session_id;
};

struct Stats {
  std::int64_t rest_requests = 0;
  std::int64_t rest_429_user = 0;
  std::int64_t rest_429_shared = 0;
  std::int64_t rest_429_global = 0;
  std::int64_t rest_5xx = 0;
  std::int64_t rest_401 = 0;
  std::int64_t messages_created = 0;
  std::int64_t interaction_callbacks = 0;
  std::int64_t followups = 0;
  std::int64_t connections = 0;
  std::int64_t identifies = 0;
  std::int64_t resumes = 0;
  std::int64_t resume_failures = 0;
  std::int64_t heartbeats = 0;
  std::int64_t events = 0;
};

struct Window {
  SteadyTime reset_at{};
  int remaining = 0;
};

struct RouteInfo {
  std::string hash;  // empty: not rate limited
  std::string major;
  bool global_exempt = false;
  bool needs_bot_auth = true;
  std::string kind;
};

class Sandbox {
 public:
  Sandbox(net::io_context& io, SandboxOptions options)
      : io_(io), options_(std::move(options)), acceptor_(io) {}

  bool listen(std::uint16_t& port) {
    beast::error_code ec;
    if (!options_.tls_cert_file.empty()) {
      tls_ = true;
      ssl_.use_certificate_chain_file(options_.tls_cert_file, ec);
      if (!ec) ssl_.use_private_key_file(options_.tls_key_file, net::ssl::context::pem, ec);
      if (ec) {
        std::cerr << "mikami-sandbox: cannot load the TLS certificate or key: " << ec.message()
                  << "\n";
        return false;
      }
    }
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      std::cerr << "mikami-sandbox: cannot listen on 127.0.0.1:" << options_.port << ": "
                << ec.message() << "\n";
      return false;
    }
    port_ = acceptor_.local_endpoint().port();
    port = port_;
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

  template <class Stream>
  awaitable<void> serve_http(Stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
      Request request;
      auto [ec, n] = co_await http::async_read(stream, buffer, request, kNoThrow);
      if (ec) co_return;
      if (websocket::is_upgrade(request)) {
        co_await run_gateway(std::move(stream), std::move(request));
        co_return;
      }
      if (latency_ms_ > 0) {
        net::steady_timer timer(io_, std::chrono::milliseconds(latency_ms_));
        co_await timer.async_wait(kNoThrow);
      }
      Response response = handle_http(request);
      response.version(request.version());
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [write_ec, m] = co_await http::async_write(stream, response, kNoThrow);
      if (write_ec || !request.keep_alive() || stopping_) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
        if (stopping_) stop();
        co_return;
      }
    }
  }

  // ---- REST ----

  static Response json_response(http::status status, const json::value& body) {
    Response response(status, 11);
    response.set(http::field::content_type, "application/json");
    response.body() = json::serialize(body);
    return response;
  }
  static Response empty_response(http::status status) { return Response(status, 11); }

  static std::vector<std::string> split(std::string_view path) {
    if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
      auto end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      if (end > start) parts.emplace_back(path.substr(start, end - start));
      start = end + 1;
    }
    return parts;
  }

  Response handle_http(const Request& request) {
    std::string target(request.target());
    if (target.rfind("/_sandbox/", 0) == 0) return handle_control(request, split(target));
    if (target.rfind("/api/v10/", 0) != 0) {
      return json_response(http::status::not_found, {{"message", "404: Not Found"}, {"code", 0}});
    }
    ++stats_.rest_requests;
    auto parts = split(target.substr(8));
    RouteInfo route;
    const auto verb = request.method();
    if (parts.size() == 2 && parts[0] == "gateway" && parts[1] == "bot" &&
        verb == http::verb::get) {
      route.kind = "gateway_bot";
    } else if (parts.size() == 3 && parts[0] == "channels" && parts[2] == "messages" &&
               verb == http::verb::post) {
      route = {"sandbox-messages", parts[1], false, true, "message_create"};
    } else if (parts.size() == 4 && parts[0] == "channels" && parts[2] == "messages" &&
               verb == http::verb::patch) {
      route = {"sandbox-messages", parts[1], false, true, "message_edit"};
    } else if (parts.size() == 4 && parts[0] == "interactions" && parts[3] == "callback" &&
               verb == http::verb::post) {
      route = {"sandbox-interaction", parts[1], true, false, "interaction_callback"};
    } else if (parts.size() >= 3 && parts[0] == "webhooks") {
      route = {"sandbox-webhook", parts[1] + "/" + parts[2], true, false, "followup"};
    } else if (parts.size() == 3 && parts[0] == "applications" && parts[2] == "commands" &&
               verb == http::verb::put) {
      route = {"sandbox-commands", "", false, true, "commands"};
    } else {
      return json_response(http::status::not_found, {{"message", "404: Not Found"}, {"code", 0}});
    }
    if (route.needs_bot_auth && request[http::field::authorization] != "Bot " + options_.token) {
      ++stats_.rest_401;
      return json_response(http::status::unauthorized,
                           {{"message", "401: Unauthorized"}, {"code", 0}});
    }
    const SteadyTime now = std::chrono::steady_clock::now();
    if (fail_5xx_remaining_ > 0) {
      --fail_5xx_remaining_;
      ++stats_.rest_5xx;
      return json_response(http::status::bad_gateway, {{"message", "502: Bad Gateway"}});
    }
    if (storm_remaining_ > 0) {
      --storm_remaining_;
      return too_many(route, std::chrono::milliseconds(storm_retry_ms_), "shared");
    }
    if (!route.global_exempt && route.kind != "gateway_bot") {
      if (now >= global_window_.reset_at) {
        global_window_ = Window{now + std::chrono::milliseconds(options_.global_window_ms),
                                options_.global_limit};
      }
      if (global_window_.remaining <= 0) {
        return too_many(route, global_window_.reset_at - now, "global");
      }
      --global_window_.remaining;
    }
    Response response = empty_response(http::status::ok);
    if (!route.hash.empty()) {
      Window& window = buckets_[route.hash + "@" + route.major];
      if (now >= window.reset_at) {
        window = Window{now + std::chrono::milliseconds(options_.bucket_window_ms),
                        options_.bucket_limit};
      }
      if (window.remaining <= 0) {
        if (!route.global_exempt && route.kind != "gateway_bot") ++global_window_.remaining;
        return too_many(route, window.reset_at - now, "user");
      }
      --window.remaining;
      response = serve_route(route, request);
      set_limit_headers(response, route, window, now);
    } else {
      response = serve_route(route, request);
    }
    return response;
  }

  void set_limit_headers(Response& response, const RouteInfo& route, const Window& window,
                         SteadyTime now) {
    response.set("X-RateLimit-Limit", std::to_string(options_.bucket_limit));
    response.set("X-RateLimit-Remaining", std::to_string(window.remaining));
    const auto reset_after = window.reset_at - now;
    response.set("X-RateLimit-Reset-After", seconds_text(reset_after));
    const double reset_epoch =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch() +
                                      reset_after)
            .count();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", reset_epoch);
    response.set("X-RateLimit-Reset", buffer);
    response.set("X-RateLimit-Bucket", route.hash);
  }

  Response too_many(const RouteInfo& route, std::chrono::steady_clock::duration retry_after,
                    std::string_view scope) {
    if (scope == "user") ++stats_.rest_429_user;
    if (scope == "shared") ++stats_.rest_429_shared;
    if (scope == "global") ++stats_.rest_429_global;
    const double seconds = std::max(0.001, std::chrono::duration<double>(retry_after).count());
    const bool global = scope == "global";
    Response response = json_response(http::status::too_many_requests,
                                      {{"message", "You are being rate limited."},
                                       {"retry_after", std::round(seconds * 1000.0) / 1000.0},
                                       {"global", global}});
    response.set(http::field::retry_after, std::to_string(static_cast<int>(std::ceil(seconds))));
    response.set("X-RateLimit-Scope", std::string(scope));
    if (global) {
      response.set("X-RateLimit-Global", "true");
    } else if (!route.hash.empty()) {
      response.set("X-RateLimit-Limit", std::to_string(options_.bucket_limit));
      response.set("X-RateLimit-Remaining", scope == "user" ? "0" : "1");
      response.set("X-RateLimit-Reset-After", seconds_text(retry_after));
      response.set("X-RateLimit-Bucket", route.hash);
    }
    return response;
  }

  Response serve_route(const RouteInfo& route, const Request& request) {
    if (route.kind == "gateway_bot") {
      return json_response(
          http::status::ok,
          {{"url", ws_url()},
           {"shards", 1},
           {"session_start_limit",
            {{"total", 1000}, {"remaining", 1000}, {"reset_after", 0}, {"max_concurrency", 1}}}});
    }
    json::value body;
    if (!request.body().empty()) {
      boost::system::error_code ec;
      body = json::parse(request.body(), ec);
      if (ec)
        return json_response(http::status::bad_request,
                             {{"message", "400: Bad Request"}, {"code", 50109}});
    }
    if (route.kind == "message_create" || route.kind == "message_edit" ||
        route.kind == "followup") {
      if (route.kind == "message_create") ++stats_.messages_created;
      if (route.kind == "followup") ++stats_.followups;
      json::object message{
          {"id", std::to_string(next_snowflake_++)}, {"channel_id", route.major}, {"content", ""}};
      if (body.is_object()) {
        if (auto* content = body.as_object().if_contains("content")) message["content"] = *content;
      }
      return json_response(http::status::ok, message);
    }
    if (route.kind == "interaction_callback") {
      ++stats_.interaction_callbacks;
      return empty_response(http::status::no_content);
    }
    if (route.kind == "commands")
      return json_response(http::status::ok, body.is_array() ? body : json::array());
    return empty_response(http::status::no_content);
  }

  // ---- control API ----

  Response handle_control(const Request& request, const std::vector<std::string>& parts) {
    if (parts.size() != 2) return empty_response(http::status::not_found);
    const std::string& what = parts[1];
    json::object body;
    if (!request.body().empty()) {
      boost::system::error_code ec;
      auto parsed = json::parse(request.body(), ec);
      if (ec || !parsed.is_object()) {
        return json_response(http::status::bad_request,
                             {{"message", "body must be a JSON object"}});
      }
      body = parsed.as_object();
    }
    auto number = [&](std::string_view key, std::int64_t fallback) -> std::int64_t {
      auto* v = body.if_contains(key);
      if (v == nullptr) return fallback;
      boost::system::error_code ec;
      auto n = v->to_number<std::int64_t>(ec);
      return ec ? fallback : n;
    };
    if (what == "stats" && request.method() == http::verb::get) {
      json::object s{{"rest_requests", stats_.rest_requests},
                     {"rest_429_user", stats_.rest_429_user},
                     {"rest_429_shared", stats_.rest_429_shared},
                     {"rest_429_global", stats_.rest_429_global},
                     {"rest_5xx", stats_.rest_5xx},
                     {"rest_401", stats_.rest_401},
                     {"messages_created", stats_.messages_created},
                     {"interaction_callbacks", stats_.interaction_callbacks},
                     {"followups", stats_.followups},
                     {"connections", stats_.connections},
                     {"identifies", stats_.identifies},
                     {"resumes", stats_.resumes},
                     {"resume_failures", stats_.resume_failures},
                     {"heartbeats", stats_.heartbeats},
                     {"events", stats_.events}};
      return json_response(http::status::ok, s);
    }
    if (request.method() != http::verb::post)
      return empty_response(http::status::method_not_allowed);
    if (what == "shutdown") {
      stopping_ = true;
      return empty_response(http::status::no_content);
    }
    if (what == "dispatch") {
      const auto count = number("count", 1);
      const std::string channel = body.contains("channel_id") && body.at("channel_id").is_string()
                                      ? std::string(body.at("channel_id").as_string())
                                      : "100";
      for (std::int64_t i = 0; i < count; ++i) {
        json::object d{{"id", std::to_string(next_snowflake_++)},
                       {"channel_id", channel},
                       {"content", "event " + std::to_string(i)},
                       {"author", {{"id", "1"}, {"username", "member"}}}};
        dispatch_to_all("MESSAGE_CREATE", d);
      }
      return empty_response(http::status::no_content);
    }
    if (what != "fault") return empty_response(http::status::not_found);
    const std::string kind = body.contains("kind") && body.at("kind").is_string()
                                 ? std::string(body.at("kind").as_string())
                                 : "";
    if (kind == "close") {
      const auto code = static_cast<std::uint16_t>(number("code", 4000));
      for (auto& c : live_connections()) {
        if (code == 4007 || code == 4009) invalidate(c->session_id);
        enqueue_close(c, code);
      }
    } else if (kind == "reset") {
      for (auto& c : live_connections()) c->drop();
    } else if (kind == "reconnect") {
      for (auto& c : live_connections())
        send(c, json::serialize(json::object{{"op", 7}, {"d", nullptr}}));
    } else if (kind == "invalid_session") {
      const bool resumable = body.contains("resumable") && body.at("resumable").is_bool() &&
                             body.at("resumable").as_bool();
      for (auto& c : live_connections()) {
        if (!resumable) invalidate(c->session_id);
        send(c, json::serialize(json::object{{"op", 9}, {"d", resumable}}));
      }
    } else if (kind == "stop_acks") {
      for (auto& c : live_connections()) c->acks = false;
    } else if (kind == "rest_429") {
      storm_remaining_ = static_cast<int>(number("count", 1));
      storm_retry_ms_ = static_cast<int>(number("retry_after_ms", 1000));
    } else if (kind == "rest_5xx") {
      fail_5xx_remaining_ = static_cast<int>(number("count", 1));
    } else if (kind == "latency") {
      latency_ms_ = static_cast<int>(number("ms", 0));
    } else {
      return json_response(http::status::bad_request, {{"message", "unknown fault kind"}});
    }
    return empty_response(http::status::no_content);
  }

  // ---- gateway ----

  std::vector<std::shared_ptr<Connection>> live_connections() {
    std::vector<std::shared_ptr<Connection>> out;
    for (const auto& c : connections_) {
      if (!c->closing) out.push_back(c);
    }
    return out;
  }

  void invalidate(const std::string& session_id) {
    if (auto it = sessions_.find(session_id); it != sessions_.end()) it->second.valid = false;
  }

  void send(const std::shared_ptr<Connection>& c, std::string text) {
    if (c->closing) return;
    c->outbox.push_back(Outgoing{std::move(text), std::nullopt});
    start_writing(c);
  }

  void enqueue_close(const std::shared_ptr<Connection>& c, std::uint16_t code) {
    if (c->closing) return;
    c->closing = true;
    c->outbox.push_back(Outgoing{"", code});
    start_writing(c);
  }

  void start_writing(const std::shared_ptr<Connection>& c) {
    if (c->writing) return;
    if (c->tls) {
      net::co_spawn(io_, write_loop(c, *c->tls), net::detached);
    } else {
      net::co_spawn(io_, write_loop(c, *c->plain), net::detached);
    }
  }

  template <class Ws>
  awaitable<void> write_loop(std::shared_ptr<Connection> c, Ws& ws) {
    c->writing = true;
    while (!c->outbox.empty()) {
      Outgoing next = std::move(c->outbox.front());
      c->outbox.pop_front();
      if (next.close_code) {
        websocket::close_reason reason(*next.close_code);
        co_await ws.async_close(reason, kNoThrow);
        break;
      }
      std::string wire = c->zlib ? c->deflater->compress(next.text) : std::move(next.text);
      auto [ec, n] = co_await ws.async_write(net::buffer(wire), kNoThrow);
      if (ec) break;
    }
    c->writing = false;
  }

  void dispatch(Session& session, std::string_view type, const json::value& data) {
    const std::int64_t seq = ++session.seq;
    std::string text =
        json::serialize(json::object{{"op", 0}, {"s", seq}, {"t", type}, {"d", data}});
    session.buffer.emplace_back(seq, text);
    while (session.buffer.size() > options_.replay_buffer) session.buffer.pop_front();
    ++stats_.events;
    if (auto c = session.connection.lock(); c && c->session_id == session.id)
      send(c, std::move(text));
  }

  void dispatch_to_all(std::string_view type, const json::value& data) {
    for (auto& [id, session] : sessions_) {
      // Events also happen while a bot is disconnected; RESUME replays them.
      if (session.valid) dispatch(session, type, data);
    }
  }

  template <class Stream>
  awaitable<void> run_gateway(Stream stream, Request request) {
    auto c = std::make_shared<Connection>();
    auto owned = std::make_unique<websocket::stream<Stream>>(std::move(stream));
    auto& ws = *owned;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      c->tls = std::move(owned);
    } else {
      c->plain = std::move(owned);
    }
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    c->zlib = request.target().find("compress=zlib-stream") != beast::string_view::npos;
    if (c->zlib) c->deflater = std::make_unique<ZlibStreamDeflater>();
    auto [ec] = co_await ws.async_accept(request, kNoThrow);
    if (ec) co_return;
    ws.binary(c->zlib);
    ++stats_.connections;
    connections_.insert(c);
    send(c, json::serialize(
                json::object{{"op", 10},
                             {"s", nullptr},
                             {"t", nullptr},
                             {"d", {{"heartbeat_interval", options_.heartbeat_interval_ms}}}}));
    beast::flat_buffer buffer;
    for (;;) {
      auto [read_ec, n] = co_await ws.async_read(buffer, kNoThrow);
      if (read_ec) break;
      std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      on_client_message(c, text);
    }
    c->closing = true;
    connections_.erase(c);
  }

  void on_client_message(const std::shared_ptr<Connection>& c, const std::string& text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object() || !v.as_object().contains("op") || !v.at("op").is_int64()) {
      enqueue_close(c, 4002);
      return;
    }
    const auto op = v.at("op").as_int64();
    const json::value* d = v.as_object().if_contains("d");
    switch (op) {
      case 1:
        ++stats_.heartbeats;
        if (c->acks) send(c, R"({"op":11})");
        break;
      case 2: {
        const json::object* data = d ? d->if_object() : nullptr;
        const json::value* token = data ? data->if_contains("token") : nullptr;
        if (token == nullptr || !token->is_string() || token->as_string() != options_.token) {
          enqueue_close(c, 4004);
          return;
        }
        if (!c->session_id.empty()) {
          enqueue_close(c, 4005);
          return;
        }
        ++stats_.identifies;
        std::string id = "sandbox-session-" + std::to_string(next_session_++);
        Session& session = sessions_[id];
        session.id = id;
        session.connection = c;
        c->session_id = id;
        dispatch(
            session, "READY",
            json::object{{"v", 10},
                         {"session_id", id},
                         {"resume_gateway_url", ws_url()},
                         {"user", {{"id", "1000"}, {"username", "mikami"}, {"bot", true}}},
                         {"guilds", json::array{json::object{{"id", "1"}, {"unavailable", true}}}},
                         {"shard", json::array{0, 1}}});
        dispatch(session, "GUILD_CREATE",
                 json::object{{"id", "1"}, {"name", "Sandbox"}, {"channels", json::array{}}});
        break;
      }
      case 6: {
        ++stats_.resumes;
        const json::object* data = d ? d->if_object() : nullptr;
        const json::value* sid = data ? data->if_contains("session_id") : nullptr;
        const json::value* seq = data ? data->if_contains("seq") : nullptr;
        const json::value* token = data ? data->if_contains("token") : nullptr;
        if (token == nullptr || !token->is_string() || token->as_string() != options_.token) {
          enqueue_close(c, 4004);
          return;
        }
        auto it = sid && sid->is_string() ? sessions_.find(std::string(sid->as_string()))
                                          : sessions_.end();
        std::int64_t from = seq && seq->is_int64() ? seq->as_int64() : -1;
        if (it == sessions_.end() || !it->second.valid || from < 0 || from > it->second.seq ||
            (!it->second.buffer.empty() && it->second.buffer.front().first > from + 1)) {
          ++stats_.resume_failures;
          send(c, R"({"op":9,"d":false})");
          return;
        }
        Session& session = it->second;
        if (auto old = session.connection.lock(); old && old != c) enqueue_close(old, 4000);
        session.connection = c;
        c->session_id = session.id;
        for (const auto& [s, payload] : session.buffer) {
          if (s > from) send(c, payload);
        }
        dispatch(session, "RESUMED", nullptr);
        break;
      }
      default:
        break;
    }
  }

  std::string ws_url() const {
    return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_);
  }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  }

  net::io_context& io_;
  SandboxOptions options_;
  tcp::acceptor acceptor_;
  net::ssl::context ssl_{net::ssl::context::tls_server};
  bool tls_ = false;
  std::uint16_t port_ = 0;
  Stats stats_;
  std::map<std::string, Session> sessions_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::map<std::string, Window> buckets_;
  Window global_window_;
  std::int64_t next_session_ = 1;
  std::int64_t next_snowflake_ = 200'000'000'000'000'000;
  int storm_remaining_ = 0;
  int storm_retry_ms_ = 1000;
  int fail_5xx_remaining_ = 0;
  int latency_ms_ = 0;
  bool stopping_ = false;
};

}  // namespace

int run_sandbox(const SandboxOptions& options,
                const std::function<void(std::uint16_t)>& on_listening) {
  net::io_context io(1);
  Sandbox sandbox(io, options);
  std::uint16_t port = 0;
  if (!sandbox.listen(port)) return 1;
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code&, int) { io.stop(); });
  net::posix::stream_descriptor input(io);
  std::array<char, 256> scratch{};
  std::function<void(const beast::error_code&, std::size_t)> on_input;
  if (options.exit_on_stdin_eof) {
    input.assign(::dup(STDIN_FILENO));
    on_input = [&](const beast::error_code& ec, std::size_t) {
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
