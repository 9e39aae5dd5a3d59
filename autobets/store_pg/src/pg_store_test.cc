// What only the PostgreSQL store has: a server to reach and a database that may not be ours.
// The Store contract itself is checked on every store by autobets/store_conformance.
#include "autobets/pg_store.h"

#include <gtest/gtest.h>

#include "autobets/testing/pg_test_db.h"

namespace autobets {
namespace {

using testing::PgTestDb;

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

}  // namespace
}  // namespace autobets
