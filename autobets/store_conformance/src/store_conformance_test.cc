// The Store contract (autobets/store.h, docs/ledger.md), checked on every implementation:
// each test runs once per backend (TEST_P over a store factory). Raw SQL stands for any
// other client of the database (an operator's shell, a restore, a buggy tool): the schema
// must refuse what breaks the invariants whoever writes it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "autobets/pg_store.h"
#include "autobets/sqlite_store.h"
#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/store_ops.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::append;
using testing::deposit;
using testing::new_seed;
using testing::open_account;
using testing::transfer_half;
using testing::wager;
using Fault = std::function<core::Status(FaultPoint)>;

// A fresh database of one store implementation, with raw SQL access to it.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual core::Result<std::unique_ptr<Store>> open(Fault fault = {}) = 0;
  // "" on success, else the database's error message.
  virtual std::string exec_sql(const std::string& sql) = 0;
  // The first column of the first row as an integer (-1 without a row).
  virtual std::int64_t query_int(const std::string& sql) = 0;
};

class SqliteBackend final : public Backend {
 public:
  core::Result<std::unique_ptr<Store>> open(Fault fault) override {
    auto store = SqliteStore::open(db_.path(), SqliteStoreOptions{std::move(fault)});
    CORE_RETURN_IF_ERROR(store);
    return std::unique_ptr<Store>(std::move(*store));
  }
  std::string exec_sql(const std::string& sql) override {
    return testing::exec_sql(db_.path(), sql);
  }
  std::int64_t query_int(const std::string& sql) override {
    return testing::query_int(db_.path(), sql);
  }

 private:
  testing::TempDb db_;
};

class PgBackend final : public Backend {
 public:
  core::Result<std::unique_ptr<Store>> open(Fault fault) override {
    PgStoreOptions options;
    options.fault = std::move(fault);
    auto store = PgStore::open(db_.url(), std::move(options));
    CORE_RETURN_IF_ERROR(store);
    return std::unique_ptr<Store>(std::move(*store));
  }
  std::string exec_sql(const std::string& sql) override {
    return testing::pg_exec_sql(db_.url(), sql);
  }
  std::int64_t query_int(const std::string& sql) override {
    return testing::pg_query_int(db_.url(), sql);
  }

 private:
  testing::PgTestDb db_;
};

enum class Kind { kSqlite, kPostgres };

std::string name_of(Kind kind) { return kind == Kind::kSqlite ? "Sqlite" : "Postgres"; }

std::unique_ptr<Backend> make_backend(Kind kind) {
  if (kind == Kind::kSqlite) return std::make_unique<SqliteBackend>();
  return std::make_unique<PgBackend>();
}

// Raw inserts, as another client would write them: a losing coin wager of 10, and a record
// of another kind (no game or seed fields).
std::string raw_wager(const std::string& user, const std::string& key, Amount before,
                      const std::string& commitment, std::int64_t nonce, Seq prev_seq) {
  return "INSERT INTO ledger (user_id, kind, idem_key, amount, game, params, balance_before, "
         "balance_after, commitment, client_seed, nonce, created_at_us, prev_seq) VALUES ('" +
         user + "', 'wager', '" + key + "', 10, 'coin', 'heads', " + std::to_string(before) + ", " +
         std::to_string(before - 10) + ", '" + commitment + "', 'client', " +
         std::to_string(nonce) + ", 0, " + std::to_string(prev_seq) + ")";
}
const std::string kRawRecord =
    "INSERT INTO ledger (user_id, kind, idem_key, amount, balance_before, balance_after, "
    "created_at_us, prev_seq) VALUES ";

class StoreConformance : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    if (GetParam() == Kind::kPostgres && testing::pg_server_url().empty()) {
      GTEST_SKIP() << testing::kNoPgServer;
    }
    backend_ = make_backend(GetParam());
  }
  std::unique_ptr<Store> open(Fault fault = {}) {
    auto store = backend_->open(std::move(fault));
    CORE_CHECK(store.has_value());
    return std::move(*store);
  }
  std::unique_ptr<Backend> backend_;
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance,
                         ::testing::Values(Kind::kSqlite, Kind::kPostgres),
                         [](const auto& param_info) { return name_of(param_info.param); });

