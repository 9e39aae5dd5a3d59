#include "mikami/bot_store.h"

#include <sqlite3.h>

namespace mikami {
namespace {

// The store's own tables. Modules add theirs through migrate() under their own name.
const std::vector<Migration>& own_migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "CREATE TABLE module_settings (guild_id TEXT NOT NULL, module TEXT NOT NULL,"
       "  enabled INTEGER NOT NULL, PRIMARY KEY (guild_id, module)) WITHOUT ROWID;"
       "CREATE TABLE guild_config (guild_id TEXT NOT NULL, key TEXT NOT NULL,"
       "  value TEXT NOT NULL, PRIMARY KEY (guild_id, key)) WITHOUT ROWID;"
       "CREATE TABLE cooldowns (key TEXT PRIMARY KEY, until_ms INTEGER NOT NULL)"
       "  WITHOUT ROWID;"},
  };
  return migrations;
}

std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

core::Result<std::unique_ptr<BotStore>> BotStore::open(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr); rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return core::fail(core::ErrorCode::kIo, "opening " + path.string() + ": " + message);
  }
  std::unique_ptr<BotStore> store(new BotStore(db, path));
  sqlite3_busy_timeout(db, 5'000);
  {
    std::lock_guard lock(store->mutex_);
    // WAL: readers never wait for the writer; NORMAL: durable at checkpoints, consistent
    // always (the bot's state is not money).
    CORE_RETURN_IF_ERROR(store->exec_locked(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY,"
        "  version INTEGER NOT NULL) WITHOUT ROWID;"));
  }
  CORE_RETURN_IF_ERROR(store->migrate("mikami", own_migrations()));
  return store;
}

BotStore::~BotStore() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

core::Error BotStore::error(std::string_view action) const {
  const int rc = sqlite3_errcode(db_) & 0xff;
  core::ErrorCode code = core::ErrorCode::kIo;
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) code = core::ErrorCode::kCorrupt;
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) code = core::ErrorCode::kUnavailable;
  if (rc == SQLITE_CONSTRAINT) code = core::ErrorCode::kFailedPrecondition;
  return core::Error(code,
                     std::string(action) + " on " + path_.string() + ": " + sqlite3_errmsg(db_));
}

core::Status BotStore::exec_locked(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return core::fail(error("executing SQL"));
  }
  return core::ok_status();
}

core::Result<std::vector<StoreRow>> BotStore::query_locked(std::string_view sql,
                                                           const std::vector<StoreValue>& params) {
  sqlite3_stmt* statement = nullptr;
  bool kept = true;
  auto cached = statements_.find(std::string(sql));
  if (cached != statements_.end()) {
    statement = cached->second;
  } else {
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, &tail) != SQLITE_OK) {
      return core::fail(error("preparing statement"));
    }
    // Only a single statement is kept (a text with more would run just its first), and only
    // so many: a module that builds its SQL text per call would otherwise grow the map.
    kept = statement != nullptr && tail == sql.data() + sql.size() &&
           statements_.size() < kMaxStatements;
    if (kept) statements_.emplace(std::string(sql), statement);
  }
  // Whatever happens below, the statement is left reset with no bindings (or finalized when
  // it is not kept), so its next use starts clean and it holds no read transaction open.
  struct Release {
    sqlite3_stmt* statement;
    bool kept;
    ~Release() {
      if (kept) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      } else {
        sqlite3_finalize(statement);
      }
    }
  } release{statement, kept};
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const StoreValue& p = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      sqlite3_bind_int64(statement, index, *n);
    } else if (const auto* d = std::get_if<double>(&p)) {
      sqlite3_bind_double(statement, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&p)) {
      sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(statement, index);
    }
  }
  std::vector<StoreRow> rows;
  for (;;) {
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return core::fail(error("executing statement"));
    StoreRow row;
    const int columns = sqlite3_column_count(statement);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(statement, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(statement, c));
          break;
        case SQLITE_NULL:
          row.emplace_back(nullptr);
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
          row.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, c))));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

core::Result<std::vector<StoreRow>> BotStore::query(std::string_view sql,
                                                    const std::vector<StoreValue>& params) {
  std::lock_guard lock(mutex_);
  return query_locked(sql, params);
}

