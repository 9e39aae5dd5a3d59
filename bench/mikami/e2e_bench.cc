// End to end through the sandbox: the bot (utility module, its store on disk) connected to
// a running mikami-sandbox over its gateway and REST API; members of the sandbox's guild
// type /help (which reads every module's switch from the store and answers with an embed)
// at a fixed offered load. Latency is the sandbox's own measure: INTERACTION_CREATE sent
// -> interaction callback received.
//
//   mikami_e2e_bench <sandbox port> [seconds=5] [rate=1000] [members=1000] [runs=5]
// The sandbox must have been started with --members <members> (run.sh does). After a
// warm-up, `runs` runs of `seconds` each; every run's figures are printed, then the medians
// over the runs (a shared machine makes a single run's tail noisy).
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "mikami/app/bot.h"
#include "mikami/app/local_http.h"
#include "mikami/app/modules.h"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Sends `count` /help commands from `first` on, one every `interval`, from members in turn.
void send(std::uint16_t port, long first, long count, long stride, Clock::time_point start,
          std::chrono::nanoseconds interval, int members, long& late) {
  mikami::app::LocalHttpClient http("127.0.0.1", port);
  for (long i = first; i < count; i += stride) {
    const auto when = start + interval * i;
    if (Clock::now() < when) {
      std::this_thread::sleep_until(when);
    } else if (Clock::now() - when > std::chrono::milliseconds(1)) {
      ++late;
    }
    const std::string user = std::to_string(100'001 + i % members);
    auto reply =
        http.request("POST", "/_sandbox/interact", R"({"line":"/help","user":")" + user + "\"}");
    if (!reply || reply->status != 200) {
      std::fprintf(stderr, "interact failed: %s\n",
                   reply ? reply->body.c_str() : reply.error().message().c_str());
      std::exit(1);
    }
  }
}

std::vector<std::int64_t> latencies(mikami::app::LocalHttpClient& http) {
  auto reply = http.request("GET", "/_sandbox/interaction_latencies");
  std::vector<std::int64_t> out;
  if (!reply) return out;
  const json::value body = json::parse(reply->body);
  for (const auto& v : body.at("latencies_us").as_array()) {
    out.push_back(v.as_int64());
  }
  return out;
}

// Offers `count` commands at `rate`/s; returns their latencies (those answered in time).
std::vector<std::int64_t> run(std::uint16_t port, long count, double rate, int members,
                              double& seconds, long& late) {
  mikami::app::LocalHttpClient http("127.0.0.1", port);
  (void)latencies(http);  // start from nothing
  const auto interval =
      std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / std::max(rate, 1.0)));
  const auto start = Clock::now() + std::chrono::milliseconds(10);
  constexpr int kSenders = 2;
  std::vector<std::thread> senders;
  std::vector<long> lates(kSenders, 0);
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back(send, port, s, count, kSenders, start, interval, members,
                         std::ref(lates[s]));
  }
  for (auto& t : senders) t.join();
  std::vector<std::int64_t> all;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (static_cast<long>(all.size()) < count && Clock::now() < deadline) {
    auto more = latencies(http);
    all.insert(all.end(), more.begin(), more.end());
    if (static_cast<long>(all.size()) < count)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  seconds = std::chrono::duration<double>(Clock::now() - start).count();
  late = 0;
  for (long l : lates) late += l;
  return all;
}

double percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return static_cast<double>(v[std::min(index, v.size() - 1)]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s <sandbox port> [seconds=5] [rate=1000] [members=1000] [runs=5]\n",
                 argv[0]);
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const double seconds = argc > 2 ? std::atof(argv[2]) : 5;
  const double rate = argc > 3 ? std::atof(argv[3]) : 1000;
  const int members = argc > 4 ? std::atoi(argv[4]) : 1000;
  const int runs = argc > 5 ? std::atoi(argv[5]) : 5;
  if (seconds <= 0 || rate <= 0 || members < 1 || runs < 1) {
    std::fprintf(stderr, "seconds, rate, members and runs must be positive\n");
    return 2;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("mikami-e2e-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  mikami::app::AppConfig config;
  config.api_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v10";
  config.store_path = dir / "bot.db";
  config.metrics_listen = "";
  mikami::app::Logger logger("warn", false);
  auto modules = mikami::app::bot_modules(config);
  if (!modules) {
    std::fprintf(stderr, "%s\n", modules.error().message().c_str());
    return 1;
  }
  auto bot = mikami::app::Bot::start(config, "sandbox-token", logger, std::move(*modules));
  if (!bot) {
    std::fprintf(stderr, "%s\n", bot.error().message().c_str());
    return 1;
  }
  if (auto ready = (*bot)->wait_ready(std::chrono::seconds(30)); !ready) {
    std::fprintf(stderr, "%s\n", ready.error().message().c_str());
    return 1;
  }
  double elapsed = 0;
  long late = 0;
  (void)run(port, static_cast<long>(rate / 2), rate / 2, members, elapsed, late);  // warm up
  const long count = static_cast<long>(seconds * rate);
  std::vector<double> throughputs, p50s, p99s, maxima;
  bool all_answered = true;
  for (int r = 0; r < runs; ++r) {
    const auto all = run(port, count, rate, members, elapsed, late);
    throughputs.push_back(static_cast<double>(all.size()) / std::max(elapsed, 1e-9));
    p50s.push_back(percentile(all, 0.5));
    p99s.push_back(percentile(all, 0.99));
    maxima.push_back(percentile(all, 1.0));
    all_answered = all_answered && static_cast<long>(all.size()) == count;
    std::printf(
        "run %d: %ld sent, %zu answered (%ld sent over 1 ms late), %.0f commands/s, "
        "latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        r, count, all.size(), late, throughputs.back(), p50s.back(), p99s.back(), maxima.back());
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "mikami end to end (/help reading the store, %d members): offered %.0f/s for %.0f s, "
      "median of %d runs: %.0f commands/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(target p99 < 5 ms)\n",
      members, rate, seconds, runs, median(throughputs), median(p50s), median(p99s),
      median(maxima));
  (*bot)->shutdown();
  bot->reset();
  std::filesystem::remove_all(dir);
  return all_answered ? 0 : 1;
}