TEST_P(StoreConformance, CommitsLedgerAndBalanceTogether) {
  auto store = open();
  auto seqs = store->commit(open_account("alice", 500));
  ASSERT_TRUE(seqs.has_value()) << seqs.error().message();
  EXPECT_EQ(seqs->seqs, std::vector<Seq>{1});
  auto snapshot = store->load("alice");
  ASSERT_TRUE(snapshot.has_value() && snapshot->has_value());
  EXPECT_EQ((*snapshot)->account.balance, 500);
  EXPECT_EQ((*snapshot)->account.last_seq, 1);
  EXPECT_EQ((*snapshot)->seed.server_seed, "server-alice");
  EXPECT_EQ((*snapshot)->next_seed.commitment, "commit-alice-next");
  EXPECT_EQ((*snapshot)->account.version, 2);
  EXPECT_EQ(*store->applied_seq(), 1);
  auto found = store->find_by_key("alice", "d1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->amount, 500);
  EXPECT_FALSE(store->find_by_key("alice", "d2")->has_value());
  EXPECT_FALSE(store->load("bob")->has_value());
  auto limits = store->limits();
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(limits->max_bet, Limits{}.max_bet);
}

TEST_P(StoreConformance, ReadsBackRecordsHistorySeedsAndAccountsInOrder) {
  auto store = open();
  ASSERT_TRUE(store->commit(open_account("bob", 100)).has_value());
  ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
  auto played = store->commit(std::vector<StoreOp>{
      append(wager("alice", 500, "commit-alice", 0, "w0"), 2),
      append(wager("alice", 490, "commit-alice", 1, "w1"), 3),
      append(transfer_half(RecordKind::kTransferOut, "alice", "bob", 480, 30, "t1"), 4),
      append(transfer_half(RecordKind::kTransferIn, "bob", "alice", 100, 30, "alice t1"), 2)});
  ASSERT_TRUE(played.has_value() && played->committed()) << played.error().message();
  EXPECT_EQ(played->seqs, (std::vector<Seq>{3, 4, 5, 6}));
  auto record = store->record(4);
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_EQ((*record)->nonce, 1);
  EXPECT_EQ((*record)->game, "coin");
  EXPECT_EQ((*record)->client_seed, "client");
  EXPECT_FALSE(store->record(7)->has_value());
  auto history = store->history("alice", 2);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].seq, 5);  // newest first
  EXPECT_EQ((*history)[1].seq, 4);
  std::vector<Seq> scanned;
  ASSERT_TRUE(store
                  ->scan_ledger(2,
                                [&](const LedgerRecord& r) {
                                  scanned.push_back(r.seq);
                                  return core::ok_status();
                                })
                  .has_value());
  EXPECT_EQ(scanned, (std::vector<Seq>{3, 4, 5, 6}));
  auto accounts = store->accounts();
  ASSERT_TRUE(accounts.has_value());
  ASSERT_EQ(accounts->size(), 2u);
  EXPECT_EQ((*accounts)[0].user, "alice");
  EXPECT_EQ((*accounts)[0].balance, 450);
  EXPECT_EQ((*accounts)[0].next_nonce, 2);
  EXPECT_EQ((*accounts)[1].balance, 130);
  EXPECT_EQ(*store->applied_seq(), 6);
  auto seeds = store->seeds("alice");
  ASSERT_TRUE(seeds.has_value());
  ASSERT_EQ(seeds->size(), 1u);
  EXPECT_FALSE((*seeds)[0].revealed_at_us.has_value());
  EXPECT_TRUE(store->seed("commit-alice")->has_value());
  EXPECT_FALSE(store->seed("commit-nobody")->has_value());
}

TEST_P(StoreConformance, LedgerRefusesUpdateAndDeleteFromAnyClient) {
  {
    auto store = open();
    ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
  }
  EXPECT_NE(backend_->exec_sql("UPDATE ledger SET amount = 1").find("immutable"),
            std::string::npos);
  EXPECT_NE(backend_->exec_sql("DELETE FROM ledger").find("immutable"), std::string::npos);
  EXPECT_NE(backend_->exec_sql("UPDATE seeds SET server_seed = 'x'").find("immutable"),
            std::string::npos);
  EXPECT_NE(backend_->exec_sql("DELETE FROM seeds").find("immutable"), std::string::npos);
  EXPECT_EQ(backend_->query_int("SELECT amount FROM ledger WHERE seq = 1"), 500);
}

