// The bot's state (mikami/store): which modules are enabled in which guild, per-guild
// configuration, cooldowns, and the tables modules own. SQLite in its own file, in WAL mode
// (readers never wait for the writer) with synchronous=NORMAL: a crash loses at most the
// last transactions, never consistency. By default the economy's AutoBets ledger lives in
// the same file, in AutoBets' own tables (created and written only through AutoBets' library,
// with its synchronous=FULL commits); the store never reads or writes them.
//
// Migrations: every owner (the store itself as "mikami", each module by its name) has a
// schema version in the `schema_versions` table; migrate() applies the owner's migrations
// above it in order, each with its version bump in one transaction, so a failed migration
// leaves the previous version intact. A database written by a newer program (a version
// above the highest known migration) is refused with kFailedPrecondition.
//
// Threading: every member is thread safe; calls are serialised on one connection (the
// handlers' reads and writes are single-row and short).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mikami {

struct Migration {
  int version = 0;  // 1, 2, ...: strictly increasing
  std::string sql;  // one or more statements
};

// A bound parameter or a column value.
using StoreValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using StoreRow = std::vector<StoreValue>;

class BotStore {
 public:
  // Opens (creating when missing) the database at `path` (":memory:" for a private one)
  // and applies the store's own migrations. kIo when it cannot be opened, kCorrupt when it
  // is not a database.
  static core::Result<std::unique_ptr<BotStore>> open(const std::filesystem::path& path);
  ~BotStore();
  BotStore(const BotStore&) = delete;
  BotStore& operator=(const BotStore&) = delete;

  // Applies `owner`'s migrations above its recorded version (see above).
  core::Status migrate(std::string_view owner, const std::vector<Migration>& migrations);
  // 0 when the owner has never migrated.
  core::Result<int> schema_version(std::string_view owner);

  // Whether `module` is enabled in `guild_id`; nullopt when no admin ever switched it
  // (the module's default applies).
  core::Result<std::optional<bool>> module_enabled(std::string_view guild_id,
                                                   std::string_view module);
  core::Status set_module_enabled(std::string_view guild_id, std::string_view module, bool enabled);

  core::Result<std::optional<std::string>> guild_config(std::string_view guild_id,
                                                        std::string_view key);
  core::Status set_guild_config(std::string_view guild_id, std::string_view key,
                                std::string_view value);

  // A cooldown on `key` (e.g. "daily:<user id>"): when one is running at `now`, returns
  // how long it still runs and changes nothing; otherwise starts one of `length` from
  // `now` and returns nullopt. Expired cooldowns are removed as they are met.
  core::Result<std::optional<std::chrono::milliseconds>> take_cooldown(
      std::string_view key, std::chrono::system_clock::time_point now,
      std::chrono::milliseconds length);

  // For the tables modules own (created by their migrations): runs one statement with
  // `params` bound to ?1, ?2, ... and returns its rows. Errors name the statement's
  // failure (SQLite's message) and the file.
  core::Result<std::vector<StoreRow>> query(std::string_view sql,
                                            const std::vector<StoreValue>& params = {});

  const std::filesystem::path& path() const { return path_; }

 private:
  BotStore(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  core::Result<std::vector<StoreRow>> query_locked(std::string_view sql,
                                                   const std::vector<StoreValue>& params);
  core::Status exec_locked(const std::string& sql);
  core::Error error(std::string_view action) const;

  std::mutex mutex_;
  sqlite3* db_;  // guarded by mutex_
  // Prepared statements by SQL text, reused (reset) by query_locked: the bot runs the same
  // few statements (module switches, cooldowns) for every command, and preparing one costs
  // more than running it. Guarded by mutex_; finalized before the database is closed.
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  static constexpr std::size_t kMaxStatements = 128;
  std::filesystem::path path_;
};

}  // namespace mikami
