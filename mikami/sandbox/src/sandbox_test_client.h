// Test support for the sandbox's own tests: a raw HTTP client that shows every status and
// header (Mikami's RestClient would wait out the very 429s these tests look for) and a raw
// gateway connection.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mikami::sandbox_test {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& name) const;  // "" when absent
  boost::json::value json() const;                    // null when not JSON
};

struct Call {
  std::string method = "GET";
  std::string path;  // below /api/v10, e.g. "/guilds/1/members/3"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool auth = true;  // "Authorization: Bot sandbox-token"
};

// One request on its own connection.
Reply api(std::uint16_t port, const Call& call);
Reply api(std::uint16_t port, std::string method, std::string path, std::string body = "");
// GET /_sandbox/stats as JSON.
boost::json::object stats(std::uint16_t port);

// A gateway connection with blocking reads that give up after a timeout.
class RawGateway {
 public:
  struct Frame {
    bool binary = false;
    std::string data;
  };

  explicit RawGateway(std::uint16_t port, const std::string& query = "/?v=10&encoding=json");
  ~RawGateway();

  void send(const std::string& text);
  // The next frame; nullopt on timeout or when the connection ended (see close_code()).
  std::optional<Frame> read(std::chrono::milliseconds timeout);
  // The next text frame parsed as JSON (binary frames are inflated as one zlib stream).
  std::optional<boost::json::object> read_json(std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool closed_ = false;
  int close_code_ = 0;
};

// Inflates one complete zlib stream (payload compression).
std::string inflate_zlib(const std::string& data);

}  // namespace mikami::sandbox_test
