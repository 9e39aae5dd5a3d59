#include "gateway.h"

#include <zlib.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <optional>
#include <type_traits>

#include "mikami/zlib_stream.h"

namespace mikami::sandbox {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using net::awaitable;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<TlsStream>;

struct Session {
  std::string id;
  std::int64_t seq = 0;
  std::deque<std::pair<std::int64_t, std::string>> buffer;  // (seq, payload text)
  bool valid = true;
  bool compress = false;  // IDENTIFY asked for payload compression
  bool has_guild = true;  // the guild's events go to its shard only
  std::weak_ptr<Connection> connection;
};

struct Outgoing {
  std::string text;
  std::optional<std::uint16_t> close_code;  // a close frame instead of a message
  bool compress = false;                    // one complete zlib stream, binary
};

struct Connection {
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> tls;
  void drop() {
    beast::error_code ignored;
    if (tls) beast::get_lowest_layer(*tls).socket().close(ignored);
    if (plain) beast::get_lowest_layer(*plain).socket().close(ignored);
  }
  std::deque<Outgoing> outbox;
  std::size_t outbox_bytes = 0;  // of the texts waiting in outbox
  bool writing = false;
  bool closing = false;
  bool zlib = false;              // zlib-stream transport compression
  bool payload_compress = false;  // IDENTIFY "compress": true
  bool acks = true;
  std::unique_ptr<ZlibStreamDeflater> deflater;
  std::string session_id;
};

namespace {

// Payload compression compresses some payloads only, the large ones (READY, GUILD_CREATE);
// small ones (most events, ACKs) stay text frames, as on Discord.
constexpr std::size_t kPayloadCompressionMin = 1024;

// Payload compression: each payload on its own, a complete zlib stream.
std::string zlib_compress(std::string_view text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
            Z_DEFAULT_COMPRESSION);
  out.resize(size);
  return out;
}

}  // namespace

Gateway::Gateway(net::io_context& io, Context& context) : io_(io), context_(context) {}

Gateway::~Gateway() = default;

std::vector<std::shared_ptr<Connection>> Gateway::live_connections() {
  std::vector<std::shared_ptr<Connection>> out;
  for (const auto& c : connections_) {
    if (!c->closing) out.push_back(c);
  }
  return out;
}

void Gateway::invalidate(const std::string& session_id) {
  if (auto it = sessions_.find(session_id); it != sessions_.end()) it->second.valid = false;
}

void Gateway::send(const std::shared_ptr<Connection>& c, std::string text) {
  if (c->closing) return;
  const bool compress = c->payload_compress && text.size() >= kPayloadCompressionMin;
  if (c->outbox_bytes + text.size() > context_.options.max_outbox_bytes) {
    // A client that does not read: dropped rather than buffered without end. Its events
    // stay in the session's replay buffer for a RESUME.
    ++context_.stats.slow_consumer_drops;
    c->closing = true;
    c->outbox.clear();
    c->outbox_bytes = 0;
    c->drop();
    return;
  }
  if (compress) ++context_.stats.payloads_compressed;
  c->outbox_bytes += text.size();
  c->outbox.push_back(Outgoing{std::move(text), std::nullopt, compress});
  start_writing(c);
}

void Gateway::enqueue_close(const std::shared_ptr<Connection>& c, std::uint16_t code) {
  if (c->closing) return;
  c->closing = true;
  c->outbox.push_back(Outgoing{"", code, false});
  start_writing(c);
}

void Gateway::start_writing(const std::shared_ptr<Connection>& c) {
  if (c->writing) return;
  c->writing = true;
  if (c->tls) {
    net::co_spawn(io_, write_loop(c, *c->tls), net::detached);
  } else {
    net::co_spawn(io_, write_loop(c, *c->plain), net::detached);
  }
}

template <class Ws>
awaitable<void> Gateway::write_loop(std::shared_ptr<Connection> c, Ws& ws) {
  while (!c->outbox.empty()) {
    Outgoing next = std::move(c->outbox.front());
    c->outbox.pop_front();
    c->outbox_bytes -= next.text.size();
    if (next.close_code) {
      websocket::close_reason reason(*next.close_code);
      co_await ws.async_close(reason, kNoThrow);
      break;
    }
    std::string wire;
    if (c->zlib) {
      wire = c->deflater->compress(next.text);
    } else if (next.compress) {
      wire = zlib_compress(next.text);
    } else {
      wire = std::move(next.text);
    }
    ws.binary(c->zlib || next.compress);
    auto [ec, n] = co_await ws.async_write(net::buffer(wire), kNoThrow);
    if (ec) break;
  }
  c->writing = false;
}

