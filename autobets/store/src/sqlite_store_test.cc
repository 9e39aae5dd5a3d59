// What only the SQLite store has: a database file (its mode, symlinks, foreign files). The
// Store contract itself is checked on every store by autobets/store_conformance.
#include "autobets/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "autobets/testing/store_ops.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::exec_sql;
using testing::file_digest;
using testing::open_account;
using testing::query_int;
using testing::TempDb;

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
  std::filesystem::permissions(db.path(), std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto before = file_digest(db.path());
  auto foreign = SqliteStore::open(db.path());
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code(), core::ErrorCode::kCorrupt);
  EXPECT_NE(foreign.error().message().find("no such table: settings"), std::string::npos);
  EXPECT_EQ(file_digest(db.path()), before);
}

TEST(SqliteStore, TheTablesAreAddedToAForeignDatabaseOnceKeepingWhatItHolds) {
  TempDb db(Limits{}, /*create=*/false);
  { std::ofstream touch(db.path()); }
  ASSERT_EQ(exec_sql(db.path(), "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('x')"),
            "");
  std::filesystem::permissions(db.path(), std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  ASSERT_TRUE(SqliteStore::create_in_existing(db.path(), Limits{}).has_value());
  {
    auto store = SqliteStore::open(db.path());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    ASSERT_TRUE((*store)->commit(open_account("alice", 5)).has_value());
  }
  EXPECT_EQ(query_int(db.path(), "SELECT COUNT(*) FROM notes WHERE text = 'x'"), 1);
  // It now holds unrevealed server seeds: for its owner only, whatever it was before.
  namespace fs = std::filesystem;
  const fs::perms others = fs::perms::group_all | fs::perms::others_all;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const fs::path file = db.path().string() + suffix;
    if (fs::exists(file)) {
      EXPECT_EQ(fs::status(file).permissions() & others, fs::perms::none) << file;
    }
  }
  // A second time: already an AutoBets database, nothing changed.
  const auto before = file_digest(db.path());
  auto again = SqliteStore::create_in_existing(db.path(), Limits{});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(file_digest(db.path()), before);
}

TEST(SqliteStore, TablesOfTheSameNamesAreNotAddedBeside) {
  TempDb db(Limits{}, /*create=*/false);
  { std::ofstream touch(db.path()); }
  ASSERT_EQ(exec_sql(db.path(), "CREATE TABLE accounts (id INTEGER)"), "");
  const auto before = file_digest(db.path());
  auto refused = SqliteStore::create_in_existing(db.path(), Limits{});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("(accounts)"), std::string::npos);
  EXPECT_EQ(file_digest(db.path()), before);
  EXPECT_FALSE(SqliteStore::open(db.path()).has_value());
  auto missing = SqliteStore::create_in_existing(db.dir() / "none.db", Limits{});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace autobets
