// Test helpers: a fresh database file in a private temporary directory, raw SQL against
// it (as an operator with the sqlite3 shell would), and a digest of a file's bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "autobets/model.h"

namespace autobets::testing {

// A temporary directory removed on destruction, with `db` as a path inside it.
class TempDb {
 public:
  explicit TempDb(const Limits& limits = Limits{}, bool create = true);
  ~TempDb();
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// Runs `sql` on its own connection. Returns SQLite's error message, or "" on success.
std::string exec_sql(const std::filesystem::path& db, const std::string& sql);
// Inserts a credit straight into the ledger, as a restore or another tool might: an orphan
// until reconcile applies it. Returns SQLite's error message, or "" on success.
std::string insert_orphan_credit(const std::filesystem::path& db, const std::string& user,
                                 const std::string& key, Amount amount, Amount balance_before);
// The first column of the first row of `sql` as an integer (-1 if no row).
std::int64_t query_int(const std::filesystem::path& db, const std::string& sql);
// FNV-1a of the file's bytes; equal digests before and after mean "nothing changed".
std::uint64_t file_digest(const std::filesystem::path& path);

}  // namespace autobets::testing
