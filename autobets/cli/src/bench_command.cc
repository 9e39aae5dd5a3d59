// `autobets bench`: the engine against the one-SQLite-transaction-per-wager baseline, on
// the same generated wagers, in the same run. Figures: wagers_per_s, p50_us, p99_us (at
// saturation), rate_p50_us, rate_p99_us (at a fixed offered load, --rate), overdrafts,
// mismatches, baseline_wagers_per_s, speedup. Every set-up goes through the store.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/games.h"
#include "autobets/sqlite_store.h"
#include "cli.h"
#include "render.h"

namespace autobets::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr Amount kInitialBalance = 10'000'000;

std::string user_name(std::size_t index) { return "u" + std::to_string(index); }

std::vector<WagerRequest> make_workload(const Options& options) {
  std::mt19937_64 random(42);
  std::vector<WagerRequest> wagers(options.wagers);
  for (std::size_t i = 0; i < wagers.size(); ++i) {
    WagerRequest& w = wagers[i];
    w.user = user_name(random() % options.users);
    w.idempotency_key = "bench-" + std::to_string(i);
    w.amount = static_cast<Amount>(1 + random() % 100);
    switch (random() % 3) {
      case 0:
        w.game = "dice";
        w.params = std::string(random() % 2 ? "over " : "under ") +
                   format_hundredths(static_cast<std::int64_t>(2000 + random() % 6000));
        break;
      case 1:
        w.game = "coin";
        w.params = random() % 2 ? "heads" : "tails";
        break;
      default:
        w.game = "limbo";
        w.params = format_hundredths(static_cast<std::int64_t>(101 + random() % 900));
    }
  }
  return wagers;
}

void remove_database(const std::filesystem::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

std::int64_t percentile_us(std::vector<std::int64_t> values, double fraction) {
  if (values.empty()) return 0;
  auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

// Opens every account with its initial balance, through the engine and the store.
core::Status deposit_everyone(Engine& engine, const Options& options) {
  for (std::size_t u = 0; u < options.users; ++u) {
    Reply reply =
        engine.transfer({user_name(u), RecordKind::kDeposit, kInitialBalance, "bench-deposit"});
    if (!reply.ok()) return core::fail(core::ErrorCode::kIo, "deposit failed: " + reply.message);
  }
  return core::ok_status();
}
core::Status deposit_everyone(const Options& options, const std::filesystem::path& path) {
  auto store = SqliteStore::open(path);
  CORE_RETURN_IF_ERROR(store);
  auto engine = Engine::open(**store);
  CORE_RETURN_IF_ERROR(engine);
  return deposit_everyone(**engine, options);
}

struct EngineRun {
  double seconds = 0;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t overdrafts = 0;
  std::vector<std::int64_t> latencies_us;
};

core::Result<EngineRun> run_engine(const Options& options, const std::filesystem::path& path,
                                   const std::vector<WagerRequest>& wagers) {
  auto store = SqliteStore::open(path);
  CORE_RETURN_IF_ERROR(store);
  EngineOptions engine_options;
  engine_options.max_in_flight = options.in_flight;
  auto engine = Engine::open(**store, engine_options);
  CORE_RETURN_IF_ERROR(engine);
  CORE_RETURN_IF_ERROR(deposit_everyone(**engine, options));

  EngineRun run;
  run.latencies_us.assign(wagers.size(), 0);
  std::vector<Clock::time_point> started(wagers.size());
  std::atomic<std::size_t> next = 0, completed = 0, accepted = 0, overdrafts = 0;
  std::mutex done_mutex;
  std::condition_variable all_done;
  auto begin = Clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < options.workers; ++t) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < wagers.size(); i = next++) {
        started[i] = Clock::now();
        (*engine)->submit_wager(wagers[i], [&, i](Reply reply) {
          auto elapsed = Clock::now() - started[i];
          run.latencies_us[i] =
              std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
          if (reply.ok()) {
            ++accepted;
            const LedgerRecord& r = *reply.record;
            if (r.balance_after < 0 || r.amount > r.balance_before) ++overdrafts;
          }
          if (++completed == wagers.size()) {
            std::lock_guard lock(done_mutex);
            all_done.notify_all();
          }
        });
      }
    });
  }
  for (auto& worker : workers) worker.join();
  {
    std::unique_lock lock(done_mutex);
    all_done.wait(lock, [&] { return completed.load() == wagers.size(); });
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  run.accepted = accepted;
  run.rejected = wagers.size() - accepted;
  run.overdrafts = overdrafts;
  return run;
}

