#include "autobets/sqlite_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::exec_sql;
using testing::file_digest;
using testing::query_int;
using testing::TempDb;

SeedRecord seed_for(const std::string& user) {
  return SeedRecord{user, "server-" + user, "commit-" + user, "client", 1, std::nullopt};
}

LedgerRecord deposit(const std::string& user, Amount before, Amount amount, std::string key) {
  LedgerRecord record;
  record.user = user;
  record.kind = RecordKind::kDeposit;
  record.idempotency_key = std::move(key);
  record.amount = amount;
  record.balance_before = before;
  record.balance_after = before + amount;
  record.created_at_us = 5;
  return record;
}

std::vector<StoreOp> open_account(const std::string& user, Amount amount) {
  return {StoreOp{StoreOp::Type::kNewSeed, {}, seed_for(user)},
          StoreOp{StoreOp::Type::kAppend, deposit(user, 0, amount, "d1"), {}}};
}

TEST(SqliteStore, CommitsLedgerAndBalanceTogether) {
  TempDb db;
  auto store = SqliteStore::open(db.path());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto seqs = (*store)->commit(open_account("alice", 500));
  ASSERT_TRUE(seqs.has_value()) << seqs.error().message();
  EXPECT_EQ(*seqs, std::vector<Seq>{1});
  auto snapshot = (*store)->load("alice");
  ASSERT_TRUE(snapshot.has_value() && snapshot->has_value());
  EXPECT_EQ((*snapshot)->account.balance, 500);
  EXPECT_EQ((*snapshot)->account.last_seq, 1);
  EXPECT_EQ((*snapshot)->seed.server_seed, "server-alice");
  EXPECT_EQ(*(*store)->applied_seq(), 1);
  auto found = (*store)->find_by_key("alice", "d1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->amount, 500);
}

TEST(SqliteStore, LedgerRefusesUpdateAndDeleteFromAnyClient) {
  TempDb db;
  {
    auto store = SqliteStore::open(db.path());
    ASSERT_TRUE((*store)->commit(open_account("alice", 500)).has_value());
  }
  EXPECT_NE(exec_sql(db.path(), "UPDATE ledger SET amount = 1").find("immutable"),
            std::string::npos);
  EXPECT_NE(exec_sql(db.path(), "DELETE FROM ledger").find("immutable"), std::string::npos);
  EXPECT_NE(exec_sql(db.path(), "UPDATE seeds SET server_seed = 'x'").find("immutable"),
            std::string::npos);
  EXPECT_EQ(query_int(db.path(), "SELECT amount FROM ledger WHERE seq = 1"), 500);
}

TEST(SqliteStore, SchemaRefusesRecordsThatBreakTheInvariants) {
  TempDb db;
  std::string insert =
      "INSERT INTO ledger (user_id, kind, idem_key, amount, balance_before, balance_after, "
      "created_at_us) VALUES ";
  // The balance change must follow from the kind and amount.
  EXPECT_NE(exec_sql(db.path(), insert + "('a', 'deposit', 'k', 10, 0, 11, 0)"), "");
  // No balance may go below zero.
  EXPECT_NE(exec_sql(db.path(), insert + "('a', 'withdrawal', 'k', 10, 0, -10, 0)"), "");
  // Amounts are positive.
  EXPECT_NE(exec_sql(db.path(), insert + "('a', 'deposit', 'k', 0, 0, 0, 0)"), "");
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM ledger"), 0);
}

class FaultPointTest : public ::testing::TestWithParam<FaultPoint> {};

TEST_P(FaultPointTest, AFailedCommitLeavesNeitherRecordsNorBalances) {
  TempDb db;
  FaultPoint armed = GetParam();
  bool fire = false;
  SqliteStoreOptions options;
  options.fault = [&](FaultPoint point) -> core::Status {
    if (fire && point == armed) return core::fail(core::ErrorCode::kIo, "injected disk error");
    return core::ok_status();
  };
  auto store = SqliteStore::open(db.path(), options);
  ASSERT_TRUE((*store)->commit(open_account("alice", 500)).has_value());
  fire = true;
  std::vector<StoreOp> batch = {
      StoreOp{StoreOp::Type::kAppend, deposit("alice", 500, 50, "d2"), {}},
      StoreOp{StoreOp::Type::kNewSeed, {}, seed_for("bob")},
      StoreOp{StoreOp::Type::kAppend, deposit("bob", 0, 70, "d1"), {}}};
  auto failed = (*store)->commit(batch);
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message().find("injected disk error"), std::string::npos);
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM ledger"), 1);
  EXPECT_EQ(query_int(db.path(), "SELECT balance FROM accounts WHERE user_id = 'alice'"), 500);
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM accounts WHERE user_id = 'bob'"), 0);
  EXPECT_EQ(*(*store)->applied_seq(), 1);
  fire = false;
  auto retried = (*store)->commit(batch);  // the store is usable after the failure
  ASSERT_TRUE(retried.has_value());
  EXPECT_EQ(*retried, (std::vector<Seq>{2, 3}));
}

INSTANTIATE_TEST_SUITE_P(EveryPoint, FaultPointTest,
                         ::testing::Values(FaultPoint::kBeforeLedgerWrite,
                                           FaultPoint::kBeforeBalanceWrite,
                                           FaultPoint::kBeforeCommit),
                         [](const ::testing::TestParamInfo<FaultPoint>& point_info) {
                           switch (point_info.param) {
                             case FaultPoint::kBeforeLedgerWrite:
                               return "LedgerWrite";
                             case FaultPoint::kBeforeBalanceWrite:
                               return "BalanceWrite";
                             case FaultPoint::kBeforeCommit:
                               return "Commit";
                           }
                           return "Unknown";
                         });

TEST(SqliteStore, OpenNeverCreatesAndNamesWhatIsWrong) {
  TempDb db(Limits{}, /*create=*/false);
  auto missing = SqliteStore::open(db.path());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(db.path()));

  {
    std::ofstream garbage(db.path(), std::ios::binary);
    garbage << std::string(8192, '\x5a');
  }
  auto before = file_digest(db.path());
  auto corrupt = SqliteStore::open(db.path());
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(corrupt.error().message().find("not an AutoBets database"), std::string::npos);
  EXPECT_EQ(file_digest(db.path()), before);

  std::filesystem::remove(db.path());
  auto created = SqliteStore::create(db.path(), Limits{});
  ASSERT_TRUE(created.has_value());
  auto again = SqliteStore::create(db.path(), Limits{});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), core::ErrorCode::kAlreadyExists);
}

TEST(SqliteStore, ForeignSqliteDatabaseIsRefusedUntouched) {
  TempDb db(Limits{}, /*create=*/false);
  { std::ofstream touch(db.path()); }
  ASSERT_EQ(exec_sql(db.path(), "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('x')"),
            "");
  auto before = file_digest(db.path());
  auto foreign = SqliteStore::open(db.path());
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(foreign.error().message().find("no such table: settings"), std::string::npos);
  EXPECT_EQ(file_digest(db.path()), before);
}

}  // namespace
}  // namespace autobets
