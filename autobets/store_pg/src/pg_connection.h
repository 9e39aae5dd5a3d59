// Thin RAII wrappers over libpq, private to the PostgreSQL store. Errors become core::Error
// with PostgreSQL's own message and SQLSTATE, and never carry the connection's password.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace autobets::pg {

// SQLSTATEs the store acts on.
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kUndefinedTable = "42P01";
inline constexpr std::string_view kDuplicateTable = "42P07";

// The result of one statement. Text format throughout.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  std::string text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;
  // The command tag ("COMMIT", "ROLLBACK", "INSERT 0 3", ...).
  std::string_view command() const { return PQcmdStatus(result_.get()); }

 private:
  struct Clear {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

using Params = std::vector<std::string>;

// One connection, used by one thread at a time. A broken connection is re-established by the
// next statement, unless it broke inside a transaction: then every statement fails until
// rollback() (the server has rolled the transaction back), so the rest of a transaction never
// runs outside it.
class Connection {
 public:
  // Connects to `url` (postgresql:// or postgres://). The password comes from the URL,
  // PGPASSWORD or ~/.pgpass (libpq's own rules). Fails with kUnavailable when the server
  // cannot be reached or refuses the login; the message names the URL without its password.
  static core::Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();

  // Runs one or more statements without parameters (the simple query protocol).
  core::Result<Rows> exec(std::string_view sql);
  // Runs one statement with text parameters ($1, $2, ...).
  core::Result<Rows> query(const std::string& sql, const Params& params = {});
  // Like query(), through a statement prepared once per connection under `name`.
  core::Result<Rows> prepared(const std::string& name, const std::string& sql,
                              const Params& params);

  // The SQLSTATE of the last failed statement ("" if it did not come from the server).
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  bool in_transaction() const { return in_transaction_; }
  // Ends the open transaction, if any, without committing it (after a failure).
  void rollback();
  // The URL with its password replaced by "***": what messages may name.
  const std::string& display_url() const { return display_url_; }

 private:
  Connection(PGconn* connection, std::string url);
  core::Status ensure_connected();
  core::Result<Rows> finish(PGresult* result, std::string_view action);

  PGconn* connection_;
  std::string url_;
  std::string display_url_;
  std::string password_;
  std::string last_sqlstate_;
  std::vector<std::string> prepared_;
  bool in_transaction_ = false;
};

// The URL with any password (user:password@ or password=...) replaced by "***".
std::string redact_url(std::string_view url);
// `text` with every occurrence of `secret` (when not empty) replaced by "***".
std::string scrub(std::string text, std::string_view secret);
// A PostgreSQL array literal ({"a","b"}) of the values, for unnest($1::text[]).
std::string array_literal(const std::vector<std::string>& values);

}  // namespace autobets::pg