TEST_P(StoreConformance, SchemaRefusesRecordsThatBreakTheInvariants) {
  open();
  // The balance change must follow from the kind and amount.
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('a', 'deposit', 'k', 10, 0, 11, 0, 0)"), "");
  // No balance may go below zero.
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('a', 'withdrawal', 'k', 10, 0, -10, 0, 0)"), "");
  // Amounts are positive.
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('a', 'deposit', 'k', 0, 0, 0, 0, 0)"), "");
  // Unknown kinds.
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('a', 'gift', 'k', 10, 0, 10, 0, 0)"), "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 0);
  // A valid one is accepted, and its idempotency key cannot be used again by that user.
  EXPECT_EQ(backend_->exec_sql(kRawRecord + "('a', 'deposit', 'k', 10, 0, 10, 0, 0)"), "");
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('a', 'deposit', 'k', 10, 10, 20, 0, 1)"), "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 1);
}

TEST_P(StoreConformance, SchemaRefusesFieldsThatDoNotBelongToTheRecordsKind) {
  open();
  const std::string insert =
      "INSERT INTO ledger (user_id, kind, idem_key, amount, game, params, payout, "
      "balance_before, balance_after, created_at_us, prev_seq) VALUES ";
  // Only a wager has a game or a payout; only a transfer names a counterparty.
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'deposit', 'k', 10, 'coin', '', 0, 0, 10, 0, 0)"),
            "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'deposit', 'k', 10, '', '', 5, 0, 10, 0, 0)"), "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'deposit', 'k', 10, '', 'b', 0, 0, 10, 0, 0)"), "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'credit', 'k', 10, '', 'b', 0, 0, 10, 0, 0)"), "");
  // A credit adds, as a deposit does.
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'credit', 'k', 10, '', '', 0, 0, 0, 0, 0)"), "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 0);
  EXPECT_EQ(backend_->exec_sql(insert + "('a', 'credit', 'k', 10, '', '', 0, 0, 10, 0, 0)"), "");
  // A withdrawal subtracts, and carries no game, payout or counterparty either.
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'withdrawal', 'w', 4, '', '', 0, 10, 14, 0, 1)"),
            "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'withdrawal', 'w', 4, '', 'b', 0, 10, 6, 0, 1)"),
            "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'withdrawal', 'w', 4, '', '', 1, 10, 6, 0, 1)"), "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 1);
  EXPECT_EQ(backend_->exec_sql(insert + "('a', 'withdrawal', 'w', 4, '', '', 0, 10, 6, 0, 1)"), "");
  // A transfer names a counterparty other than its own user.
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'transfer_out', 't', 1, '', '', 0, 6, 5, 0, 2)"),
            "");
  EXPECT_NE(backend_->exec_sql(insert + "('a', 'transfer_out', 't', 1, '', 'a', 0, 6, 5, 0, 2)"),
            "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 2);
  EXPECT_EQ(backend_->exec_sql(insert + "('a', 'transfer_out', 't', 1, '', 'b', 0, 6, 5, 0, 2)"),
            "");
}

TEST_P(StoreConformance, SchemaRefusesAForkedChainAndRepeatedOrGappedNonces) {
  {
    auto store = open();
    ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
    auto played = store->commit(
        std::vector<StoreOp>{append(wager("alice", 500, "commit-alice", 0, "w0"), 2)});
    ASSERT_TRUE(played.has_value() && played->committed()) << played.error().message();
  }
  // A second record continuing seq 1 (a fork), and one that skips the previous balance.
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('alice', 'deposit', 'fork', 5, 500, 505, 0, 1)"), "");
  EXPECT_NE(backend_->exec_sql(kRawRecord + "('alice', 'deposit', 'jump', 5, 1000, 1005, 0, 2)"),
            "");
  // The same (commitment, nonce) again, and a gap in the nonces.
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "again", 490, "commit-alice", 0, 2)), "");
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "gap", 490, "commit-alice", 2, 2)), "");
  // The next nonce is accepted; a wager on a commitment that is not an active seed is not.
  EXPECT_EQ(backend_->exec_sql(raw_wager("alice", "next", 490, "commit-alice", 1, 2)), "");
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "unseeded", 480, "commit-alice-next", 0, 3)), "");
  // A transfer_in that does not directly follow its transfer_out.
  EXPECT_NE(backend_->exec_sql(kRawRecord.substr(0, kRawRecord.size() - 8) + ", params) VALUES " +
                               "('bob', 'transfer_in', 'alice t9', 5, 0, 5, 0, 0, 'alice')"),
            "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 3);
}

