// Crash: a child process runs wagers from several threads and is killed with SIGKILL at a
// random moment, 25 times over the same database. After each kill the database must open,
// reconcile, and replay equal to the balances, with no wager half-applied and every
// record verifiable.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <thread>

#include "autobets/audit.h"
#include "autobets/engine.h"
#include "autobets/sqlite_store.h"
#include "autobets/testing/seed.h"
#include "autobets/testing/test_db.h"
#include "core/process.h"

namespace autobets {
namespace {

constexpr int kKills = 25;

[[noreturn]] void run_child(const std::filesystem::path& path, int round, std::uint64_t seed) {
  auto store = SqliteStore::open(path);
  if (!store) _exit(10);
  auto engine = Engine::open(**store);
  if (!engine) _exit(11);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 random(
          testing::derive_seed(seed, static_cast<std::uint64_t>(round * 10 + t)));
      for (long i = 0;; ++i) {
        std::string user = "u" + std::to_string(random() % 6);
        std::string key =
            "r" + std::to_string(round) + "t" + std::to_string(t) + "i" + std::to_string(i);
        if (i % 50 == 0) {
          (void)(*engine)->transfer({user, RecordKind::kDeposit, 5000, key});
        } else {
          (void)(*engine)->wager(
              {user, key, static_cast<Amount>(1 + random() % 300), "dice", "under 45"});
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

TEST(EngineCrash, SigkillAtRandomMomentsNeverLeavesAHalfAppliedWager) {
  // Seeded: the children's operations and the kill times; AUTOBETS_SEED=N repeats them.
  const std::uint64_t seed = testing::simulation_seed();
  SCOPED_TRACE("AUTOBETS_SEED=" + std::to_string(seed));
  testing::TempDb db;
  std::mt19937_64 random(seed);
  std::int64_t previous_records = 0;
  for (int round = 0; round < kKills; ++round) {
    auto child = core::Child::fork([&]() -> int { run_child(db.path(), round, seed); });
    ASSERT_TRUE(child.has_value()) << child.error().message();
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + random() % 170));
    ASSERT_TRUE(child->kill(SIGKILL));
    auto status = child->wait();
    ASSERT_TRUE(status.has_value());
    ASSERT_EQ(status->kind, core::ExitStatus::Kind::kSignaled)
        << "child exited early: it " << status->describe();

    auto store = SqliteStore::open(db.path());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    auto reconciled = reconcile(**store);
    ASSERT_TRUE(reconciled.has_value()) << reconciled.error().message();
    auto report = replay(**store);
    ASSERT_TRUE(report.has_value());
    for (const auto& line : report->mismatches) ADD_FAILURE() << "round " << round << ": " << line;
    auto verified = verify(**store, OpenSslHasher::instance(), 0);
    ASSERT_TRUE(verified.has_value());
    EXPECT_TRUE(verified->ok()) << "round " << round;
    // Progress is durable across kills: the ledger only grows.
    auto records = static_cast<std::int64_t>(report->records);
    EXPECT_GE(records, previous_records);
    previous_records = records;
  }
  EXPECT_GT(previous_records, 0);
  ::testing::Test::RecordProperty("ledger_records", static_cast<int>(previous_records));
}

}  // namespace
}  // namespace autobets
