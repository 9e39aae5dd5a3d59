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

SeedRecord seed_for(const std::string& user, const std::string& tag = "") {
  return SeedRecord{user,        "server-" + user + tag, "commit-" + user + tag, "client", 1,
                    std::nullopt};
}

StoreOp new_seed(const std::string& user, std::int64_t expect_version, const std::string& tag,
                 const std::string& next_tag) {
  StoreOp op{
      StoreOp::Type::kNewSeed, {}, seed_for(user, tag), seed_for(user, next_tag), expect_version};
  op.next_seed.client_seed.clear();
  return op;
}

StoreOp append(LedgerRecord record, std::int64_t expect_version) {
  return StoreOp{StoreOp::Type::kAppend, std::move(record), {}, {}, expect_version};
}

LedgerRecord wager(const std::string& user, Amount before, const std::string& commitment,
                   std::int64_t nonce, std::string key) {
  LedgerRecord record;
  record.user = user;
  record.kind = RecordKind::kWager;
  record.idempotency_key = std::move(key);
  record.amount = 10;
  record.game = "coin";
  record.params = "heads";
  record.balance_before = before;
  record.balance_after = before - 10;
  record.commitment = commitment;
  record.client_seed = "client";
  record.nonce = nonce;
  return record;
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
  return {new_seed(user, 0, "", "-next"), append(deposit(user, 0, amount, "d1"), 1)};
}

TEST(SqliteStore, CommitsLedgerAndBalanceTogether) {
  TempDb db;
  auto store = SqliteStore::open(db.path());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto seqs = (*store)->commit(open_account("alice", 500));
  ASSERT_TRUE(seqs.has_value()) << seqs.error().message();
  EXPECT_EQ(seqs->seqs, std::vector<Seq>{1});
  auto snapshot = (*store)->load("alice");
  ASSERT_TRUE(snapshot.has_value() && snapshot->has_value());
  EXPECT_EQ((*snapshot)->account.balance, 500);
  EXPECT_EQ((*snapshot)->account.last_seq, 1);
  EXPECT_EQ((*snapshot)->seed.server_seed, "server-alice");
  EXPECT_EQ((*snapshot)->next_seed.commitment, "commit-alice-next");
  EXPECT_EQ((*snapshot)->account.version, 2);
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
  std::vector<StoreOp> batch = {append(deposit("alice", 500, 50, "d2"), 2),
                                new_seed("bob", 0, "", "-next"),
                                append(deposit("bob", 0, 70, "d1"), 1)};
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
  EXPECT_EQ(retried->seqs, (std::vector<Seq>{2, 3}));
}

TEST(SqliteStore, ACommitComputedFromAStaleVersionIsAConflictAndWritesNothing) {
  TempDb db;
  auto first = SqliteStore::open(db.path());
  auto second = SqliteStore::open(db.path());  // another engine (process) on the same file
  ASSERT_TRUE(first.has_value() && second.has_value());
  ASSERT_TRUE((*first)->commit(open_account("alice", 500)).has_value());
  ASSERT_TRUE((*first)->commit(open_account("bob", 100)).has_value());
  // Both read alice at version 2; the first one's withdrawal lands.
  ASSERT_TRUE((*first)
                  ->commit(std::vector<StoreOp>{append(deposit("alice", 500, 1, "d2"), 2)})
                  ->committed());
  auto before = query_int(db.path(), "SELECT count(*) FROM ledger");
  LedgerRecord stale = deposit("alice", 500, 7, "d3");
  auto result = (*second)->commit(
      std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2), append(stale, 2)});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->conflicts, std::vector<std::string>{"alice"});
  EXPECT_TRUE(result->seqs.empty());
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM ledger"), before);
  EXPECT_EQ(query_int(db.path(), "SELECT balance FROM accounts WHERE user_id = 'bob'"), 100);
  // Recomputed on the current version, it applies.
  auto redone = (*second)->commit(std::vector<StoreOp>{append(deposit("alice", 501, 7, "d3"), 3)});
  ASSERT_TRUE(redone.has_value() && redone->committed());
  EXPECT_EQ(query_int(db.path(), "SELECT balance FROM accounts WHERE user_id = 'alice'"), 508);
}

// The store contract: a record whose key its user already has makes the commit a conflict
// for that user (the engine answers the repeat with the first record), never an error that
// would fail the rest of the batch, and nothing of the batch is written.
TEST(SqliteStore, AKeyTheUserAlreadyHasIsAConflictAndWritesNothing) {
  TempDb db;
  auto store = SqliteStore::open(db.path());
  ASSERT_TRUE((*store)->commit(open_account("alice", 500)).has_value());
  ASSERT_TRUE((*store)->commit(open_account("bob", 100)).has_value());
  auto before = query_int(db.path(), "SELECT count(*) FROM ledger");
  // bob's deposit is fine; alice's reuses "d1"; her later op is skipped, not refused.
  auto result = (*store)->commit(std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2),
                                                      append(deposit("alice", 500, 7, "d1"), 2),
                                                      append(deposit("alice", 507, 1, "d3"), 3)});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->conflicts, std::vector<std::string>{"alice"});
  EXPECT_TRUE(result->seqs.empty());
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM ledger"), before);
  EXPECT_EQ(query_int(db.path(), "SELECT balance FROM accounts WHERE user_id = 'bob'"), 100);
  // The rest of the batch, on its own, commits.
  auto rest = (*store)->commit(std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2)});
  ASSERT_TRUE(rest.has_value() && rest->committed());
}

