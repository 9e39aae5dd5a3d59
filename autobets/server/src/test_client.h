// Test and benchmark helpers for the HTTP API: a raw HTTP/1.1 client over a blocking
// 127.0.0.1 socket (so tests can also send what no library would: truncated, slow or
// oversized requests), and a running `autobets serve` process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/process.h"

namespace autobets::http_test {

struct HttpResponse {
  int status = 0;                              // 0: the connection closed without a response
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

class Connection {
 public:
  // Connects to 127.0.0.1:port; connected() says whether it worked.
  explicit Connection(std::uint16_t port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends raw bytes; false when the peer has closed.
  bool send_raw(const std::string& bytes);
  // Reads one response (status 0 when the connection closed first or `timeout` passed).
  HttpResponse read_response(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Whether the server closed the connection within `timeout` (reads and discards).
  bool closed_within(std::chrono::milliseconds timeout);

  // A request with Host, Content-Length and, when `body` is not empty, a JSON content type.
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  int fd_ = -1;
  std::string buffer_;
};

// The text of an HTTP request (what Connection::request sends).
std::string format_request(const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::vector<std::pair<std::string, std::string>>& headers);

// `autobets --db DB serve --listen 127.0.0.1:0 ARGS...` as a child process; stopped with
// SIGTERM (or killed) on destruction.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const std::vector<std::string>& args,
                const std::filesystem::path& scratch);
  ~ServerProcess();

  // The port, or 0 when the server did not start (then error_output() says why).
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return child_ ? child_->pid() : -1; }
  // SIGTERM and wait: the exit status (-1 when a signal ended it).
  int stop();
  // SIGKILL and wait.
  void kill();
  std::string error_output() const;

 private:
  std::optional<core::Child> child_;  // empty once stopped, killed or found ended
  std::uint16_t port_ = 0;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

// The path of the `autobets` binary (PROJECT_BIN_DIR).
std::string autobets_binary();

}  // namespace autobets::http_test
