// Runs the real `autobets` binary against real database files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "autobets/testing/shell.h"
#include "autobets/testing/test_db.h"
#include "core/process.h"

namespace autobets {
namespace {

using testing::CommandResult;
using testing::exec_sql;
using testing::file_digest;
using testing::query_int;
using testing::run_shell;
using testing::slurp;

class CliTest : public ::testing::Test {
 protected:
  CommandResult run(const std::string& args) {
    const char* bin = std::getenv("PROJECT_BIN_DIR");
    std::string binary = std::string(bin ? bin : ".") + "/autobets";
    return run_shell(binary + " --db " + db_.path().string() + " " + args, db_.dir());
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
  std::string binary() const {
    const char* bin = std::getenv("PROJECT_BIN_DIR");
    return std::string(bin ? bin : ".") + "/autobets --db " + db_.path().string();
  }
  // Runs `loops` shell loops at once, each running `command` `times` times; returns when
  // every process has exited. Output is discarded (the database is what is checked).
  void run_in_parallel(const std::vector<std::pair<std::string, int>>& loops) {
    std::string script;
    for (const auto& [command, times] : loops) {
      script += "(for i in $(seq " + std::to_string(times) + "); do " + binary() + " " + command +
                " >/dev/null 2>>" + (db_.dir() / "parallel-err.txt").string() + "; done) & ";
    }
    script += "wait";
    auto shell = core::Child::spawn("/bin/bash", {"bash", "-c", script});
    ASSERT_TRUE(shell.has_value()) << shell.error().message();
    auto status = shell->wait();
    ASSERT_TRUE(status.has_value());
    ASSERT_TRUE(status->success()) << status->describe();
  }
  // Wagers that share a (commitment, nonce), or commitments whose nonces do not run 0, 1,
  // 2, ... without gaps.
  std::int64_t nonce_faults() {
    return query_int(db_.path(),
                     "SELECT (SELECT count(*) FROM (SELECT 1 FROM ledger WHERE kind = 'wager' "
                     "GROUP BY commitment, nonce HAVING count(*) > 1)) + (SELECT count(*) FROM "
                     "(SELECT min(nonce) AS low, max(nonce) AS high, count(*) AS n FROM ledger "
                     "WHERE kind = 'wager' GROUP BY commitment) WHERE low <> 0 OR high <> n - 1)");
  }

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

// The bug: 8 shells running `autobets wager` at once on one database each kept its own copy
// of the balance and nonce; 34 wagers of 100 were accepted against a balance of 1,000,
// replay found chain mismatches and some wagers shared a (commitment, nonce).
TEST_F(CliTest, Regression_ParallelProcessesOverdrewOneBalance) {
  ASSERT_EQ(run("init").exit_code, 0);
  ASSERT_EQ(run("deposit --user alice --amount 1000").exit_code, 0);
  // limbo 1000000.00 essentially never wins: alice can afford exactly 10 wagers.
  std::vector<std::pair<std::string, int>> loops(
      8, {"wager --user alice --amount 100 --game limbo --params 1000000.00", 10});
  run_in_parallel(loops);
  EXPECT_EQ(query_int(db_.path(), "SELECT count(*) FROM ledger WHERE kind = 'wager'"), 10);
  EXPECT_EQ(query_int(db_.path(), "SELECT balance FROM accounts WHERE user_id = 'alice'"), 0);
  EXPECT_EQ(nonce_faults(), 0);
  CommandResult replay = run("replay");
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_EQ(run("verify --all").exit_code, 0);
  std::string errors = slurp(db_.dir() / "parallel-err.txt");
  EXPECT_EQ(errors.find("locked"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("busy"), std::string::npos) << errors;
}

// The bug: `seeds rotate` in one process while another wagered left commitments whose
// nonces started at 1 or 2, and a wager committed on a commitment just revealed.
TEST_F(CliTest, Regression_RotationsRacingWagersLeftGapsInNonces) {
#ifdef PROJECT_SANITIZED
  constexpr int kWagers = 20;
#else
  constexpr int kWagers = 60;
#endif
  ASSERT_EQ(run("init").exit_code, 0);
  ASSERT_EQ(run("deposit --user alice --amount 1000000").exit_code, 0);
  run_in_parallel({{"wager --user alice --amount 1 --game coin --params heads", kWagers},
                   {"seeds rotate --user alice", kWagers / 2}});
  EXPECT_EQ(query_int(db_.path(), "SELECT count(*) FROM ledger WHERE kind = 'wager'"), kWagers);
  EXPECT_EQ(nonce_faults(), 0);
  EXPECT_EQ(query_int(db_.path(), "SELECT count(*) FROM seeds WHERE user_id = 'alice'"),
            kWagers / 2 + 1);
  EXPECT_EQ(run("replay").exit_code, 0);
  EXPECT_EQ(run("verify --all").exit_code, 0);
}

TEST_F(CliTest, TransferMovesBothBalancesOrRefusesWithAStableCode) {
  ASSERT_EQ(run("init").exit_code, 0);
  ASSERT_EQ(run("deposit --user alice --amount 1000").exit_code, 0);
  CommandResult paid = run("transfer --from alice --to bob --amount 300 --key pay1 --json");
  ASSERT_EQ(paid.exit_code, 0) << paid.err;
  EXPECT_NE(paid.out.find("\"kind\":\"transfer_out\""), std::string::npos) << paid.out;
  EXPECT_EQ(run("transfer --from alice --to bob --amount 300 --key pay1").exit_code, 0);
  EXPECT_EQ(run("balance --user alice").out, "alice 700\n");
  EXPECT_EQ(run("balance --user bob").out, "bob 300\n");
  expect_refused("transfer --from alice --to alice --amount 5", 1, "self_transfer");
  expect_refused("transfer --from carol --to bob --amount 5", 2, "unknown sender 'carol'");
  expect_refused("transfer --from bob --to alice --amount 301", 1, "insufficient_balance");
  expect_refused("transfer --from alice --to bob --amount 301 --key pay1", 1,
                 "idempotency_key_reused");
  CommandResult replay = run("replay --json");
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_NE(replay.out.find("\"transferred\":300"), std::string::npos) << replay.out;
}

TEST_F(CliTest, HistoryOfAnUnknownUserExits2AndJsonErrorsAreObjects) {
  ASSERT_EQ(run("init").exit_code, 0);
  expect_refused("history --user nobody", 2, "unknown user 'nobody'");
  expect_refused("history --user 'not valid'", 2, "unknown user");
  CommandResult json = run("--json history --user nobody");
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_EQ(json.out,
            "{\"error\":\"unknown_user\",\"message\":\"unknown user 'nobody'\","
            "\"ok\":false}\n");
  CommandResult balance = run("--json balance --user nobody");
  EXPECT_NE(balance.out.find("\"error\":\"unknown_user\""), std::string::npos) << balance.out;
}

TEST_F(CliTest, ReplaySumsBeyondSixtyFourBitsWithoutOverflowing) {
  ASSERT_EQ(run("init").exit_code, 0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(run("deposit --user alice --amount 9223372036854775807").exit_code, 0);
    ASSERT_EQ(run("withdraw --user alice --amount 9223372036854775807").exit_code, 0);
  }
  CommandResult replay = run("replay --json");
  EXPECT_EQ(replay.exit_code, 0) << replay.out;
  EXPECT_NE(replay.out.find("\"deposits\":\"18446744073709551614\""), std::string::npos)
      << replay.out;
  EXPECT_EQ(replay.out.find("-"), std::string::npos) << "no negative totals: " << replay.out;
}

TEST_F(CliTest, InitRefusesASymlinkAndCreatesAnOwnerOnlyFile) {
  auto target = db_.dir() / "target.db";
  std::filesystem::create_symlink(target, db_.path());
  expect_refused("init", 2, "already exists");
  EXPECT_FALSE(std::filesystem::exists(target));
  std::filesystem::remove(db_.path());
  ASSERT_EQ(run("init").exit_code, 0);
  EXPECT_EQ(std::filesystem::status(db_.path()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(CliTest, BenchReportsEveryFigure) {
  CommandResult bench =
      run("bench --users 4 --workers 2 --wagers 2000 --baseline-wagers 50 --json");
  ASSERT_EQ(bench.exit_code, 0) << bench.err;
  for (const char* field :
       {"\"wagers_per_s\"", "\"p50_us\"", "\"p99_us\"", "\"overdrafts\":0", "\"mismatches\":0",
        "\"baseline_wagers_per_s\"", "\"speedup\"", "\"rate_p50_us\"", "\"rate_p99_us\""}) {
    EXPECT_NE(bench.out.find(field), std::string::npos) << field << " in " << bench.out;
  }
  EXPECT_FALSE(std::filesystem::exists(db_.path())) << "bench cleans up its database";
}

TEST_F(CliTest, KeysCreatePrintsTheKeyOnceAndStoresOnlyItsHash) {
  expect_refused("keys create --scope admin", 2, "no database at");
  ASSERT_EQ(run("init").exit_code, 0);
  CommandResult play = run("--json keys create --scope play --user alice");
  ASSERT_EQ(play.exit_code, 0) << play.err;
  auto token_at = play.out.find("abk_");
  ASSERT_NE(token_at, std::string::npos) << play.out;
  std::string token = play.out.substr(token_at, 52);
  EXPECT_EQ(query_int(db_.path(),
                      "SELECT count(*) FROM api_keys WHERE scope = 'play' AND "
                      "user_id = 'alice'"),
            1);
  EXPECT_EQ(query_int(db_.path(), "SELECT count(*) FROM api_keys WHERE key_hash LIKE '%" +
                                      token.substr(4, 16) + "%'"),
            0);
  ASSERT_EQ(run("keys create --scope admin").exit_code, 0);
  expect_refused("keys create --scope play", 2, "needs a valid --user");
  expect_refused("keys create --scope root", 2, "--scope must be play, service or admin");
  expect_refused("keys create --scope service --user bob", 2, "only for --scope play");
}

}  // namespace
}  // namespace autobets
