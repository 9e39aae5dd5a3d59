#include "sqlite_connection.h"

#include <mutex>

namespace autobets::sqlite {

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_ref(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

core::Result<bool> Statement::step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  core::Error error = connection_->last_error("executing statement");
  sqlite3_reset(statement_);
  return core::fail(std::move(error));
}

core::Status Statement::run() {
  CORE_RETURN_IF_ERROR(run_rebinding_all());
  sqlite3_clear_bindings(statement_);
  return core::ok_status();
}

core::Status Statement::run_rebinding_all() {
  while (true) {
    auto row = step();
    CORE_RETURN_IF_ERROR(row);
    if (!*row) break;
  }
  sqlite3_reset(statement_);
  return core::ok_status();
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (bytes == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

core::Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path,
                                                           bool create) {
  // Before SQLite initialises (it refuses afterwards, harmlessly): no global allocation
  // statistics, which take a process-wide mutex on every allocation (about a tenth of the
  // cost of a ledger insert).
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  // Never through a symlink: the file holds unrevealed server seeds.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW |
              (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return core::fail(core::ErrorCode::kIo, "opening " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  // Before anything reads the file: another process may hold it (bounded wait).
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() { sqlite3_close_v2(db_); }

core::Status Connection::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return core::fail(last_error("executing SQL"));
  }
  return core::ok_status();
}

core::Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement, nullptr) != SQLITE_OK) {
    return core::fail(last_error("preparing statement"));
  }
  return Statement(*this, statement);
}

core::Error Connection::last_error(std::string_view action) const {
  int rc = sqlite3_errcode(db_) & 0xff;
  core::ErrorCode code = core::ErrorCode::kIo;
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) code = core::ErrorCode::kCorrupt;
  if (rc == SQLITE_CONSTRAINT) code = core::ErrorCode::kFailedPrecondition;
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return core::Error(core::ErrorCode::kUnavailable,
                       "the database " + path_.string() + " is busy: other processes held it for " +
                           std::to_string(kBusyTimeoutMs / 1000) + " s while " +
                           std::string(action) + "; nothing was changed, try again");
  }
  return core::Error(code,
                     std::string(action) + " on " + path_.string() + ": " + sqlite3_errmsg(db_));
}

}  // namespace autobets::sqlite