void Gateway::dispatch(Session& session, std::string_view type, const json::value& data) {
  const std::int64_t seq = ++session.seq;
  std::string text = json::serialize(json::object{{"op", 0}, {"s", seq}, {"t", type}, {"d", data}});
  session.buffer.emplace_back(seq, text);
  while (session.buffer.size() > context_.options.replay_buffer) session.buffer.pop_front();
  ++context_.stats.events;
  if (auto c = session.connection.lock(); c && c->session_id == session.id) {
    send(c, std::move(text));
  }
}

void Gateway::dispatch_to_all(std::string_view type, const json::value& data) {
  for (auto& [id, session] : sessions_) {
    // Events also happen while a bot is disconnected; RESUME replays them.
    if (session.valid && session.has_guild) dispatch(session, type, data);
  }
}

template <class Stream>
awaitable<void> Gateway::serve(Stream stream, Request request) {
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
  ++context_.stats.connections;
  if (c->zlib) ++context_.stats.zlib_stream_connections;
  connections_.insert(c);
  send(c, json::serialize(json::object{
              {"op", 10},
              {"s", nullptr},
              {"t", nullptr},
              {"d", {{"heartbeat_interval", context_.options.heartbeat_interval_ms}}}}));
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

awaitable<void> Gateway::run(beast::tcp_stream stream, Request request) {
  return serve(std::move(stream), std::move(request));
}

awaitable<void> Gateway::run(TlsStream stream, Request request) {
  return serve(std::move(stream), std::move(request));
}

void Gateway::on_client_message(const std::shared_ptr<Connection>& c, const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object() || !v.as_object().contains("op") || !v.at("op").is_int64()) {
    enqueue_close(c, 4002);  // decode error
    return;
  }
  const json::value* d = v.as_object().if_contains("d");
  const json::object* data = d ? d->if_object() : nullptr;
  switch (v.at("op").as_int64()) {
    case 1:
      ++context_.stats.heartbeats;
      if (!c->acks || !context_.faults.heartbeat_acks) break;
      if (context_.faults.ack_delay_ms > 0) {
        auto timer = std::make_shared<boost::asio::steady_timer>(
            io_, std::chrono::milliseconds(context_.faults.ack_delay_ms));
        std::weak_ptr<Connection> weak = c;
        timer->async_wait([this, timer, weak](const boost::system::error_code& wait_ec) {
          auto live = weak.lock();
          if (!wait_ec && live && !live->closing) send(live, R"({"op":11})");
        });
      } else {
        send(c, R"({"op":11})");
      }
      break;
    case 2:
      identify(c, data);
      break;
    case 6:
      resume(c, data);
      break;
    default:
      break;
  }
}

void Gateway::identify(const std::shared_ptr<Connection>& c, const json::object* data) {
  const json::value* token = data ? data->if_contains("token") : nullptr;
  if (token == nullptr || !token->is_string() || token->as_string() != context_.options.token) {
    enqueue_close(c, 4004);  // authentication failed
    return;
  }
  if (!c->session_id.empty()) {
    enqueue_close(c, 4005);  // already authenticated
    return;
  }
  const json::value* intents = data->if_contains("intents");
  boost::system::error_code ec;
  const auto intent_bits = intents ? intents->to_number<std::int64_t>(ec) : -1;
  if (intents == nullptr || ec || intent_bits < 0 || intent_bits >= (std::int64_t{1} << 26)) {
    enqueue_close(c, 4013);  // invalid intents
    return;
  }
  // Sharding: [id, count], id below count; a bot of one shard may leave it out.
  std::int64_t shard_id = 0;
  std::int64_t shard_count = 1;
  if (const json::value* shard = data->if_contains("shard")) {
    const json::array* pair = shard->if_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_int64() || !(*pair)[1].is_int64() ||
        (*pair)[0].as_int64() < 0 || (*pair)[1].as_int64() < 1 ||
        (*pair)[0].as_int64() >= (*pair)[1].as_int64()) {
      enqueue_close(c, 4010);  // invalid shard
      return;
    }
    shard_id = (*pair)[0].as_int64();
    shard_count = (*pair)[1].as_int64();
  }
  if (shard_count < context_.options.shard_count) {
    enqueue_close(c, 4011);  // sharding required
    return;
  }
  ++context_.stats.identifies;
  context_.stats.identified_shards.push_back({shard_id, shard_count});
  const json::value* compress = data->if_contains("compress");
  const bool payload_compress = !c->zlib && compress && compress->is_bool() && compress->as_bool();
  if (payload_compress) ++context_.stats.identify_compress;
  const Guild& guild = context_.guild;
  // Told its shard count, the sandbox routes the guild as Discord does; otherwise every
  // session gets it (tests of several shards watch each one receive events).
  const bool has_guild =
      context_.options.shard_count <= 1 ||
      static_cast<std::int64_t>((std::stoull(guild.id) >> 22) %
                                static_cast<std::uint64_t>(shard_count)) == shard_id;
  std::string id = "sandbox-session-" + std::to_string(next_session_++);
  Session& session = sessions_[id];
  session.id = id;
  session.compress = payload_compress;
  session.has_guild = has_guild;
  session.connection = c;
  c->session_id = id;
  c->payload_compress = payload_compress;
  json::array guilds;
  if (has_guild) guilds.push_back(json::object{{"id", guild.id}, {"unavailable", true}});
  dispatch(session, "READY",
           json::object{{"v", 10},
                        {"session_id", id},
                        {"resume_gateway_url", context_.ws_url},
                        {"user", guild.user_json(guild.bot_id)},
                        {"guilds", std::move(guilds)},
                        {"shard", json::array{shard_id, shard_count}},
                        {"application", {{"id", guild.bot_id}, {"flags", 0}}}});
  if (has_guild) dispatch(session, "GUILD_CREATE", guild.guild_create_json());
}

