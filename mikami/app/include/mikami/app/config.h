// The `mikami` program's configuration: a TOML file (every key optional; an unknown key or
// a value of the wrong type is an error naming it), then the environment, then command-line
// flags. The token is never part of it: it comes from DISCORD_TOKEN or --token-file
// (load_token), never from argv, and is never logged. See mikami/app/doc/mikami.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami::app {

struct AppConfig {
  // [discord]
  std::string api_url = "https://discord.com/api/v10";
  // GUILDS, GUILD_MODERATION (the audit-log events moderation records), GUILD_MESSAGES (the
  // messages analytics counts; their content needs MESSAGE_CONTENT, which is not asked).
  // Member joins and leaves also need GUILD_MEMBERS (2), a privileged intent.
  std::uint64_t intents = 517;
  int shard_count = 0;  // 0: GET /gateway/bot's recommendation
  // `shards = "0-3"`: run only shards 0..3 (inclusive) of shard_count (then required): one
  // process of a bot run as several. last_shard -1: every shard.
  int first_shard = 0;
  int last_shard = -1;
  std::string ca_file;
  // [commands]
  std::string commands_guild_id;  // register in this guild only (instant); empty: globally
  bool sync_commands = true;
  // [store]
  std::filesystem::path store_path = "mikami.db";
  // [economy]
  std::string economy_database;  // empty: the store's file; else a file or postgresql:// URL
  std::int64_t economy_daily_amount = 100;
  // [analytics]
  // Servers with a `guild` label of their own in /metrics (the first to be active); the
  // others are summed under guild="other".
  std::size_t analytics_metrics_guilds = 50;
  // [sessions]
  std::filesystem::path session_directory;  // empty: sessions are not saved
  // [metrics]
  std::string metrics_listen = "127.0.0.1:9464";  // empty: no metrics endpoint
  // [pipeline]
  int workers = 4;
  std::chrono::milliseconds lock_wait{2'000};
  std::chrono::milliseconds handler_deadline{10'000};
  std::chrono::milliseconds drain_timeout{10'000};
  std::size_t analytics_queue = 10'000;
  // [log]
  std::string log_level = "info";   // debug, info, warn, error
  std::string log_format = "text";  // text, json
};

// Reads `path` (TOML) over the defaults; kInvalidArgument naming the key or the parse
// error with its line, kNotFound when the file is missing.
core::Result<AppConfig> load_config_file(const std::filesystem::path& path, AppConfig base = {});
// MIKAMI_LOG_LEVEL, MIKAMI_LOG_FORMAT, MIKAMI_STORE, MIKAMI_METRICS_LISTEN, MIKAMI_API_URL.
core::Result<AppConfig> apply_environment(AppConfig config);
// Sets first_shard/last_shard from "A-B" (or "A" for one shard); kInvalidArgument otherwise.
core::Status parse_shard_range(std::string_view text, AppConfig& config);
// Cross-field checks: kInvalidArgument naming what is wrong.
core::Status validate(const AppConfig& config);

// The bot token: the contents of `token_file` (trimmed) when given, otherwise
// DISCORD_TOKEN; nullopt when neither is set (the program then runs against its embedded
// sandbox). kInvalidArgument for an unreadable or empty file; the error never holds the
// token.
core::Result<std::optional<std::string>> load_token(
    const std::optional<std::filesystem::path>& token_file);

}  // namespace mikami::app