// Latency at a fixed offered load (not at saturation): wager i is submitted at begin +
// i / rate, and its latency counts from that scheduled moment, so a stall shows up in
// every wager it delays (no coordinated omission).
core::Result<std::vector<std::int64_t>> run_paced(const Options& options,
                                                  const std::filesystem::path& path,
                                                  const std::vector<WagerRequest>& wagers,
                                                  std::size_t count) {
  auto store = SqliteStore::open(path);
  CORE_RETURN_IF_ERROR(store);
  EngineOptions engine_options;
  engine_options.max_in_flight = options.in_flight;
  auto engine = Engine::open(**store, engine_options);
  CORE_RETURN_IF_ERROR(engine);
  CORE_RETURN_IF_ERROR(deposit_everyone(**engine, options));
  std::vector<std::int64_t> latencies(count, 0);
  std::atomic<std::size_t> completed = 0;
  std::mutex done_mutex;
  std::condition_variable all_done;
  const auto begin = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / static_cast<double>(options.rate));
  for (std::size_t i = 0; i < count; ++i) {
    auto scheduled =
        begin + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    std::this_thread::sleep_until(scheduled);
    (*engine)->submit_wager(wagers[i], [&, i, scheduled](Reply) {
      latencies[i] =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - scheduled).count();
      if (++completed == count) {
        std::lock_guard lock(done_mutex);
        all_done.notify_all();
      }
    });
  }
  std::unique_lock lock(done_mutex);
  all_done.wait(lock, [&] { return completed.load() == count; });
  return latencies;
}

