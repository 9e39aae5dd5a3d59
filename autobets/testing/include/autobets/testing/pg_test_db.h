// Test helpers for the PostgreSQL store: a fresh database on the test run's server (whose
// URL is in AUTOBETS_PG_URL, set by the CTest fixture that starts scripts/pg-test-server),
// and raw SQL against it, as an operator with psql would.
#pragma once

#include <cstdint>
#include <string>

#include "autobets/model.h"

namespace autobets::testing {

// The server's URL, or "" when the tests run without one (then they skip, saying why).
std::string pg_server_url();
// Why PostgreSQL tests are skipped when pg_server_url() is "".
inline constexpr const char* kNoPgServer =
    "AUTOBETS_PG_URL is not set: no PostgreSQL server for this run (install the postgresql "
    "package and run the tests through ctest, which starts one)";

// A database of its own on the test server, dropped on destruction. Requires a server.
class PgTestDb {
 public:
  explicit PgTestDb(const Limits& limits = Limits{}, bool create = true);
  ~PgTestDb();
  PgTestDb(const PgTestDb&) = delete;
  PgTestDb& operator=(const PgTestDb&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// The URL of database `name` on the server of `url`, as `user` (and `password` if given).
std::string pg_url_for(const std::string& url, const std::string& name,
                       const std::string& user = "", const std::string& password = "");
// Runs `sql` on its own connection. Returns PostgreSQL's error message, or "" on success.
std::string pg_exec_sql(const std::string& url, const std::string& sql);
// The first column of the first row of `sql` as an integer (-1 if no row).
std::int64_t pg_query_int(const std::string& url, const std::string& sql);

}  // namespace autobets::testing
