#include "autobets/api_keys.h"

#include <gtest/gtest.h>

#include "autobets/testing/pg_test_db.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

// The same checks on a SQLite file and on a PostgreSQL database.
void check_keys(const std::string& db) {
  auto keys = open_key_store(db);
  ASSERT_TRUE(keys.has_value()) << keys.error().message();
  auto play = (*keys)->create(Caller{Scope::kPlay, "alice"});
  ASSERT_TRUE(play.has_value()) << play.error().message();
  auto admin = (*keys)->create(Caller{Scope::kAdmin, ""});
  ASSERT_TRUE(admin.has_value()) << admin.error().message();
  EXPECT_NE(play->token, admin->token);
  EXPECT_TRUE(play->token.starts_with("abk_"));

  // A second opening (another process) finds them; the table is created once.
  auto again = open_key_store(db);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  auto found = (*again)->find(play->token);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->scope, Scope::kPlay);
  EXPECT_EQ((*found)->user, "alice");
  auto found_admin = (*again)->find(admin->token);
  ASSERT_TRUE(found_admin.has_value() && found_admin->has_value());
  EXPECT_EQ((*found_admin)->scope, Scope::kAdmin);

  std::string forged = play->token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  for (const std::string& wrong :
       {forged, std::string("abk_"), std::string(""), hash_token(play->token)}) {
    auto missing = (*again)->find(wrong);
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->has_value()) << wrong;
  }
  EXPECT_FALSE((*keys)->create(Caller{Scope::kPlay, "not a user id"}).has_value());
  EXPECT_FALSE((*keys)->create(Caller{Scope::kService, "alice"}).has_value());
}

TEST(ApiKeysTest, SqliteKeysAreFoundByTokenAndStoredHashedOnly) {
  testing::TempDb db;
  check_keys(db.path().string());
  EXPECT_EQ(testing::query_int(db.path(), "SELECT count(*) FROM api_keys"), 2);
  EXPECT_EQ(testing::query_int(db.path(),
                               "SELECT count(*) FROM api_keys WHERE length(key_hash) = 64 AND "
                               "key_hash NOT LIKE 'abk_%'"),
            2);
}

TEST(ApiKeysTest, PostgresqlKeysAreFoundByTokenAndStoredHashedOnly) {
  if (testing::pg_server_url().empty()) GTEST_SKIP() << testing::kNoPgServer;
  testing::PgTestDb db;
  check_keys(db.url());
  EXPECT_EQ(testing::pg_query_int(db.url(), "SELECT count(*) FROM api_keys"), 2);
}

TEST(ApiKeysTest, AMissingDatabaseIsNotCreated) {
  testing::TempDb db(Limits{}, /*create=*/false);
  auto keys = open_key_store(db.path().string());
  ASSERT_FALSE(keys.has_value());
  EXPECT_FALSE(std::filesystem::exists(db.path()));
}

}  // namespace
}  // namespace autobets