// Schema v3 checks nonces against the user's previous record (its seed position), not
// with a lookup per commitment: a wager must still draw from its own user's unrevealed seed,
// and the nonces carry on across records of other kinds.
TEST_P(StoreConformance, SchemaRefusesAWagerOnARevealedOrAnotherUsersSeed) {
  {
    auto store = open();
    ASSERT_TRUE(store->commit(open_account("alice", 500))->committed());
    ASSERT_TRUE(store->commit(open_account("bob", 100))->committed());
    auto rotated =
        store->commit(std::vector<StoreOp>{append(wager("alice", 500, "commit-alice", 0, "w0"), 2),
                                           new_seed("alice", 3, "-next", "-n2")});
    ASSERT_TRUE(rotated.has_value() && rotated->committed()) << rotated.error().message();
  }
  // The next nonce of alice's revealed seed, and bob drawing from alice's active seed.
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "old", 490, "commit-alice", 1, 3)), "");
  EXPECT_NE(backend_->exec_sql(raw_wager("bob", "theirs", 100, "commit-alice-next", 0, 2)), "");
  // Alice's new seed from nonce 0, not 1; then a deposit, and the nonce after it is 1.
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "skip", 490, "commit-alice-next", 1, 3)), "");
  EXPECT_EQ(backend_->exec_sql(raw_wager("alice", "new", 490, "commit-alice-next", 0, 3)), "");
  EXPECT_EQ(backend_->exec_sql(kRawRecord + "('alice', 'deposit', 'more', 20, 480, 500, 0, 4)"),
            "");
  EXPECT_NE(backend_->exec_sql(raw_wager("alice", "again", 500, "commit-alice-next", 0, 5)), "");
  EXPECT_EQ(backend_->exec_sql(raw_wager("alice", "after", 500, "commit-alice-next", 1, 5)), "");
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), 6);
  EXPECT_EQ(backend_->query_int("SELECT nonce FROM ledger WHERE idem_key = 'after'"), 1);
  EXPECT_EQ(backend_->query_int("SELECT nonce FROM ledger WHERE idem_key = 'more'"), 0);
}

// A database of an older schema (version 2 kept commitments as text on every record and
// checked nonces with a lookup) is refused by name, with nothing changed.
TEST_P(StoreConformance, AnOlderSchemaVersionIsRefusedByName) {
  open();
  ASSERT_EQ(backend_->exec_sql("UPDATE settings SET value = '2' WHERE key = 'schema_version'"), "");
  auto refused = backend_->open();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message().find("schema version 2"), std::string::npos)
      << refused.error().message();
  EXPECT_NE(refused.error().message().find("needs schema version 3"), std::string::npos);
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM settings WHERE key = 'schema_version' "
                                "AND value = '2'"),
            1);
}

TEST_P(StoreConformance, ACommitComputedFromAStaleVersionIsAConflictAndWritesNothing) {
  auto first = open();
  auto second = open();  // another engine (process) on the same database
  ASSERT_TRUE(first->commit(open_account("alice", 500)).has_value());
  ASSERT_TRUE(first->commit(open_account("bob", 100)).has_value());
  // Both read alice at version 2; the first one's deposit lands.
  ASSERT_TRUE(
      first->commit(std::vector<StoreOp>{append(deposit("alice", 500, 1, "d2"), 2)})->committed());
  auto before = backend_->query_int("SELECT count(*) FROM ledger");
  LedgerRecord stale = deposit("alice", 500, 7, "d3");
  auto result = second->commit(
      std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2), append(stale, 2)});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->conflicts, std::vector<std::string>{"alice"});
  EXPECT_TRUE(result->seqs.empty());
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), before);
  EXPECT_EQ(backend_->query_int("SELECT balance FROM accounts WHERE user_id = 'bob'"), 100);
  // A new user another engine created meanwhile is a conflict too.
  auto created_twice = second->commit(open_account("alice", 9));
  ASSERT_TRUE(created_twice.has_value());
  EXPECT_EQ(created_twice->conflicts, std::vector<std::string>{"alice"});
  // Recomputed on the current version, it applies.
  auto redone = second->commit(std::vector<StoreOp>{append(deposit("alice", 501, 7, "d3"), 3)});
  ASSERT_TRUE(redone.has_value() && redone->committed());
  EXPECT_EQ(backend_->query_int("SELECT balance FROM accounts WHERE user_id = 'alice'"), 508);
}

