// `autobets_sim_worker DB`: one long-lived engine with 8 threads for the multi-process
// simulation (processes_test.cc). Reads one operation per line on stdin and answers each,
// once it is durable or refused, with "KEY CODE" on stdout:
//   d KEY USER AMOUNT       deposit
//   w KEY USER AMOUNT       wager (dice under 45)
//   t KEY FROM TO AMOUNT    transfer
// Exits when stdin closes and every answer is written. Built for tests only.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "autobets/engine.h"
#include "autobets/open_store.h"

namespace {

constexpr int kThreads = 8;

class Lines {
 public:
  void push(std::string line) {
    {
      std::lock_guard lock(mutex_);
      lines_.push_back(std::move(line));
    }
    ready_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  bool pop(std::string* line) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !lines_.empty(); });
    if (lines_.empty()) return false;
    *line = std::move(lines_.front());
    lines_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> lines_;
  bool closed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  using namespace autobets;
  if (argc != 2) {
    std::cerr << "usage: autobets_sim_worker DB (a file or a postgresql:// URL)\n";
    return 2;
  }
  auto store = open_store(argv[1]);  // a SQLite file or a postgresql:// URL
  if (!store) {
    std::cerr << store.error().message() << "\n";
    return 3;
  }
  auto engine = Engine::open(**store);
  if (!engine) {
    std::cerr << engine.error().message() << "\n";
    return 3;
  }
  std::mutex out_mutex;
  Lines lines;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::string line;
      while (lines.pop(&line)) {
        std::istringstream in(line);
        std::string op, key, user, to;
        Amount amount = 0;
        in >> op >> key >> user;
        if (op == "t") in >> to;
        in >> amount;
        Reply reply;
        if (op == "d") {
          reply = (*engine)->transfer(TransferRequest{user, RecordKind::kDeposit, amount, key});
        } else if (op == "w") {
          reply = (*engine)->wager(WagerRequest{user, key, amount, "dice", "under 45"});
        } else {
          reply = (*engine)->transfer(UserTransfer{user, to, amount, key});
        }
        std::lock_guard lock(out_mutex);
        std::printf("%s %s\n", key.c_str(), std::string(to_string(reply.code)).c_str());
        std::fflush(stdout);
      }
    });
  }
  for (std::string line; std::getline(std::cin, line);) lines.push(line);
  lines.close();
  for (auto& thread : threads) thread.join();
  return 0;
}