TEST(SqliteStore, SchemaRefusesAForkedChainAndRepeatedOrGappedNonces) {
  TempDb db;
  {
    auto store = SqliteStore::open(db.path());
    ASSERT_TRUE((*store)->commit(open_account("alice", 500)).has_value());
    auto played = (*store)->commit(
        std::vector<StoreOp>{append(wager("alice", 500, "commit-alice", 0, "w0"), 2)});
    ASSERT_TRUE(played.has_value() && played->committed()) << played.error().message();
  }
  std::string insert =
      "INSERT INTO ledger (user_id, kind, idem_key, amount, game, params, balance_before, "
      "balance_after, commitment, client_seed, nonce, created_at_us, prev_seq) VALUES ";
  // A second record continuing seq 1 (a fork), and one that skips the previous balance.
  EXPECT_NE(exec_sql(db.path(),
                     "INSERT INTO ledger (user_id, kind, idem_key, amount, "
                     "balance_before, balance_after, created_at_us, prev_seq) VALUES "
                     "('alice', 'deposit', 'fork', 5, 500, 505, 0, 1)"),
            "");
  EXPECT_NE(exec_sql(db.path(),
                     "INSERT INTO ledger (user_id, kind, idem_key, amount, "
                     "balance_before, balance_after, created_at_us, prev_seq) VALUES "
                     "('alice', 'deposit', 'jump', 5, 1000, 1005, 0, 2)"),
            "");
  // The same (commitment, nonce) again, and a gap in the nonces.
  EXPECT_NE(exec_sql(db.path(), insert + "('alice', 'wager', 'again', 10, 'coin', 'heads', 490, "
                                         "480, 'commit-alice', 'client', 0, 0, 2)"),
            "");
  EXPECT_NE(exec_sql(db.path(), insert + "('alice', 'wager', 'gap', 10, 'coin', 'heads', 490, "
                                         "480, 'commit-alice', 'client', 2, 0, 2)"),
            "");
  // The next nonce is accepted; a wager on a commitment that is not an active seed is not.
  EXPECT_EQ(exec_sql(db.path(), insert + "('alice', 'wager', 'next', 10, 'coin', 'heads', 490, "
                                         "480, 'commit-alice', 'client', 1, 0, 2)"),
            "");
  EXPECT_NE(exec_sql(db.path(), insert + "('alice', 'wager', 'unseeded', 10, 'coin', 'heads', "
                                         "480, 470, 'commit-alice-next', 'client', 0, 0, 3)"),
            "");
  EXPECT_EQ(query_int(db.path(), "SELECT count(*) FROM ledger"), 3);
}

TEST(SqliteStore, ASeedChangeActivatesOnlyThePublishedNextSeed) {
  TempDb db;
  auto store = SqliteStore::open(db.path());
  ASSERT_TRUE((*store)->commit(open_account("alice", 500)).has_value());
  // A server seed chosen now (after the client seed is known) is refused.
  auto chosen = (*store)->commit(std::vector<StoreOp>{new_seed("alice", 2, "-chosen", "-n2")});
  ASSERT_FALSE(chosen.has_value());
  auto rotated = (*store)->commit(std::vector<StoreOp>{new_seed("alice", 2, "-next", "-n2")});
  ASSERT_TRUE(rotated.has_value() && rotated->committed()) << rotated.error().message();
  auto snapshot = (*store)->load("alice");
  EXPECT_EQ((*snapshot)->seed.commitment, "commit-alice-next");
  EXPECT_EQ((*snapshot)->next_seed.commitment, "commit-alice-n2");
  EXPECT_EQ((*snapshot)->account.next_nonce, 0);
  EXPECT_EQ(query_int(db.path(),
                      "SELECT count(*) FROM seeds WHERE commitment = 'commit-alice' "
                      "AND revealed_at_us IS NOT NULL"),
            1);
}

TEST(SqliteStore, CreatesTheDatabaseForItsOwnerOnlyAndNeverThroughASymlink) {
  TempDb dir(Limits{}, /*create=*/false);
  auto path = dir.dir() / "private.db";
  ASSERT_TRUE(SqliteStore::create(path, Limits{}).has_value());
  {
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->commit(open_account("alice", 5)).has_value());
    for (const char* suffix : {"", "-wal"}) {
      auto status = std::filesystem::status(path.string() + suffix);
      EXPECT_EQ(status.permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
          << suffix;
    }
  }
  auto target = dir.dir() / "elsewhere.db";
  auto link = dir.dir() / "link.db";
  std::filesystem::create_symlink(target, link);
  auto refused = SqliteStore::create(link, Limits{});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kAlreadyExists);
  EXPECT_FALSE(std::filesystem::exists(target));
  std::filesystem::remove(link);
  std::filesystem::create_symlink(path, link);
  EXPECT_FALSE(SqliteStore::open(link).has_value());
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
