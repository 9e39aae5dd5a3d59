// Thin RAII wrappers over the SQLite C API, private to the store. Errors become
// core::Error with SQLite's own message and the file name.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace autobets::sqlite {

class Connection;

// How long a connection waits for another process's write lock before giving up with
// kUnavailable ("busy", nothing changed).
constexpr int kBusyTimeoutMs = 10'000;

// A prepared statement, reset after each use. Not thread safe (one connection's thread).
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* statement)
      : connection_(&connection), statement_(statement) {}
  Statement(Statement&& other) noexcept
      : connection_(other.connection_), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);  // copied by SQLite
  // Not copied: `value` must stay valid until the statement is reset (run() resets it).
  Statement& bind_ref(int index, std::string_view value);
  Statement& bind_null(int index);

  // Steps once: true when a row is ready, false when done. Errors carry SQLite's message.
  core::Result<bool> step();
  // Steps to completion (for statements that return no rows), then resets.
  core::Status run();
  // Like run(), but keeps the bindings (sqlite3_clear_bindings costs about a tenth of
  // binding): only for a statement whose every parameter is bound again before each run,
  // since texts bound by reference are left pointing at the caller's memory.
  core::Status run_rebinding_all();
  void reset();

  std::int64_t int64(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string text(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* statement_;
};

// One connection. Used by one thread at a time.
class Connection {
 public:
  // Opens `path` read-write; `create` allows creating a new file.
  static core::Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path,
                                                        bool create);
  ~Connection();

  core::Status exec(const char* sql);
  core::Result<Statement> prepare(std::string_view sql);
  // A core::Error for the connection's last failure: kCorrupt for "not a database" and
  // corruption, kUnavailable for busy/locked, kIo otherwise.
  core::Error last_error(std::string_view action) const;
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::filesystem::path path_;
};

}  // namespace autobets::sqlite
