// Runs the real `autobets` binary with `--db postgresql://...` against the test run's
// PostgreSQL server: the URL selects the PostgreSQL store, and a password (from the URL,
// PGPASSWORD or ~/.pgpass) never appears in any output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/shell.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::CommandResult;
using testing::pg_exec_sql;
using testing::pg_query_int;
using testing::pg_url_for;
using testing::PgTestDb;
using testing::run_shell;

class CliPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::pg_server_url().empty()) GTEST_SKIP() << testing::kNoPgServer;
    db_.emplace(Limits{}, /*create=*/false);
  }
  // Runs `autobets --db 'url' args` with `env` ("NAME=value ..." or "") in front.
  CommandResult run(const std::string& url, const std::string& args, const std::string& env = "") {
    const char* bin = std::getenv("PROJECT_BIN_DIR");
    std::string binary = std::string(bin ? bin : ".") + "/autobets";
    return run_shell(env + " " + binary + " --db '" + url + "' " + args, dir_.dir());
  }
  // A login role with a password that owns the test database.
  std::string make_role(const std::string& password) {
    std::string role = "r_" + db_->name();
    EXPECT_EQ(pg_exec_sql(testing::pg_server_url(), "CREATE ROLE " + role + " LOGIN PASSWORD '" +
                                                        password + "'; ALTER DATABASE " +
                                                        db_->name() + " OWNER TO " + role),
              "");
    return role;
  }
  void TearDown() override {
    if (!db_) return;
    std::string role = "r_" + db_->name();
    db_.reset();
    (void)pg_exec_sql(testing::pg_server_url(), "DROP ROLE IF EXISTS " + role);
  }
  testing::TempDb dir_{Limits{}, /*create=*/false};
  std::optional<PgTestDb> db_;
};

TEST_F(CliPgTest, APostgresUrlSelectsThePostgresStoreForEveryCommand) {
  std::string url = db_->url();
  ASSERT_EQ(run(url, "init").exit_code, 0);
  auto again = run(url, "init");  // refuses to create the tables twice
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already has AutoBets tables"), std::string::npos) << again.err;
  ASSERT_EQ(run(url, "deposit --user alice --amount 1000").exit_code, 0);
  auto wager = run(url, "--json wager --user alice --amount 100 --game coin --params heads");
  ASSERT_EQ(wager.exit_code, 0) << wager.err;
  auto transfer = run(url, "transfer --from alice --to bob --amount 50");
  ASSERT_EQ(transfer.exit_code, 0) << transfer.err;
  auto rotated = run(url, "seeds rotate --user alice");
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  auto balance = run(url, "--json balance --user bob");
  ASSERT_EQ(balance.exit_code, 0) << balance.err;
  EXPECT_NE(balance.out.find("50"), std::string::npos) << balance.out;
  EXPECT_EQ(run(url, "history --user nobody").exit_code, 2);
  auto verified = run(url, "verify --all");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  auto replay = run(url, "replay");
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(pg_query_int(url, "SELECT count(*) FROM ledger"), 4);
  // postgres:// is the same scheme.
  std::string short_url = "postgres" + url.substr(std::string("postgresql").size());
  EXPECT_EQ(run(short_url, "balance --user alice").exit_code, 0);
}

TEST_F(CliPgTest, ABadPasswordIsRefusedWithoutEverShowingIt) {
  std::string role = make_role("right-horse-battery");
  std::string wrong = "WrongStaple8531";
  auto refused = run(pg_url_for(testing::pg_server_url(), db_->name(), role, wrong), "init");
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("password authentication failed"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find(wrong), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find(wrong), std::string::npos) << refused.out;
  EXPECT_EQ(pg_query_int(db_->url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'ledger'"),
            0);
  // From PGPASSWORD the same: refused, never echoed.
  auto from_env =
      run(pg_url_for(testing::pg_server_url(), db_->name(), role), "init", "PGPASSWORD=" + wrong);
  EXPECT_EQ(from_env.exit_code, 3);
  EXPECT_EQ((from_env.out + from_env.err).find(wrong), std::string::npos) << from_env.err;
}

TEST_F(CliPgTest, ThePasswordComesFromTheUrlPgpasswordOrPgpassAndIsNeverPrinted) {
  std::string password = "right-horse-battery";
  std::string role = make_role(password);
  std::string with_password = pg_url_for(testing::pg_server_url(), db_->name(), role, password);
  auto created = run(with_password, "--json init");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ((created.out + created.err).find(password), std::string::npos) << created.out;
  EXPECT_NE(created.out.find(role + ":***@"), std::string::npos) << created.out;
  std::string without = pg_url_for(testing::pg_server_url(), db_->name(), role);
  auto from_env = run(without, "deposit --user alice --amount 5", "PGPASSWORD=" + password);
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  auto pgpass = dir_.dir() / ".pgpass";
  {
    std::ofstream file(pgpass);
    file << "*:*:" << db_->name() << ":" << role << ":" << password << "\n";
  }
  std::filesystem::permissions(
      pgpass, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto from_file = run(without, "balance --user alice", "HOME=" + dir_.dir().string());
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  // And without any password the login is refused, clearly.
  auto none = run(without, "balance --user alice", "HOME=" + dir_.dir().string() + "/none");
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("password"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace autobets
