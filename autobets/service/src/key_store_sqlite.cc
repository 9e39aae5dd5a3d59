// API keys in the SQLite file of the ledger, on a connection of their own.
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "key_store_impl.h"

namespace autobets {
namespace {

class SqliteKeyStore final : public KeyStore {
 public:
  SqliteKeyStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteKeyStore() override { sqlite3_close(db_); }

  static core::Result<std::unique_ptr<KeyStore>> open(const std::string& path) {
    if (!std::filesystem::exists(path)) {
      return core::fail(core::ErrorCode::kNotFound,
                        path + " does not exist (create it with `autobets init`)");
    }
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
    auto store = std::make_unique<SqliteKeyStore>(db, path);
    if (rc != SQLITE_OK) return core::fail(store->error("open"));
    sqlite3_busy_timeout(db, 10'000);
    if (sqlite3_exec(db, kApiKeysTable, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return core::fail(store->error("create the api_keys table in"));
    }
    return std::unique_ptr<KeyStore>(std::move(store));
  }

 protected:
  core::Status insert(const std::string& hash, const Caller& caller,
                      std::int64_t created_at_us) override {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO api_keys (key_hash, scope, user_id, created_at_us) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           -1, &statement, nullptr) != SQLITE_OK) {
      return core::fail(error("prepare a key insert in"));
    }
    std::string scope(to_string(caller.scope));
    sqlite3_bind_text(statement, 1, hash.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(statement, 2, scope.c_str(), -1, SQLITE_TRANSIENT);
    if (caller.scope == Scope::kPlay) {
      sqlite3_bind_text(statement, 3, caller.user.c_str(), -1, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(statement, 3);
    }
    sqlite3_bind_int64(statement, 4, created_at_us);
    int rc = sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE) return core::fail(error("store the key in"));
    return core::ok_status();
  }

  core::Result<std::optional<Caller>> lookup(const std::string& hash) override {
    std::lock_guard lock(mutex_);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT scope, user_id FROM api_keys WHERE key_hash = ?1", -1,
                           &statement, nullptr) != SQLITE_OK) {
      return core::fail(error("prepare a key lookup in"));
    }
    sqlite3_bind_text(statement, 1, hash.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(statement);
    std::optional<Caller> caller;
    if (rc == SQLITE_ROW) {
      auto text = [&](int column) {
        const auto* value = sqlite3_column_text(statement, column);
        return value ? std::string(reinterpret_cast<const char*>(value)) : std::string();
      };
      if (auto scope = parse_scope(text(0))) caller = Caller{*scope, text(1)};
    }
    sqlite3_finalize(statement);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return core::fail(error("look a key up in"));
    return caller;
  }

 private:
  core::Error error(const std::string& action) const {
    int code = sqlite3_errcode(db_);
    auto kind = code == SQLITE_BUSY || code == SQLITE_LOCKED ? core::ErrorCode::kUnavailable
                                                             : core::ErrorCode::kIo;
    return core::Error(kind, "cannot " + action + " " + path_ + ": " + sqlite3_errmsg(db_));
  }

  std::mutex mutex_;
  sqlite3* db_;
  std::string path_;
};

}  // namespace

core::Result<std::unique_ptr<KeyStore>> open_sqlite_key_store(const std::string& path) {
  return SqliteKeyStore::open(path);
}

}  // namespace autobets