// A store that wrote a row itself, which another engine moved since (with a record, or with
// no record as reconcile does): a commit from the version it wrote is a conflict, never an
// error, and one from the current version applies.
TEST_P(StoreConformance, ARowThisStoreWroteAndAnotherMovedSinceIsAConflict) {
  auto first = open();
  auto second = open();  // another engine (process) on the same database
  ASSERT_TRUE(first->commit(open_account("alice", 500)).has_value());
  ASSERT_TRUE(
      first->commit(std::vector<StoreOp>{append(deposit("alice", 500, 1, "d2"), 2)})->committed());
  ASSERT_TRUE(second->commit(std::vector<StoreOp>{append(deposit("alice", 501, 10, "d3"), 3)})
                  ->committed());
  auto before = backend_->query_int("SELECT count(*) FROM ledger");
  auto stale = first->commit(std::vector<StoreOp>{append(deposit("alice", 501, 7, "d4"), 3)});
  ASSERT_TRUE(stale.has_value()) << stale.error().message();
  EXPECT_EQ(stale->conflicts, std::vector<std::string>{"alice"});
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), before);
  auto current = first->commit(std::vector<StoreOp>{append(deposit("alice", 511, 7, "d4"), 4)});
  ASSERT_TRUE(current.has_value() && current->committed());

  auto accounts = second->accounts();
  ASSERT_TRUE(accounts.has_value());
  ASSERT_EQ(accounts->size(), 1u);
  auto moved = second->put_accounts(*accounts, *second->applied_seq());  // version 5 -> 6
  ASSERT_TRUE(moved.has_value() && moved->empty());
  stale = first->commit(std::vector<StoreOp>{append(deposit("alice", 518, 2, "d5"), 5)});
  ASSERT_TRUE(stale.has_value()) << stale.error().message();
  EXPECT_EQ(stale->conflicts, std::vector<std::string>{"alice"});
  current = first->commit(std::vector<StoreOp>{append(deposit("alice", 518, 2, "d5"), 6)});
  ASSERT_TRUE(current.has_value() && current->committed());
  EXPECT_EQ(backend_->query_int("SELECT balance FROM accounts WHERE user_id = 'alice'"), 520);
}

// A record whose key its user already has makes the commit a conflict for that user (the
// engine answers the repeat with the first record), never an error that would fail the rest
// of the batch, and nothing of the batch is written; a transfer names both users.
TEST_P(StoreConformance, AKeyTheUserAlreadyHasIsAConflictAndWritesNothing) {
  auto store = open();
  ASSERT_TRUE(store->commit(open_account("alice", 500))->committed());
  ASSERT_TRUE(store->commit(open_account("bob", 100))->committed());
  auto before = backend_->query_int("SELECT count(*) FROM ledger");
  // bob's deposit is fine; alice's reuses "d1"; her later op is skipped, not refused.
  auto result = store->commit(std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2),
                                                   append(deposit("alice", 500, 7, "d1"), 2),
                                                   append(deposit("alice", 507, 1, "d3"), 3)});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->conflicts, std::vector<std::string>{"alice"});
  EXPECT_TRUE(result->seqs.empty());
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), before);
  EXPECT_EQ(backend_->query_int("SELECT balance FROM accounts WHERE user_id = 'bob'"), 100);
  // A transfer, then the same transfer again: both users conflict.
  auto out = [](Amount before_balance) {
    return append(transfer_half(RecordKind::kTransferOut, "alice", "bob", before_balance, 5, "t1"),
                  2);
  };
  auto in = append(transfer_half(RecordKind::kTransferIn, "bob", "alice", 100, 5, "alice t1"), 2);
  ASSERT_TRUE(store->commit(std::vector<StoreOp>{out(500), in})->committed());
  auto again_out = out(495);
  again_out.expect_version = 3;
  auto again_in = in;
  again_in.expect_version = 3;
  again_in.record.balance_before = 105;
  again_in.record.balance_after = 110;
  auto again = store->commit(std::vector<StoreOp>{again_out, again_in});
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->conflicts, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM ledger"), before + 2);
}

