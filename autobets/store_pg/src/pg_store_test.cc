// What only the PostgreSQL store has: a server to reach, a database that may not be ours,
// and the idempotency-key conflict of the store contract (checked here until every store
// implements it; then it belongs to the conformance suite).
#include "autobets/pg_store.h"

#include <gtest/gtest.h>

#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/store_ops.h"

namespace autobets {
namespace {

using testing::append;
using testing::deposit;
using testing::open_account;
using testing::PgTestDb;
using testing::transfer_half;

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::pg_server_url().empty()) GTEST_SKIP() << testing::kNoPgServer;
  }
};

TEST_F(PgStoreTest, CreateRefusesADatabaseThatAlreadyHasTheTables) {
  PgTestDb db;
  auto again = PgStore::create(db.url(), Limits{});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), core::ErrorCode::kAlreadyExists);
  auto store = PgStore::open(db.url());
  ASSERT_TRUE(store.has_value()) << store.error().message();
}

TEST_F(PgStoreTest, OpenRefusesAForeignDatabaseUntouched) {
  PgTestDb db(Limits{}, /*create=*/false);
  ASSERT_EQ(testing::pg_exec_sql(db.url(), "CREATE TABLE notes (text text)"), "");
  auto foreign = PgStore::open(db.url());
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(foreign.error().message().find("not an AutoBets database"), std::string::npos);
  EXPECT_EQ(testing::pg_query_int(db.url(),
                                  "SELECT count(*) FROM pg_tables WHERE schemaname = "
                                  "'public'"),
            1);
}

TEST_F(PgStoreTest, AnUnreachableServerIsUnavailableAndTheMessageHidesThePassword) {
  auto store = PgStore::open("postgresql://alice:Sup3rSecret@/x?host=/nonexistent-dir");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), core::ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message().find("Sup3rSecret"), std::string::npos)
      << store.error().message();
  EXPECT_NE(store.error().message().find("alice:***@"), std::string::npos)
      << store.error().message();
}

TEST_F(PgStoreTest, ARecordWithAKeyTheUserAlreadyHasIsAConflictAndWritesNothing) {
  PgTestDb db;
  auto store = PgStore::open(db.url());
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE((*store)->commit(open_account("alice", 500))->committed());
  ASSERT_TRUE((*store)->commit(open_account("bob", 100))->committed());
  // Alice's "d1" is in the ledger: her repeat conflicts, and bob's op in the batch waits.
  auto repeat = (*store)->commit(std::vector<StoreOp>{append(deposit("bob", 100, 5, "d2"), 2),
                                                      append(deposit("alice", 500, 7, "d1"), 2)});
  ASSERT_TRUE(repeat.has_value()) << repeat.error().message();
  EXPECT_EQ(repeat->conflicts, std::vector<std::string>{"alice"});
  EXPECT_EQ(testing::pg_query_int(db.url(), "SELECT count(*) FROM ledger"), 2);
  // A transfer whose transfer_in key the recipient has names the sender too.
  ASSERT_TRUE(
      (*store)
          ->commit(std::vector<StoreOp>{
              append(transfer_half(RecordKind::kTransferOut, "alice", "bob", 500, 5, "t1"), 2),
              append(transfer_half(RecordKind::kTransferIn, "bob", "alice", 100, 5, "alice t1"),
                     2)})
          ->committed());
  auto again = (*store)->commit(std::vector<StoreOp>{
      append(transfer_half(RecordKind::kTransferIn, "bob", "alice", 105, 5, "alice t1"), 3)});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->conflicts, (std::vector<std::string>{"bob", "alice"}));
  EXPECT_EQ(testing::pg_query_int(db.url(), "SELECT count(*) FROM ledger"), 4);
}

}  // namespace
}  // namespace autobets
