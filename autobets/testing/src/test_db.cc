#include "autobets/testing/test_db.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>

#include "autobets/sqlite_store.h"
#include "core/status.h"

namespace autobets::testing {

TempDb::TempDb(const Limits& limits, bool create) {
  static std::atomic<int> counter = 0;
  dir_ = std::filesystem::temp_directory_path() /
         ("autobets-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  path_ = dir_ / "test.db";
  if (create) CORE_CHECK(SqliteStore::create(path_, limits).has_value());
}

TempDb::~TempDb() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string exec_sql(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(handle);
    sqlite3_close(handle);
    return message;
  }
  sqlite3_busy_timeout(handle, 10000);
  char* error = nullptr;
  std::string message;
  if (sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    message = error ? error : "error";
    sqlite3_free(error);
  }
  sqlite3_close(handle);
  return message;
}

std::string insert_orphan_credit(const std::filesystem::path& db, const std::string& user,
                                 const std::string& key, Amount amount, Amount balance_before) {
  return exec_sql(
      db,
      "INSERT INTO ledger (user_id, kind, idem_key, amount, balance_before, "
      "balance_after, created_at_us, prev_seq) VALUES ('" +
          user + "', 'credit', '" + key + "', " + std::to_string(amount) + ", " +
          std::to_string(balance_before) + ", " + std::to_string(balance_before + amount) +
          ", 0, (SELECT coalesce(max(seq), 0) FROM ledger WHERE user_id = '" + user + "'))");
}

std::int64_t query_int(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  CORE_CHECK(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(handle, 10000);
  sqlite3_stmt* statement = nullptr;
  CORE_CHECK(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  std::int64_t value = -1;
  if (sqlite3_step(statement) == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return value;
}

std::uint64_t file_digest(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t hash = 1469598103934665603ull;
  for (auto it = std::istreambuf_iterator<char>(in); it != std::istreambuf_iterator<char>(); ++it) {
    hash = (hash ^ static_cast<unsigned char>(*it)) * 1099511628211ull;
  }
  return hash;
}

}  // namespace autobets::testing
