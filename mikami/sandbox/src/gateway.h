// The sandbox's gateway: WebSocket connections and sessions. HELLO, HEARTBEAT/ACK,
// IDENTIFY -> READY + GUILD_CREATE, RESUME -> the missed events + RESUMED, op 9 for a
// session that cannot resume. zlib-stream transport compression (?compress=zlib-stream)
// or payload compression (IDENTIFY with "compress": true: from then on every payload of
// 1 KiB or more, such as GUILD_CREATE, is a binary frame holding one complete zlib
// stream). Events keep being recorded for a session while its bot is disconnected, so a
// RESUME replays them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "context.h"
#include "http_util.h"

namespace mikami::sandbox {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

struct Connection;
struct Session;

class Gateway {
 public:
  Gateway(boost::asio::io_context& io, Context& context);
  ~Gateway();

  // Serves one upgraded connection until it ends.
  boost::asio::awaitable<void> run(boost::beast::tcp_stream stream, Request request);
  boost::asio::awaitable<void> run(TlsStream stream, Request request);

  // Records the event in every valid session and sends it to those connected.
  void dispatch_to_all(std::string_view type, const boost::json::value& data);

  // Faults (POST /_sandbox/fault and the --fault-* flags).
  void close_all(std::uint16_t code);  // 4007 and 4009 also invalidate the session
  void reset_all();                    // no close frame
  void reconnect_all();                // op 7
  void invalid_session_all(bool resumable);
  void stop_acks();     // on the current connections
  void restore_acks();  // undoes stop_acks
  // Every `every_ms` (0: stop), drop every connection: with `code` 0 without a close
  // frame, otherwise with a close frame carrying `code`.
  void set_periodic_drop(int every_ms, int code);

 private:
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream stream, Request request);
  template <class Ws>
  boost::asio::awaitable<void> write_loop(std::shared_ptr<Connection> c, Ws& ws);
  boost::asio::awaitable<void> drop_loop(std::uint64_t generation);

  std::vector<std::shared_ptr<Connection>> live_connections();
  void invalidate(const std::string& session_id);
  void send(const std::shared_ptr<Connection>& c, std::string text);
  void enqueue_close(const std::shared_ptr<Connection>& c, std::uint16_t code);
  void start_writing(const std::shared_ptr<Connection>& c);
  void dispatch(Session& session, std::string_view type, const boost::json::value& data);
  void on_client_message(const std::shared_ptr<Connection>& c, const std::string& text);
  void identify(const std::shared_ptr<Connection>& c, const boost::json::object* data);
  void resume(const std::shared_ptr<Connection>& c, const boost::json::object* data);

  boost::asio::io_context& io_;
  Context& context_;
  std::map<std::string, Session> sessions_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::int64_t next_session_ = 1;
  std::uint64_t drop_generation_ = 0;
};

}  // namespace mikami::sandbox
