// Long-lived processes: 4 engine processes (autobets_sim_worker, 8 threads each) on one
// database, 16 users, deposits + wagers + transfers, while whole processes are killed with
// SIGKILL at random moments (at least 20 times) and restarted. The driver resends every
// operation that was not acknowledged, with its idempotency key, until it is. Afterwards:
// no overdraft, every acknowledged operation is in the ledger exactly once and every
// refused one not at all, replay is consistent (conservation included), every wager
// verifies.
//
// Runs on a SQLite file and on a PostgreSQL database (when the test run has a server).
// Seeded: operations and kill moments derive from one seed, printed on failure;
// AUTOBETS_SEED=N repeats them.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "autobets/audit.h"
#include "autobets/open_store.h"
#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/seed.h"
#include "autobets/testing/test_db.h"
#include "core/process.h"

namespace autobets {
namespace {

#ifdef PROJECT_SANITIZED
constexpr int kOps = 1200;
#else
constexpr int kOps = 4000;
#endif
constexpr int kProcesses = 4;
constexpr int kUsers = 16;
constexpr int kKills = 22;
constexpr std::size_t kOutstandingPerProcess = 48;

struct Op {
  std::string line;  // what the worker reads
  std::string key;
  std::string user;  // whose idempotency key it is
  std::string code;  // the acknowledgement; empty until acknowledged
};

struct Worker {
  core::Child process;  // its stdin and stdout are pipes
  std::string buffer;
  std::vector<std::size_t> outstanding;  // op indexes sent, not acknowledged
};

// core::Child's pipes are close-on-exec: a later worker does not inherit (and so keep open)
// an earlier one's stdin.
Worker spawn(const std::string& binary, const std::string& db) {
  core::SpawnOptions options;
  options.in = core::Stdio::pipe();
  options.out = core::Stdio::pipe();
  auto process = core::Child::spawn(binary, {binary, db}, options);
  CORE_CHECK(process.has_value() && process->started());
  return Worker{std::move(*process), {}, {}};
}

std::vector<Op> make_ops(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Op> ops;
  auto user = [](std::uint64_t n) { return "p" + std::to_string(n % kUsers); };
  for (int u = 0; u < kUsers; ++u) {
    std::string key = "open" + std::to_string(u);
    ops.push_back({"d " + key + " " + user(u) + " 5000\n", key, user(u), ""});
  }
  while (ops.size() < kOps) {
    std::string key = "op" + std::to_string(ops.size());
    std::string from = user(random());
    int choice = static_cast<int>(random() % 10);
    if (choice == 0) {
      ops.push_back({"d " + key + " " + from + " " + std::to_string(1 + random() % 2000) + "\n",
                     key, from, ""});
    } else if (choice < 4) {
      std::string to = user(random());
      if (to == from) to = user(std::stoul(from.substr(1)) + 1);
      ops.push_back(
          {"t " + key + " " + from + " " + to + " " + std::to_string(1 + random() % 1500) + "\n",
           key, from, ""});
    } else {
      ops.push_back({"w " + key + " " + from + " " + std::to_string(1 + random() % 400) + "\n", key,
                     from, ""});
    }
  }
  return ops;
}

class EngineProcesses : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Stores, EngineProcesses, ::testing::Values("Sqlite", "Postgres"),
                         [](const auto& param_info) { return param_info.param; });

TEST_P(EngineProcesses, FourProcessesKilledAtRandomKeepEveryGuarantee) {
  const bool postgres = GetParam() == "Postgres";
  if (postgres && testing::pg_server_url().empty()) GTEST_SKIP() << testing::kNoPgServer;
  const std::uint64_t seed = testing::simulation_seed();
  SCOPED_TRACE("AUTOBETS_SEED=" + std::to_string(seed));
  const char* bin = std::getenv("PROJECT_BIN_DIR");
  const std::string binary = std::string(bin ? bin : ".") + "/autobets_sim_worker";
  ASSERT_TRUE(std::filesystem::exists(binary)) << binary;
  ::signal(SIGPIPE, SIG_IGN);  // writing to a killed worker fails instead of killing us
  testing::TempDb file;
  std::optional<testing::PgTestDb> database;
  if (postgres) database.emplace();
  const std::string db = postgres ? database->url() : file.path().string();
  std::vector<Op> ops = make_ops(seed);
  std::mt19937_64 random(testing::derive_seed(seed, 1));

  std::deque<std::size_t> unsent;
  for (std::size_t i = 0; i < ops.size(); ++i) unsent.push_back(i);
  std::vector<Worker> workers;
  for (int p = 0; p < kProcesses; ++p) workers.push_back(spawn(binary, db));
  std::size_t acknowledged = 0;
  int kills = 0;
  // Kill moments: after a random number of acknowledgements, spread over the run.
  const std::size_t kill_every = ops.size() / (kKills + 2);
  std::size_t next_kill = kill_every / 2 + random() % kill_every;

  auto kill_one = [&](std::size_t index) {
    Worker& worker = workers[index];
    worker.process.kill(SIGKILL);
    CORE_CHECK(worker.process.wait().has_value());
    // Unacknowledged: sent again (maybe to another process) with the same key.
    for (std::size_t op : worker.outstanding) unsent.push_front(op);
    worker = spawn(binary, db);
    ++kills;
  };

  while (acknowledged < ops.size()) {
    for (Worker& worker : workers) {
      std::string batch;
      while (worker.outstanding.size() < kOutstandingPerProcess && !unsent.empty()) {
        std::size_t op = unsent.front();
        unsent.pop_front();
        worker.outstanding.push_back(op);
        batch += ops[op].line;
      }
      if (!batch.empty() && ::write(worker.process.stdin_fd(), batch.data(), batch.size()) < 0) {
        // Died on its own: handled below when its stdout closes.
      }
    }
    std::vector<pollfd> fds;
    for (Worker& worker : workers) fds.push_back({worker.process.stdout_fd(), POLLIN, 0});
    ASSERT_GE(::poll(fds.data(), fds.size(), 60'000), 1) << "no worker answered for 60 s";
    for (std::size_t w = 0; w < workers.size(); ++w) {
      if (!(fds[w].revents & (POLLIN | POLLHUP))) continue;
      Worker& worker = workers[w];
      char chunk[4096];
      ssize_t n = ::read(worker.process.stdout_fd(), chunk, sizeof chunk);
      if (n <= 0) {
        ADD_FAILURE() << "worker " << worker.process.pid() << " exited on its own";
        kill_one(w);
        continue;
      }
      worker.buffer.append(chunk, static_cast<std::size_t>(n));
      for (auto end = worker.buffer.find('\n'); end != std::string::npos;
           end = worker.buffer.find('\n')) {
        std::string line = worker.buffer.substr(0, end);
        worker.buffer.erase(0, end + 1);
        auto space = line.find(' ');
        std::string key = line.substr(0, space), code = line.substr(space + 1);
        auto it = std::find_if(worker.outstanding.begin(), worker.outstanding.end(),
                               [&](std::size_t op) { return ops[op].key == key; });
        ASSERT_NE(it, worker.outstanding.end()) << "answer for an op not sent: " << line;
        std::size_t op = *it;
        worker.outstanding.erase(it);
        if (code == "ledger_write_failed" || code == "engine_closed") {
          unsent.push_back(op);  // an operating failure: not an answer, retried
          continue;
        }
        ops[op].code = code;
        ++acknowledged;
      }
    }
    if (acknowledged >= next_kill && kills < kKills) {
      kill_one(random() % workers.size());
      next_kill = acknowledged + kill_every / 2 + random() % kill_every;
    }
  }
  for (Worker& worker : workers) {
    worker.process.close_stdin();
    auto status = worker.process.wait();
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->success()) << status->describe();
  }
  EXPECT_GE(kills, 20);

  auto store = open_store(db);
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE(reconcile(**store).has_value());
  std::map<std::string, int> codes;
  for (const Op& op : ops) {
    ++codes[op.code];
    auto found = (*store)->find_by_key(op.user, op.key);
    ASSERT_TRUE(found.has_value());
    if (op.code == "ok") {
      EXPECT_TRUE(found->has_value()) << "acknowledged op " << op.key << " is not in the ledger";
    } else {
      EXPECT_FALSE(found->has_value())
          << "refused op " << op.key << " (" << op.code << ") left a record";
    }
  }
  EXPECT_GT(codes["ok"], kOps / 2);
  std::size_t records = 0;
  auto scanned = (*store)->scan_ledger(0, [&](const LedgerRecord& record) -> core::Status {
    ++records;
    if (record.kind == RecordKind::kWager || record.kind == RecordKind::kWithdrawal ||
        record.kind == RecordKind::kTransferOut) {
      EXPECT_LE(record.amount, record.balance_before) << "overdraft at seq " << record.seq;
    }
    return core::ok_status();
  });
  ASSERT_TRUE(scanned.has_value());
  // Exactly once: each acknowledged op is one record (a transfer two), nothing else.
  std::size_t expected = 0;
  for (const Op& op : ops) {
    if (op.code == "ok") expected += op.line[0] == 't' ? 2 : 1;
  }
  EXPECT_EQ(records, expected);
  auto report = replay(**store);
  ASSERT_TRUE(report.has_value());
  for (const auto& line : report->mismatches) ADD_FAILURE() << line;
  auto verified = verify(**store, OpenSslHasher::instance(), 0);
  ASSERT_TRUE(verified.has_value());
  for (const auto& line : verified->failures) ADD_FAILURE() << line;
  ::testing::Test::RecordProperty("kills", kills);
}

}  // namespace
}  // namespace autobets
