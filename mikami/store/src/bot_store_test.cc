#include "mikami/bot_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace mikami {
namespace {

using namespace std::chrono_literals;

class BotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mikami-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path db() const { return dir_ / "bot.db"; }
  std::filesystem::path dir_;
};

TEST_F(BotStoreTest, ModuleEnablementAndConfigSurviveReopening) {
  {
    auto store = BotStore::open(db());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    EXPECT_EQ(*(*store)->module_enabled("1", "economy"), std::nullopt);
    ASSERT_TRUE((*store)->set_module_enabled("1", "economy", false).has_value());
    ASSERT_TRUE((*store)->set_guild_config("1", "prefix", "!").has_value());
    ASSERT_TRUE((*store)->set_guild_config("1", "prefix", "?").has_value());
  }
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ(*(*store)->module_enabled("1", "economy"), std::optional<bool>(false));
  EXPECT_EQ(*(*store)->module_enabled("2", "economy"), std::nullopt);
  EXPECT_EQ(*(*store)->guild_config("1", "prefix"), std::optional<std::string>("?"));
  auto mode = (*store)->query("PRAGMA journal_mode");
  ASSERT_TRUE(mode.has_value());
  EXPECT_EQ(std::get<std::string>((*mode)[0][0]), "wal");
}

TEST_F(BotStoreTest, MigrationsApplyOncePerOwnerInOrder) {
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  std::vector<Migration> v1 = {{1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"}};
  ASSERT_TRUE((*store)->migrate("notes", v1).has_value());
  ASSERT_TRUE((*store)->migrate("notes", v1).has_value());  // nothing to do the second time
  EXPECT_EQ(*(*store)->schema_version("notes"), 1);
  auto v2 = v1;
  v2.push_back({2, "ALTER TABLE notes ADD COLUMN author TEXT"});
  ASSERT_TRUE((*store)->migrate("notes", v2).has_value());
  EXPECT_EQ(*(*store)->schema_version("notes"), 2);
  EXPECT_EQ(*(*store)->schema_version("mikami"), 1);
  ASSERT_TRUE((*store)
                  ->query("INSERT INTO notes (text, author) VALUES (?1, ?2)",
                          {std::string("hi"), std::string("alice")})
                  .has_value());
  auto rows = (*store)->query("SELECT text, author FROM notes");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rows)[0][1]), "alice");
}

TEST_F(BotStoreTest, AFailedMigrationLeavesThePreviousVersion) {
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  std::vector<Migration> migrations = {
      {1, "CREATE TABLE a (x INTEGER)"},
      {2, "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)"}};
  auto status = (*store)->migrate("broken", migrations);
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message().find("migrating broken to version 2"), std::string::npos);
  EXPECT_EQ(*(*store)->schema_version("broken"), 1);
  EXPECT_TRUE((*store)->query("SELECT * FROM b").error().message().find("no such table") !=
              std::string::npos);
}

TEST_F(BotStoreTest, ADatabaseFromANewerProgramIsRefused) {
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  ASSERT_TRUE((*store)->migrate("m", {{1, "SELECT 1"}, {2, "SELECT 1"}}).has_value());
  auto status = (*store)->migrate("m", {{1, "SELECT 1"}});
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), core::ErrorCode::kFailedPrecondition);
}

TEST_F(BotStoreTest, ACooldownRunsForItsLengthThenRestarts) {
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::hours(500'000));
  EXPECT_EQ(*(*store)->take_cooldown("ping:3", t0, 5s), std::nullopt);
  EXPECT_EQ(*(*store)->take_cooldown("ping:3", t0 + 2s, 5s),
            std::optional<std::chrono::milliseconds>(3s));
  EXPECT_EQ(*(*store)->take_cooldown("ping:4", t0 + 2s, 5s), std::nullopt);  // another key
  EXPECT_EQ(*(*store)->take_cooldown("ping:3", t0 + 5s, 5s), std::nullopt);
  EXPECT_EQ(*(*store)->take_cooldown("ping:3", t0 + 6s, 5s),
            std::optional<std::chrono::milliseconds>(4s));
}

// Statements are prepared once and reused: each use must see its own parameters, a failed
// step must not poison the next use, and a schema change under a kept statement is seen.
TEST_F(BotStoreTest, AReusedStatementTakesFreshParametersAndSeesSchemaChanges) {
  auto store = BotStore::open(db());
  ASSERT_TRUE(store.has_value());
  BotStore& s = **store;
  ASSERT_TRUE(
      s.migrate("notes", {{1, "CREATE TABLE notes (k TEXT PRIMARY KEY, v INTEGER)"}}).has_value());
  const std::string insert = "INSERT INTO notes (k, v) VALUES (?1, ?2)";
  const std::string select = "SELECT v FROM notes WHERE k = ?1";
  for (std::int64_t i = 0; i < 50; ++i) {
    ASSERT_TRUE(s.query(insert, {"k" + std::to_string(i), i}).has_value());
  }
  for (std::int64_t i = 0; i < 50; ++i) {
    auto rows = s.query(select, {"k" + std::to_string(i)});
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(std::get<std::int64_t>((*rows)[0][0]), i);
  }
  auto duplicate = s.query(insert, {std::string("k1"), std::int64_t{9}});
  EXPECT_FALSE(duplicate.has_value());  // the primary key
  ASSERT_TRUE(s.query(insert, {std::string("k50"), std::int64_t{50}}).has_value());
  auto missing = s.query(select, {std::string("nothing")});
  ASSERT_TRUE(missing.has_value());
  EXPECT_TRUE(missing->empty());  // no binding left over from the previous use
  ASSERT_TRUE(s.migrate("notes", {{1, "CREATE TABLE notes (k TEXT PRIMARY KEY, v INTEGER)"},
                                  {2,
                                   "ALTER TABLE notes RENAME COLUMN v TO w;"
                                   "ALTER TABLE notes ADD COLUMN v INTEGER DEFAULT 7"}})
                  .has_value());
  auto after = s.query(select, {std::string("k3")});
  ASSERT_TRUE(after.has_value()) << after.error().message();
  EXPECT_EQ(std::get<std::int64_t>((*after)[0][0]), 7);
}

TEST_F(BotStoreTest, NotADatabaseIsCorrupt) {
  {
    std::FILE* f = std::fopen(db().c_str(), "w");
    std::fputs("this is not sqlite, just some text long enough to have a header......", f);
    std::fclose(f);
  }
  auto store = BotStore::open(db());
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), core::ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace mikami