TEST_P(StoreConformance, ASeedChangeActivatesOnlyThePublishedNextSeed) {
  auto store = open();
  ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
  // A server seed chosen now (after the client seed is known) is refused.
  auto chosen = store->commit(std::vector<StoreOp>{new_seed("alice", 2, "-chosen", "-n2")});
  ASSERT_FALSE(chosen.has_value());
  // A wager on the old seed and the rotation in one batch: the wager is played first.
  auto rotated = store->commit(std::vector<StoreOp>{
      append(wager("alice", 500, "commit-alice", 0, "w0"), 2), new_seed("alice", 3, "-next", "-n2"),
      append(wager("alice", 490, "commit-alice-next", 0, "w1"), 4)});
  ASSERT_TRUE(rotated.has_value() && rotated->committed()) << rotated.error().message();
  auto snapshot = store->load("alice");
  EXPECT_EQ((*snapshot)->seed.commitment, "commit-alice-next");
  EXPECT_EQ((*snapshot)->next_seed.commitment, "commit-alice-n2");
  EXPECT_EQ((*snapshot)->account.next_nonce, 1);
  EXPECT_EQ(backend_->query_int("SELECT count(*) FROM seeds WHERE commitment = 'commit-alice' "
                                "AND revealed_at_us IS NOT NULL"),
            1);
}

TEST_P(StoreConformance, PutAccountsWritesOnlyRowsStillAtTheirVersion) {
  auto store = open();
  ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
  ASSERT_TRUE(store->commit(open_account("bob", 100)).has_value());
  auto accounts = store->accounts();
  ASSERT_TRUE(accounts.has_value());
  ASSERT_TRUE(
      store->commit(std::vector<StoreOp>{append(deposit("bob", 100, 1, "d2"), 2)})->committed());
  auto conflicts = store->put_accounts(*accounts, 2);
  ASSERT_TRUE(conflicts.has_value()) << conflicts.error().message();
  EXPECT_EQ(*conflicts, std::vector<std::string>{"bob"});
  EXPECT_EQ(backend_->query_int("SELECT version FROM accounts WHERE user_id = 'alice'"), 2);
  std::vector<Account> alice = {(*accounts)[0]};
  conflicts = store->put_accounts(alice, 3);
  ASSERT_TRUE(conflicts.has_value() && conflicts->empty());
  EXPECT_EQ(backend_->query_int("SELECT version FROM accounts WHERE user_id = 'alice'"), 3);
  EXPECT_EQ(*store->applied_seq(), 3);
}

class StoreFaults : public ::testing::TestWithParam<std::tuple<Kind, FaultPoint>> {};

TEST_P(StoreFaults, AFailedCommitLeavesNeitherRecordsNorBalances) {
  auto [kind, armed] = GetParam();
  if (kind == Kind::kPostgres && testing::pg_server_url().empty()) {
    GTEST_SKIP() << testing::kNoPgServer;
  }
  auto backend = make_backend(kind);
  bool fire = false;
  auto opened = backend->open([&](FaultPoint point) -> core::Status {
    if (fire && point == armed) return core::fail(core::ErrorCode::kIo, "injected disk error");
    return core::ok_status();
  });
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  auto& store = *opened;
  ASSERT_TRUE(store->commit(open_account("alice", 500)).has_value());
  fire = true;
  std::vector<StoreOp> batch = {append(deposit("alice", 500, 50, "d2"), 2),
                                new_seed("bob", 0, "", "-next"),
                                append(deposit("bob", 0, 70, "d1"), 1)};
  auto failed = store->commit(batch);
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().message().find("injected disk error"), std::string::npos);
  EXPECT_EQ(backend->query_int("SELECT count(*) FROM ledger"), 1);
  EXPECT_EQ(backend->query_int("SELECT balance FROM accounts WHERE user_id = 'alice'"), 500);
  EXPECT_EQ(backend->query_int("SELECT count(*) FROM accounts WHERE user_id = 'bob'"), 0);
  EXPECT_EQ(backend->query_int("SELECT count(*) FROM seeds WHERE user_id = 'bob'"), 0);
  EXPECT_EQ(*store->applied_seq(), 1);
  fire = false;
  auto retried = store->commit(batch);  // the store is usable after the failure
  ASSERT_TRUE(retried.has_value());
  EXPECT_EQ(retried->seqs, (std::vector<Seq>{2, 3}));
}