// The baseline: each wager is its own transaction, BEGIN IMMEDIATE; SELECT balance;
// INSERT ledger; UPDATE balance; COMMIT, with synchronous=FULL. Transactions are
// serialised by an in-process mutex so SQLite's busy-retry sleeps do not penalise it.
core::Result<double> run_baseline(const Options& options, const std::filesystem::path& path,
                                  const std::vector<WagerRequest>& wagers, std::size_t count) {
  std::mutex write_mutex;
  std::atomic<std::size_t> next = 0;
  std::atomic<bool> failed = false;
  // The accounts are set up through the store, like the engine's; only the timed wagers
  // are the baseline's own SQL.
  CORE_RETURN_IF_ERROR(deposit_everyone(options, path));
  auto begin = Clock::now();
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < options.workers; ++t) {
    workers.emplace_back([&] {
      sqlite3* db = nullptr;
      sqlite3_open(path.c_str(), &db);
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000",
                   nullptr, nullptr, nullptr);
      sqlite3_stmt *select = nullptr, *insert = nullptr, *update = nullptr;
      sqlite3_prepare_v2(db,
                         "SELECT a.balance, a.next_nonce, a.last_seq, a.seed_id, "
                         "s.server_seed, s.client_seed FROM accounts a JOIN seeds s ON "
                         "s.seed_id = a.seed_id WHERE a.user_id = ?1",
                         -1, &select, nullptr);
      sqlite3_prepare_v2(
          db,
          "INSERT INTO ledger_entries (user_id, kind, idem_key, amount, game, params, "
          "outcome, payout, house_edge_bp, balance_before, balance_after, "
          "seed_id, client_seed, nonce, created_at_us, prev_seq) VALUES "
          "(?1, 'wager', ?2, ?3, ?4, ?5, ?6, ?7, 100, ?8, ?9, ?11, ?12, ?10, 0, ?13)",
          -1, &insert, nullptr);
      sqlite3_prepare_v2(db,
                         "UPDATE accounts SET balance = ?2, next_nonce = ?3, last_seq = ?4, "
                         "version = version + 1 WHERE user_id = ?1",
                         -1, &update, nullptr);
      for (std::size_t i = next++; i < count; i = next++) {
        const WagerRequest& w = wagers[i];
        auto bet = parse_bet(w.game, w.params);
        std::lock_guard lock(write_mutex);
        bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
        sqlite3_bind_text(select, 1, w.user.c_str(), -1, SQLITE_STATIC);
        ok = ok && sqlite3_step(select) == SQLITE_ROW;
        Amount balance = ok ? sqlite3_column_int64(select, 0) : 0;
        std::int64_t nonce = ok ? sqlite3_column_int64(select, 1) : 0;
        std::int64_t last_seq = ok ? sqlite3_column_int64(select, 2) : 0;
        auto column = [&](int index) {
          const auto* text = sqlite3_column_text(select, index);
          return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
        };
        std::int64_t seed_id = ok ? sqlite3_column_int64(select, 3) : 0;
        std::string server_seed = ok ? column(4) : "";
        std::string client_seed = ok ? column(5) : "";
        sqlite3_reset(select);
        if (ok && bet && balance >= w.amount) {
          FairStream stream(OpenSslHasher::instance(), server_seed, client_seed, nonce);
          auto outcome = play(*bet, w.amount, 100, stream);
          Amount after = balance - w.amount + (outcome ? outcome->payout : 0);
          sqlite3_bind_text(insert, 1, w.user.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_text(insert, 2, w.idempotency_key.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_int64(insert, 3, w.amount);
          sqlite3_bind_text(insert, 4, w.game.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_text(insert, 5, w.params.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_int64(insert, 6, outcome ? outcome->value : 0);
          sqlite3_bind_int64(insert, 7, outcome ? outcome->payout : 0);
          sqlite3_bind_int64(insert, 8, balance);
          sqlite3_bind_int64(insert, 9, after);
          sqlite3_bind_int64(insert, 10, nonce);
          sqlite3_bind_int64(insert, 11, seed_id);
          sqlite3_bind_text(insert, 12, client_seed.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_int64(insert, 13, last_seq);
          ok = sqlite3_step(insert) == SQLITE_DONE;
          sqlite3_reset(insert);
          sqlite3_bind_text(update, 1, w.user.c_str(), -1, SQLITE_STATIC);
          sqlite3_bind_int64(update, 2, after);
          sqlite3_bind_int64(update, 3, nonce + 1);
          sqlite3_bind_int64(update, 4, sqlite3_last_insert_rowid(db));
          ok = ok && sqlite3_step(update) == SQLITE_DONE;
          sqlite3_reset(update);
        }
        ok = sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK &&
             ok;
        if (!ok && bet && balance >= w.amount) failed = true;
      }
      sqlite3_finalize(select);
      sqlite3_finalize(insert);
      sqlite3_finalize(update);
      sqlite3_close(db);
    });
  }
  for (auto& worker : workers) worker.join();
  if (failed) return core::fail(core::ErrorCode::kIo, "a baseline transaction failed");
  double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return static_cast<double>(count) / seconds;
}

}  // namespace

int run_bench(const Options& options) {
  std::filesystem::path path = options.db;
  std::filesystem::path baseline_path = path.string() + ".baseline";
  std::filesystem::path paced_path = path.string() + ".paced";
  for (const auto& p : {path, baseline_path, paced_path}) {
    if (std::filesystem::exists(p)) {
      std::cerr << "autobets: bench creates its own database and " << p.string()
                << " already exists; pass --db with a new path\n";
      return kExitBadInput;
    }
  }
  auto workload = make_workload(options);
  if (auto created = SqliteStore::create(path, Limits{}); !created) {
    return report_error(created.error());
  }
  auto run = run_engine(options, path, workload);
  std::size_t mismatches = 0;
  if (run) {
    auto store = SqliteStore::open(path);
    auto report = store ? replay(**store) : core::Result<ReplayReport>(core::fail(store.error()));
    if (!report) {
      run = core::fail(report.error());
    } else {
      mismatches = report->mismatches.size();
      for (const auto& line : report->mismatches) std::cerr << "mismatch: " << line << "\n";
    }
  }
  remove_database(path);
  if (!run) return report_error(run.error());

  std::size_t paced_count = std::min(options.rate_wagers, workload.size());
  std::vector<std::int64_t> paced;
  if (paced_count > 0) {
    if (auto created = SqliteStore::create(paced_path, Limits{}); !created) {
      return report_error(created.error());
    }
    auto latencies = run_paced(options, paced_path, workload, paced_count);
    remove_database(paced_path);
    if (!latencies) return report_error(latencies.error());
    paced = std::move(*latencies);
  }

  std::size_t baseline_count = std::min(options.baseline_wagers, workload.size());
  double baseline_rate = 0;
  if (baseline_count > 0) {
    if (auto created = SqliteStore::create(baseline_path, Limits{}); !created) {
      return report_error(created.error());
    }
    auto rate = run_baseline(options, baseline_path, workload, baseline_count);
    remove_database(baseline_path);
    if (!rate) return report_error(rate.error());
    baseline_rate = *rate;
  }
  double rate = static_cast<double>(workload.size()) / run->seconds;
  nlohmann::json result = {
      {"users", options.users},
      {"workers", options.workers},
      {"wagers", workload.size()},
      {"accepted", run->accepted},
      {"rejected", run->rejected},
      {"seconds", run->seconds},
      {"wagers_per_s", static_cast<std::int64_t>(rate)},
      {"p50_us", percentile_us(run->latencies_us, 0.50)},
      {"p99_us", percentile_us(run->latencies_us, 0.99)},
      {"rate_offered_per_s", options.rate},
      {"rate_wagers", paced_count},
      {"rate_p50_us", percentile_us(paced, 0.50)},
      {"rate_p99_us", percentile_us(paced, 0.99)},
      {"overdrafts", run->overdrafts},
      {"mismatches", mismatches},
      {"baseline_wagers", baseline_count},
      {"baseline_wagers_per_s", static_cast<std::int64_t>(baseline_rate)},
      {"speedup", baseline_rate > 0 ? std::round(rate / baseline_rate * 10) / 10 : 0.0}};
  if (options.json) {
    std::cout << result.dump() << "\n";
  } else {
    std::cout << result.dump(2) << "\n";
  }
  return run->overdrafts == 0 && mismatches == 0 ? kExitOk : kExitFindings;
}

}  // namespace autobets::cli
