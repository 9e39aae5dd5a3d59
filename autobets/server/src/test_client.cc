#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace autobets::http_test {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string autobets_binary() {
  const char* bin = std::getenv("PROJECT_BIN_DIR");
  return std::string(bin ? bin : ".") + "/autobets";
}

Connection::Connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::send_raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

HttpResponse Connection::read_response(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpResponse response;
  // Reads until `ready` says the buffer holds enough.
  auto fill = [&](auto ready) {
    while (!ready()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd poll_fd{fd_, POLLIN, 0};
      if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return false;
      char chunk[16384];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  };
  if (!fill([&] { return buffer_.find("\r\n\r\n") != std::string::npos; })) return response;
  auto header_end = buffer_.find("\r\n\r\n");
  std::istringstream head(buffer_.substr(0, header_end));
  std::string line;
  std::getline(head, line);
  int status = 0;
  if (std::sscanf(line.c_str(), "HTTP/%*d.%*d %d", &status) != 1) return response;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    response.headers[lower(line.substr(0, colon))] = value;
  }
  std::size_t length = 0;
  if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
    length = std::stoul(it->second);
  }
  std::size_t total = header_end + 4 + length;
  if (!fill([&] { return buffer_.size() >= total; })) return response;
  response.body = buffer_.substr(header_end + 4, length);
  buffer_.erase(0, total);
  response.status = status;
  return response;
}

bool Connection::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;
  }
}

std::string format_request(const std::string& method, const std::string& target,
                           const std::string& body,
                           const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool typed = false;
  for (const auto& [name, value] : headers) {
    text += name + ": " + value + "\r\n";
    typed = typed || lower(name) == "content-type";
  }
  if (!body.empty() && !typed) text += "Content-Type: application/json\r\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return text;
}

HttpResponse Connection::request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  if (!send_raw(format_request(method, target, body, headers))) return {};
  return read_response();
}

ServerProcess::ServerProcess(const std::string& db, const std::vector<std::string>& args,
                             const std::filesystem::path& scratch) {
  static int counter = 0;
  std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  out_ = scratch / ("serve-" + tag + ".out");
  err_ = scratch / ("serve-" + tag + ".err");
  std::vector<std::string> argv = {autobets_binary(), "--db",     db,
                                   "serve",           "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  core::SpawnOptions options;
  options.out = core::Stdio::file(out_);
  options.err = core::Stdio::file(err_);
  auto child = core::Child::spawn(argv[0], argv, options);
  if (!child) {
    std::ofstream(err_) << child.error().message() << "\n";
    return;
  }
  child_ = std::move(*child);
  // The server prints its address once it listens.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(out_);
    auto at = text.find("127.0.0.1:");
    if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(text.substr(at + 10)));
      return;
    }
    auto ended = child_->try_wait();
    if (!ended || ended->has_value()) {
      child_.reset();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ServerProcess::~ServerProcess() {
  if (child_) stop();
}

int ServerProcess::stop() {
  if (!child_) return -1;
  child_->kill(SIGTERM);
  auto status = child_->wait();
  child_.reset();
  return status && status->kind == core::ExitStatus::Kind::kExited ? status->code : -1;
}

void ServerProcess::kill() {
  if (!child_) return;
  child_->kill(SIGKILL);
  (void)child_->wait();
  child_.reset();
}

std::string ServerProcess::error_output() const { return read_file(err_); }

}  // namespace autobets::http_test