core::Result<int> BotStore::schema_version(std::string_view owner) {
  auto rows = query("SELECT version FROM schema_versions WHERE owner = ?1", {std::string(owner)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return 0;
  return static_cast<int>(std::get<std::int64_t>((*rows)[0][0]));
}

core::Status BotStore::migrate(std::string_view owner, const std::vector<Migration>& migrations) {
  std::lock_guard lock(mutex_);
  auto rows =
      query_locked("SELECT version FROM schema_versions WHERE owner = ?1", {std::string(owner)});
  CORE_RETURN_IF_ERROR(rows);
  const int current = rows->empty() ? 0 : static_cast<int>(std::get<std::int64_t>((*rows)[0][0]));
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      path_.string() + ": schema of " + std::string(owner) + " is version " +
                          std::to_string(current) + ", newer than this program knows (" +
                          std::to_string(known) + ")");
  }
  int previous = 0;
  for (const Migration& m : migrations) {
    CORE_CHECK(m.version > previous);  // migrations are listed in order
    previous = m.version;
    if (m.version <= current) continue;
    CORE_RETURN_IF_ERROR(exec_locked("BEGIN IMMEDIATE"));
    core::Status applied = exec_locked(m.sql);
    if (applied) {
      auto bumped = query_locked(
          "INSERT INTO schema_versions (owner, version) VALUES (?1, ?2)"
          " ON CONFLICT (owner) DO UPDATE SET version = excluded.version",
          {std::string(owner), std::int64_t{m.version}});
      if (!bumped) applied = core::fail(std::move(bumped).error());
    }
    if (!applied) {
      (void)exec_locked("ROLLBACK");
      return core::fail(applied.error().with_context("migrating " + std::string(owner) +
                                                     " to version " + std::to_string(m.version)));
    }
    CORE_RETURN_IF_ERROR(exec_locked("COMMIT"));
  }
  return core::ok_status();
}

core::Result<std::optional<bool>> BotStore::module_enabled(std::string_view guild_id,
                                                           std::string_view module) {
  auto rows = query("SELECT enabled FROM module_settings WHERE guild_id = ?1 AND module = ?2",
                    {std::string(guild_id), std::string(module)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return std::optional<bool>();
  return std::optional<bool>(std::get<std::int64_t>((*rows)[0][0]) != 0);
}

core::Status BotStore::set_module_enabled(std::string_view guild_id, std::string_view module,
                                          bool enabled) {
  auto rows = query(
      "INSERT INTO module_settings (guild_id, module, enabled) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (guild_id, module) DO UPDATE SET enabled = excluded.enabled",
      {std::string(guild_id), std::string(module), std::int64_t{enabled ? 1 : 0}});
  CORE_RETURN_IF_ERROR(rows);
  return core::ok_status();
}

core::Result<std::optional<std::string>> BotStore::guild_config(std::string_view guild_id,
                                                                std::string_view key) {
  auto rows = query("SELECT value FROM guild_config WHERE guild_id = ?1 AND key = ?2",
                    {std::string(guild_id), std::string(key)});
  CORE_RETURN_IF_ERROR(rows);
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::get<std::string>((*rows)[0][0]));
}

core::Status BotStore::set_guild_config(std::string_view guild_id, std::string_view key,
                                        std::string_view value) {
  auto rows = query(
      "INSERT INTO guild_config (guild_id, key, value) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
      {std::string(guild_id), std::string(key), std::string(value)});
  CORE_RETURN_IF_ERROR(rows);
  return core::ok_status();
}

core::Result<std::optional<std::chrono::milliseconds>> BotStore::take_cooldown(
    std::string_view key, std::chrono::system_clock::time_point now,
    std::chrono::milliseconds length) {
  const std::int64_t now_ms = epoch_ms(now);
  std::lock_guard lock(mutex_);
  // One statement decides and writes: the row is replaced only when its cooldown is over.
  auto rows = query_locked(
      "INSERT INTO cooldowns (key, until_ms) VALUES (?1, ?2)"
      " ON CONFLICT (key) DO UPDATE SET until_ms = excluded.until_ms"
      "   WHERE cooldowns.until_ms <= ?3"
      " RETURNING until_ms",
      {std::string(key), now_ms + length.count(), now_ms});
  CORE_RETURN_IF_ERROR(rows);
  if (!rows->empty()) return std::optional<std::chrono::milliseconds>();
  auto running = query_locked("SELECT until_ms FROM cooldowns WHERE key = ?1", {std::string(key)});
  CORE_RETURN_IF_ERROR(running);
  if (running->empty()) return std::optional<std::chrono::milliseconds>();
  return std::optional<std::chrono::milliseconds>(
      std::chrono::milliseconds(std::get<std::int64_t>((*running)[0][0]) - now_ms));
}

}  // namespace mikami
