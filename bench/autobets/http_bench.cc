// Keep-alive load on `autobets serve` from a separate process: N connections, each sending
// one wager, waiting for its answer, sending the next (closed loop), driven from one poll()
// thread so the client takes little of the CPU the server needs. Prints wagers/s and the
// latency percentiles as JSON. bench/autobets/http_run.sh starts the server and runs this.
//
//   autobets_http_bench --port P --key ADMIN_KEY [--connections 64] [--users 64]
//                       [--seconds 10]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::string user;
  std::string in;
  Clock::time_point sent;
  long next = 0;
};

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

std::string request(const std::string& target, const std::string& key,
                    const std::string& idempotency_key, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
         "\r\nIdempotency-Key: " + idempotency_key +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      std::perror("send");
      std::exit(1);
    }
    sent += static_cast<std::size_t>(n);
  }
}

// The status of the complete response at the front of `in` (removed), or 0 if incomplete.
int take_response(std::string& in) {
  auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  auto at = in.find("Content-Length: ");
  std::size_t length = at < end ? std::strtoul(in.c_str() + at + 16, nullptr, 10) : 0;
  if (in.size() < end + 4 + length) return 0;
  int status = std::atoi(in.c_str() + 9);
  in.erase(0, end + 4 + length);
  return status;
}

int blocking_call(Conn& conn, const std::string& bytes) {
  send_all(conn.fd, bytes);
  char chunk[8192];
  while (true) {
    if (int status = take_response(conn.in)) return status;
    ssize_t n = ::recv(conn.fd, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    conn.in.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string key;
  int connections = 64, users = 64;
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port")
      port = std::atoi(argv[i + 1]);
    else if (flag == "--key")
      key = argv[i + 1];
    else if (flag == "--connections")
      connections = std::atoi(argv[i + 1]);
    else if (flag == "--users")
      users = std::atoi(argv[i + 1]);
    else if (flag == "--seconds")
      seconds = std::atof(argv[i + 1]);
  }
  if (port <= 0 || key.empty() || connections < 1 || users < 1) {
    std::fprintf(stderr,
                 "usage: autobets_http_bench --port P --key ADMIN_KEY [--connections N] "
                 "[--users U] [--seconds S]\n");
    return 2;
  }
  std::string run = std::to_string(::getpid());
  std::vector<Conn> conns(static_cast<std::size_t>(connections));
  for (int i = 0; i < connections; ++i) {
    conns[i].fd = connect_to(port);
    conns[i].user = "bench" + std::to_string(i % users);
  }
  // Funds: one deposit per user, over the first connection.
  for (int u = 0; u < users; ++u) {
    std::string user = "bench" + std::to_string(u);
    int status =
        blocking_call(conns[0], request("/v1/deposits", key, "fund-" + run + "-" + user,
                                        "{\"user\":\"" + user + "\",\"amount\":1000000000000}"));
    if (status != 200) {
      std::fprintf(stderr, "deposit for %s answered %d\n", user.c_str(), status);
      return 1;
    }
  }
  for (auto& conn : conns) ::fcntl(conn.fd, F_SETFL, O_NONBLOCK);

  std::vector<double> latencies_us;
  latencies_us.reserve(1 << 20);
  long errors = 0;
  auto send_next = [&](Conn& conn, std::size_t index) {
    std::string body =
        "{\"user\":\"" + conn.user + "\",\"amount\":10,\"game\":\"dice\",\"params\":\"over 50\"}";
    conn.sent = Clock::now();
    send_all(conn.fd,
             request("/v1/wagers", key,
                     "w-" + run + "-" + std::to_string(index) + "-" + std::to_string(conn.next++),
                     body));
  };
  auto start = Clock::now();
  auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<pollfd> fds(conns.size());
  for (std::size_t i = 0; i < conns.size(); ++i) {
    fds[i] = {conns[i].fd, POLLIN, 0};
    send_next(conns[i], i);
  }
  std::size_t outstanding = conns.size();
  char chunk[65536];
  while (outstanding > 0) {
    if (::poll(fds.data(), fds.size(), 1000) < 0) break;
    auto now = Clock::now();
    for (std::size_t i = 0; i < conns.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Conn& conn = conns[i];
      ssize_t n = ::recv(conn.fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        std::fprintf(stderr, "connection %zu closed\n", i);
        return 1;
      }
      conn.in.append(chunk, static_cast<std::size_t>(n));
      while (int status = take_response(conn.in)) {
        latencies_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - conn.sent).count());
        if (status != 200) ++errors;
        if (now < end) {
          send_next(conn, i);
        } else {
          --outstanding;
          fds[i].events = 0;
        }
      }
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  auto pct = [&](double p) {
    if (latencies_us.empty()) return 0.0;
    return latencies_us[std::min(latencies_us.size() - 1,
                                 static_cast<std::size_t>(p * latencies_us.size()))];
  };
  std::printf(
      "{\"connections\": %d, \"users\": %d, \"wagers\": %zu, \"errors\": %ld, "
      "\"seconds\": %.2f, \"wagers_per_s\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f, "
      "\"max_us\": %.0f}\n",
      connections, users, latencies_us.size(), errors, elapsed, latencies_us.size() / elapsed,
      pct(0.50), pct(0.99), latencies_us.empty() ? 0.0 : latencies_us.back());
  for (auto& conn : conns) ::close(conn.fd);
  return errors == 0 ? 0 : 1;
}