void Gateway::resume(const std::shared_ptr<Connection>& c, const json::object* data) {
  ++context_.stats.resumes;
  const json::value* sid = data ? data->if_contains("session_id") : nullptr;
  const json::value* seq = data ? data->if_contains("seq") : nullptr;
  const json::value* token = data ? data->if_contains("token") : nullptr;
  if (token == nullptr || !token->is_string() || token->as_string() != context_.options.token) {
    enqueue_close(c, 4004);
    return;
  }
  auto it =
      sid && sid->is_string() ? sessions_.find(std::string(sid->as_string())) : sessions_.end();
  const std::int64_t from = seq && seq->is_int64() ? seq->as_int64() : -1;
  if (it == sessions_.end() || !it->second.valid || from < 0 || from > it->second.seq ||
      (!it->second.buffer.empty() && it->second.buffer.front().first > from + 1)) {
    ++context_.stats.resume_failures;
    send(c, R"({"op":9,"d":false})");
    return;
  }
  Session& session = it->second;
  if (auto old = session.connection.lock(); old && old != c) enqueue_close(old, 4000);
  session.connection = c;
  c->session_id = session.id;
  c->payload_compress = session.compress && !c->zlib;
  for (const auto& [s, payload] : session.buffer) {
    if (s > from) send(c, payload);
  }
  dispatch(session, "RESUMED", nullptr);
}

void Gateway::close_all(std::uint16_t code) {
  for (auto& c : live_connections()) {
    if (code == 4007 || code == 4009) invalidate(c->session_id);
    enqueue_close(c, code);
  }
}

void Gateway::reset_all() {
  for (auto& c : live_connections()) c->drop();
}

void Gateway::reconnect_all() {
  for (auto& c : live_connections())
    send(c, json::serialize(json::object{{"op", 7}, {"d", nullptr}}));
}

void Gateway::invalid_session_all(bool resumable) {
  for (auto& c : live_connections()) {
    if (!resumable) invalidate(c->session_id);
    send(c, json::serialize(json::object{{"op", 9}, {"d", resumable}}));
    // After op 9 the connection carries no session: its events wait in the replay buffer
    // until the bot RESUMEs (a client may do so on this very connection) or IDENTIFYs.
    if (auto it = sessions_.find(c->session_id); it != sessions_.end()) {
      it->second.connection.reset();
    }
    c->session_id.clear();
  }
}

void Gateway::stop_acks() {
  for (auto& c : live_connections()) c->acks = false;
}

void Gateway::restore_acks() {
  for (auto& c : live_connections()) c->acks = true;
}

void Gateway::set_periodic_drop(int every_ms, int code) {
  ++drop_generation_;
  context_.faults.drop_every_ms = std::max(0, every_ms);
  context_.faults.drop_code = code;
  if (every_ms > 0) net::co_spawn(io_, drop_loop(drop_generation_), net::detached);
}

awaitable<void> Gateway::drop_loop(std::uint64_t generation) {
  net::steady_timer timer(io_);
  for (;;) {
    timer.expires_after(std::chrono::milliseconds(context_.faults.drop_every_ms));
    co_await timer.async_wait(kNoThrow);
    if (generation != drop_generation_) co_return;
    for (auto& c : live_connections()) {
      ++context_.stats.gateway_drops;
      if (context_.faults.drop_code == 0) {
        c->drop();
      } else {
        if (context_.faults.drop_code == 4007 || context_.faults.drop_code == 4009) {
          invalidate(c->session_id);
        }
        enqueue_close(c, static_cast<std::uint16_t>(context_.faults.drop_code));
      }
    }
  }
}

}  // namespace mikami::sandbox
