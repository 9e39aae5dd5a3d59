// AutoBets on PostgreSQL: the engine (group commit, many users per transaction) against one
// transaction per wager (BEGIN; lock the ledger head and the account FOR UPDATE; INSERT the
// record; UPDATE the account; COMMIT, through the same PgStore), on the same server in the
// same run. Prints the server's durability settings first: the figures mean something only
// with fsync, synchronous_commit and full_page_writes on.
//
//   autobets_pg_bench URL_OF_ENGINE_DB URL_OF_BASELINE_DB [users] [wagers] [baseline_wagers]
//
// Both databases must exist and be empty. Output: one JSON object.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autobets/engine.h"
#include "autobets/pg_store.h"

namespace {

using namespace autobets;
using Clock = std::chrono::steady_clock;
constexpr Amount kInitialBalance = 10'000'000;

std::string user_name(std::size_t index) { return "u" + std::to_string(index); }

std::string setting(const std::string& url, const char* name) {
  PGconn* connection = PQconnectdb(url.c_str());
  std::string value = "?";
  if (PQstatus(connection) == CONNECTION_OK) {
    PGresult* result = PQexec(connection, (std::string("SHOW ") + name).c_str());
    if (PQresultStatus(result) == PGRES_TUPLES_OK) value = PQgetvalue(result, 0, 0);
    PQclear(result);
  }
  PQfinish(connection);
  return value;
}

std::int64_t percentile(std::vector<std::int64_t> values, double fraction) {
  if (values.empty()) return 0;
  auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

[[noreturn]] void die(const std::string& message) {
  std::cerr << "autobets_pg_bench: " << message << "\n";
  std::exit(3);
}

std::unique_ptr<PgStore> fresh_store(const std::string& url) {
  if (auto created = PgStore::create(url, Limits{}); !created) die(created.error().message());
  auto store = PgStore::open(url);
  if (!store) die(store.error().message());
  return std::move(*store);
}

void deposit_everyone(Engine& engine, std::size_t users) {
  for (std::size_t u = 0; u < users; ++u) {
    Reply reply =
        engine.transfer({user_name(u), RecordKind::kDeposit, kInitialBalance, "bench-deposit"});
    if (!reply.ok()) die("deposit failed: " + reply.message);
  }
}

struct Run {
  double seconds = 0;
  std::size_t accepted = 0;
  std::vector<std::int64_t> latencies_us;
};

// The engine: wagers submitted by 8 threads, at most `in_flight` admitted and not durable.
Run run_engine(const std::string& url, std::size_t users, std::size_t wagers) {
  auto store = fresh_store(url);
  auto engine = Engine::open(*store);
  if (!engine) die(engine.error().message());
  deposit_everyone(**engine, users);
  std::mt19937_64 random(42);
  std::vector<WagerRequest> requests(wagers);
  for (std::size_t i = 0; i < wagers; ++i) {
    requests[i] = {user_name(random() % users), "w" + std::to_string(i),
                   static_cast<Amount>(1 + random() % 100), "coin",
                   random() % 2 ? "heads" : "tails"};
  }
  Run run;
  run.latencies_us.assign(wagers, 0);
  std::vector<Clock::time_point> started(wagers);
  std::atomic<std::size_t> next = 0, completed = 0, accepted = 0;
  std::mutex mutex;
  std::condition_variable done;
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < wagers; i = next++) {
        started[i] = Clock::now();
        (*engine)->submit_wager(requests[i], [&, i](Reply reply) {
          run.latencies_us[i] =
              std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started[i])
                  .count();
          if (reply.ok()) ++accepted;
          if (++completed == wagers) {
            std::lock_guard lock(mutex);
            done.notify_all();
          }
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  {
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return completed.load() == wagers; });
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  run.accepted = accepted;
  return run;
}

// The baseline: 8 threads, each with its own connection and its own users, one
// transaction per wager (a losing coin flip on the user's next nonce).
Run run_baseline(const std::string& url, std::size_t users, std::size_t wagers) {
  {
    auto store = fresh_store(url);
    auto engine = Engine::open(*store);
    if (!engine) die(engine.error().message());
    deposit_everyone(**engine, users);
  }
  constexpr std::size_t kThreads = 8;
  Run run;
  std::mutex mutex;
  std::atomic<std::size_t> accepted = 0;
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = PgStore::open(url);
      if (!store) die(store.error().message());
      std::vector<std::int64_t> latencies;
      for (std::size_t i = t, k = 0; i < wagers; i += kThreads, ++k) {
        // With users a multiple of 8, each thread has users of its own (no conflicts).
        std::string user = user_name((t + kThreads * k) % users);
        auto started = Clock::now();
        auto snapshot = (*store)->load(user);
        if (!snapshot || !*snapshot) die("baseline: cannot load " + user);
        const Account& account = (*snapshot)->account;
        LedgerRecord record;
        record.user = user;
        record.kind = RecordKind::kWager;
        record.idempotency_key = "b" + std::to_string(i);
        record.amount = 1;
        record.game = "coin";
        record.params = "heads";
        record.balance_before = account.balance;
        record.balance_after = account.balance - 1;
        record.commitment = account.commitment;
        record.client_seed = (*snapshot)->seed.client_seed;
        record.nonce = account.next_nonce;
        std::vector<StoreOp> ops = {
            StoreOp{StoreOp::Type::kAppend, std::move(record), {}, {}, account.version}};
        auto committed = (*store)->commit(ops);
        if (!committed) die(committed.error().message());
        if (committed->committed()) ++accepted;
        latencies.push_back(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count());
      }
      std::lock_guard lock(mutex);
      run.latencies_us.insert(run.latencies_us.end(), latencies.begin(), latencies.end());
    });
  }
  for (auto& thread : threads) thread.join();
  run.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  run.accepted = accepted;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: autobets_pg_bench ENGINE_DB_URL BASELINE_DB_URL [users] [wagers] "
                 "[baseline_wagers]\n";
    return 2;
  }
  std::string engine_url = argv[1], baseline_url = argv[2];
  std::size_t users = argc > 3 ? std::stoul(argv[3]) : 64;
  std::size_t wagers = argc > 4 ? std::stoul(argv[4]) : 100000;
  std::size_t baseline_wagers = argc > 5 ? std::stoul(argv[5]) : 3000;
  std::string fsync = setting(engine_url, "fsync");
  std::string synchronous_commit = setting(engine_url, "synchronous_commit");
  std::string full_page_writes = setting(engine_url, "full_page_writes");
  Run engine = run_engine(engine_url, users, wagers);
  Run baseline = run_baseline(baseline_url, users, baseline_wagers);
  double engine_rate = static_cast<double>(engine.accepted) / engine.seconds;
  double baseline_rate = static_cast<double>(baseline.accepted) / baseline.seconds;
  std::cout << "{\"fsync\":\"" << fsync << "\",\"synchronous_commit\":\"" << synchronous_commit
            << "\",\"full_page_writes\":\"" << full_page_writes << "\",\"users\":" << users
            << ",\"wagers\":" << wagers << ",\"accepted\":" << engine.accepted
            << ",\"wagers_per_s\":" << static_cast<long>(engine_rate)
            << ",\"p50_us\":" << percentile(engine.latencies_us, 0.5)
            << ",\"p99_us\":" << percentile(engine.latencies_us, 0.99)
            << ",\"baseline_wagers\":" << baseline_wagers
            << ",\"baseline_accepted\":" << baseline.accepted
            << ",\"baseline_wagers_per_s\":" << static_cast<long>(baseline_rate)
            << ",\"baseline_p50_us\":" << percentile(baseline.latencies_us, 0.5)
            << ",\"speedup\":" << (baseline_rate > 0 ? engine_rate / baseline_rate : 0) << "}\n";
  return 0;
}