INSTANTIATE_TEST_SUITE_P(EveryPoint, StoreFaults,
                         ::testing::Combine(::testing::Values(Kind::kSqlite, Kind::kPostgres),
                                            ::testing::Values(FaultPoint::kBeforeLedgerWrite,
                                                              FaultPoint::kBeforeBalanceWrite,
                                                              FaultPoint::kBeforeCommit)),
                         [](const auto& param_info) {
                           const char* point = "Commit";
                           switch (std::get<1>(param_info.param)) {
                             case FaultPoint::kBeforeLedgerWrite:
                               point = "LedgerWrite";
                               break;
                             case FaultPoint::kBeforeBalanceWrite:
                               point = "BalanceWrite";
                               break;
                             case FaultPoint::kBeforeCommit:
                               break;
                           }
                           return name_of(std::get<0>(param_info.param)) + point;
                         });

// Several stores (engines in other processes) commit at once while a reader follows the
// ledger by seq and the applied_seq watermark: seqs must be gap-free and appear in commit
// order, so a reader that has seen everything up to the watermark never misses a record
// committed later with a smaller seq (PostgreSQL sequences would allow exactly that).
TEST_P(StoreConformance, ConcurrentWritersKeepSeqsGapFreeAndInCommitOrder) {
#ifdef PROJECT_SANITIZED
  constexpr int kRounds = 30;
#else
  constexpr int kRounds = 150;
#endif
  constexpr int kWriters = 3;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kWriters + 1; ++i) stores.push_back(open());
  for (int w = 0; w < kWriters; ++w) {
    ASSERT_TRUE(stores[0]->commit(open_account("u" + std::to_string(w), 1000)).has_value());
  }
  std::atomic<bool> done = false;
  std::atomic<int> failures = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::string user = "u" + std::to_string(w);
      Amount balance = 1000;
      for (int round = 0; round < kRounds; ++round) {
        std::vector<StoreOp> batch = {
            append(deposit(user, balance, 1, "r" + std::to_string(round)), round + 2)};
        auto result = stores[w]->commit(batch);
        if (!result || !result->committed()) {
          ++failures;
          return;
        }
        ++balance;
      }
    });
  }
  // The reader: everything at or below the watermark it saw is readable and gap-free.
  Seq seen = 0;
  int checks = 0;
  auto check = [&] {
    auto watermark = stores[kWriters]->applied_seq();
    ASSERT_TRUE(watermark.has_value());
    Seq expected = seen;
    ASSERT_TRUE(stores[kWriters]
                    ->scan_ledger(seen,
                                  [&](const LedgerRecord& r) {
                                    EXPECT_EQ(r.seq, expected + 1);
                                    expected = r.seq;
                                    return core::ok_status();
                                  })
                    .has_value());
    EXPECT_GE(expected, *watermark);
    seen = *watermark;
    ++checks;
  };
  while (!done) {
    check();
    if (::testing::Test::HasFailure()) break;
    bool all_done = true;
    for (int w = 0; w < kWriters; ++w) {
      all_done = all_done && backend_->query_int("SELECT count(*) FROM ledger WHERE user_id = 'u" +
                                                 std::to_string(w) + "'") == kRounds + 1;
    }
    if (all_done || failures > 0) done = true;
  }
  for (auto& writer : writers) writer.join();
  check();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(seen, kWriters * (kRounds + 1));
  EXPECT_GT(checks, 1);
}

}  // namespace
}  // namespace autobets
