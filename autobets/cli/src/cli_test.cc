// Runs the real `autobets` binary against real database files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::exec_sql;
using testing::file_digest;
using testing::query_int;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliTest : public ::testing::Test {
 protected:
  CommandResult run(const std::string& args) {
    const char* bin = std::getenv("PROJECT_BIN_DIR");
    std::string binary = std::string(bin ? bin : ".") + "/autobets";
    auto out = db_.dir() / "out.txt";
    auto err = db_.dir() / "err.txt";
    std::string command = binary + " --db " + db_.path().string() + " " + args + " >" +
                          out.string() + " 2>" + err.string();
    int status = std::system(command.c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
  }
  // Runs a command that must be refused: non-zero exit, a message containing `reason`,
  // and the database file byte-for-byte unchanged.
  void expect_refused(const std::string& args, int exit_code, const std::string& reason) {
    auto before = file_digest(db_.path());
    auto rows = std::filesystem::exists(db_.path()) ? ledger_rows() : -1;
    CommandResult result = run(args);
    EXPECT_EQ(result.exit_code, exit_code) << args << "\n" << result.out << result.err;
    EXPECT_NE(result.err.find(reason), std::string::npos) << args << ": stderr was: " << result.err;
    EXPECT_EQ(file_digest(db_.path()), before) << args << " changed the database file";
    if (rows >= 0) {
      EXPECT_EQ(ledger_rows(), rows);
    }
  }
  std::int64_t ledger_rows() { return query_int(db_.path(), "SELECT count(*) FROM ledger"); }

  testing::TempDb db_{Limits{}, /*create=*/false};
};

TEST_F(CliTest, FullSessionWorksEndToEnd) {
  ASSERT_EQ(run("init --house-edge-bp 150 --max-bet 5000").exit_code, 0);
  CommandResult deposit = run("deposit --user alice --amount 10000 --json");
  ASSERT_EQ(deposit.exit_code, 0) << deposit.err;
  EXPECT_NE(deposit.out.find("\"balance_after\":10000"), std::string::npos) << deposit.out;
  CommandResult wager =
      run("wager --user alice --amount 500 --game dice --params 'over 50' --key w1 --json");
  ASSERT_EQ(wager.exit_code, 0) << wager.err;
  EXPECT_NE(wager.out.find("\"house_edge_bp\":150"), std::string::npos) << wager.out;
  CommandResult repeat =
      run("wager --user alice --amount 500 --game dice --params 'over 50' --key w1 --json");
  EXPECT_NE(repeat.out.find("\"duplicate\":true"), std::string::npos) << repeat.out;
  EXPECT_EQ(
      run("wager --user alice --amount 501 --game dice --params 'over 50' --key w1").exit_code, 1);
  EXPECT_EQ(run("withdraw --user alice --amount 100").exit_code, 0);
  EXPECT_EQ(run("credit --user bob --amount 42").exit_code, 0);
  EXPECT_EQ(run("balance --user bob").out, "bob 42\n");
  EXPECT_EQ(run("seeds set-client --user alice --seed lucky").exit_code, 0);
  CommandResult seeds = run("seeds show --user alice --json");
  EXPECT_NE(seeds.out.find("\"client_seed\":\"lucky\""), std::string::npos) << seeds.out;
  EXPECT_NE(seeds.out.find("\"server_seed\""), std::string::npos) << "revealed seed is listed";
  EXPECT_EQ(run("verify 2").exit_code, 0);
  EXPECT_EQ(run("verify --all").exit_code, 0);
  CommandResult history = run("history --user alice --limit 2");
  EXPECT_NE(history.out.find("withdrawal alice 100"), std::string::npos) << history.out;
  CommandResult replay = run("replay --json");
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_NE(replay.out.find("\"ok\":true"), std::string::npos);
}

TEST_F(CliTest, BadInputIsRefusedWithAClearMessageAndChangesNothing) {
  ASSERT_EQ(run("init").exit_code, 0);
  ASSERT_EQ(run("deposit --user alice --amount 1000").exit_code, 0);
  std::string dice = " --game dice --params 'over 50'";
  expect_refused("wager --user alice --amount 0" + dice, 2, "amount must be positive, got 0");
  expect_refused("deposit --user alice --amount 0", 2, "amount must be positive");
  expect_refused("wager --user alice --amount -5" + dice, 2, "amount");
  expect_refused("deposit --user alice --amount 99999999999999999999", 2, "--amount");
  expect_refused("deposit --user alice --amount 9223372036854775800", 1, "balance would overflow");
  expect_refused("wager --user nobody --amount 10" + dice, 2, "unknown user 'nobody'");
  expect_refused("withdraw --user nobody --amount 10", 2, "unknown user 'nobody'");
  expect_refused("wager --user alice --amount 10 --game roulette --params red", 2,
                 "unknown game 'roulette'");
  expect_refused("wager --user alice --amount 10 --game dice --params 'over 99.99'", 2,
                 "win chance");
  expect_refused("wager --user alice --amount 10 --game limbo --params 0.5", 2,
                 "limbo takes a target multiplier");
  expect_refused("wager --user 'a b' --amount 10" + dice, 2, "user id 'a b'");
  expect_refused("wager --user alice --amount 1001" + dice, 1, "insufficient_balance");
  expect_refused("wager --user alice --amount 10 --frobnicate" + dice, 2, "frobnicate");
  expect_refused("verify 99", 2, "no ledger record with seq 99");
  expect_refused("verify 1", 2, "not a wager");
  expect_refused("init", 2, "already exists");
  expect_refused("teleport", 2, "teleport");
}

TEST_F(CliTest, CorruptOrForeignDatabaseIsRefusedUntouched) {
  {
    std::ofstream garbage(db_.path(), std::ios::binary);
    for (int i = 0; i < 4096; ++i) garbage << static_cast<char>(i * 7919);
  }
  for (const char* command : {"balance --user alice", "deposit --user alice --amount 5", "replay",
                              "reconcile", "verify --all"}) {
    auto before = file_digest(db_.path());
    CommandResult result = run(command);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_NE(result.err.find("is not an AutoBets database"), std::string::npos) << result.err;
    EXPECT_EQ(file_digest(db_.path()), before);
  }
  std::filesystem::remove(db_.path());
  CommandResult missing = run("balance --user alice");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no database at"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(db_.path()));
}

TEST_F(CliTest, ReplayFindsAnOrphanAndReconcileAppliesIt) {
  ASSERT_EQ(run("init").exit_code, 0);
  ASSERT_EQ(run("deposit --user alice --amount 1000").exit_code, 0);
  ASSERT_EQ(testing::insert_orphan_credit(db_.path(), "alice", "restored", 5, 1000), "");
  CommandResult before = run("replay");
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.out.find("MISMATCH user 'alice'"), std::string::npos) << before.out;
  CommandResult reconciled = run("reconcile --json");
  EXPECT_EQ(reconciled.exit_code, 0);
  EXPECT_NE(reconciled.out.find("\"orphans_applied\":1"), std::string::npos) << reconciled.out;
  EXPECT_EQ(run("replay").exit_code, 0);
  EXPECT_EQ(run("balance --user alice").out, "alice 1005\n");
}

TEST_F(CliTest, DemoEndsWithAConsistentAudit) {
  CommandResult demo = run("demo");
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_NE(demo.out.find("idempotency_key_reused"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find(", 0 failures"), std::string::npos) << demo.out;
  EXPECT_NE(demo.out.find("consistent"), std::string::npos) << demo.out;
  EXPECT_EQ(demo.out.find("INCONSISTENT"), std::string::npos) << demo.out;
}

TEST_F(CliTest, BenchReportsEveryFigure) {
  CommandResult bench =
      run("bench --users 4 --workers 2 --wagers 2000 --baseline-wagers 50 --json");
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  for (const char* field : {"\"wagers_per_s\"", "\"p50_us\"", "\"p99_us\"", "\"overdrafts\":0",
                            "\"mismatches\":0", "\"baseline_wagers_per_s\"", "\"speedup\""}) {
    EXPECT_NE(bench.out.find(field), std::string::npos) << field << " in " << bench.out;
  }
  EXPECT_FALSE(std::filesystem::exists(db_.path())) << "bench cleans up its database";
}

}  // namespace
}  // namespace autobets
