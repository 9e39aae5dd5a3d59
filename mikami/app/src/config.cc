#include "mikami/app/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace mikami::app {
namespace {

core::Error bad(const std::string& what) {
  return core::Error(core::ErrorCode::kInvalidArgument, what);
}

// Reads the TOML table into the config, refusing unknown keys and mistyped values.
class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  core::Status check_known() const {
    static const std::map<std::string, std::set<std::string>> kKnown = {
        {"discord", {"api_url", "intents", "shard_count", "shards", "ca_file"}},
        {"commands", {"guild_id", "sync"}},
        {"store", {"path"}},
        {"economy", {"database", "daily_amount"}},
        {"analytics", {"metrics_guilds"}},
        {"sessions", {"directory"}},
        {"metrics", {"listen"}},
        {"pipeline",
         {"workers", "lock_wait_ms", "handler_deadline_ms", "drain_timeout_ms", "analytics_queue"}},
        {"log", {"level", "format"}},
    };
    for (const auto& [section, node] : root_) {
      auto known = kKnown.find(std::string(section.str()));
      if (known == kKnown.end() || !node.is_table()) {
        return core::fail(bad(file_ + ": unknown section [" + std::string(section.str()) + "]"));
      }
      for (const auto& [key, value] : *node.as_table()) {
        if (!known->second.contains(std::string(key.str()))) {
          return core::fail(bad(file_ + ": unknown key " + std::string(section.str()) + "." +
                                std::string(key.str())));
        }
      }
    }
    return core::ok_status();
  }

  core::Status string(const char* section, const char* key, std::string& out) const {
    const toml::node* node = root_.at_path(std::string(section) + "." + key).node();
    if (node == nullptr) return core::ok_status();
    if (!node->is_string()) return core::fail(bad(where(section, key) + " must be a string"));
    out = node->as_string()->get();
    return core::ok_status();
  }

  core::Status integer(const char* section, const char* key, std::int64_t min, std::int64_t max,
                       std::int64_t& out) const {
    const toml::node* node = root_.at_path(std::string(section) + "." + key).node();
    if (node == nullptr) return core::ok_status();
    if (!node->is_integer()) return core::fail(bad(where(section, key) + " must be an integer"));
    const std::int64_t v = node->as_integer()->get();
    if (v < min || v > max) {
      return core::fail(bad(where(section, key) + " must be between " + std::to_string(min) +
                            " and " + std::to_string(max) + ", got " + std::to_string(v)));
    }
    out = v;
    return core::ok_status();
  }

  core::Status boolean(const char* section, const char* key, bool& out) const {
    const toml::node* node = root_.at_path(std::string(section) + "." + key).node();
    if (node == nullptr) return core::ok_status();
    if (!node->is_boolean()) return core::fail(bad(where(section, key) + " must be true or false"));
    out = node->as_boolean()->get();
    return core::ok_status();
  }

 private:
  std::string where(const char* section, const char* key) const {
    return file_ + ": " + section + "." + key;
  }
  const toml::table& root_;
  std::string file_;
};

core::Status ms(const Reader& r, const char* key, std::chrono::milliseconds& out) {
  std::int64_t v = out.count();
  CORE_RETURN_IF_ERROR(r.integer("pipeline", key, 1, 3'600'000, v));
  out = std::chrono::milliseconds(v);
  return core::ok_status();
}

}  // namespace

core::Result<AppConfig> load_config_file(const std::filesystem::path& path, AppConfig config) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "configuration file " + path.string() + " does not exist");
  }
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    return core::fail(
        bad(path.string() + ": " + std::string(e.description()) + " (" + where.str() + ")"));
  }
  const Reader r(root, path.string());
  CORE_RETURN_IF_ERROR(r.check_known());
  CORE_RETURN_IF_ERROR(r.string("discord", "api_url", config.api_url));
  std::int64_t intents = static_cast<std::int64_t>(config.intents);
  CORE_RETURN_IF_ERROR(r.integer("discord", "intents", 0, (std::int64_t{1} << 30) - 1, intents));
  config.intents = static_cast<std::uint64_t>(intents);
  std::int64_t shards = config.shard_count;
  CORE_RETURN_IF_ERROR(r.integer("discord", "shard_count", 0, 65'535, shards));
  config.shard_count = static_cast<int>(shards);
  std::string range;
  CORE_RETURN_IF_ERROR(r.string("discord", "shards", range));
  if (!range.empty()) {
    if (auto status = parse_shard_range(range, config); !status) {
      return core::fail(status.error().with_context(path.string() + ": discord.shards"));
    }
  }
  CORE_RETURN_IF_ERROR(r.string("discord", "ca_file", config.ca_file));
  CORE_RETURN_IF_ERROR(r.string("commands", "guild_id", config.commands_guild_id));
  CORE_RETURN_IF_ERROR(r.boolean("commands", "sync", config.sync_commands));
  std::string store = config.store_path.string();
  CORE_RETURN_IF_ERROR(r.string("store", "path", store));
  config.store_path = store;
  CORE_RETURN_IF_ERROR(r.string("economy", "database", config.economy_database));
  CORE_RETURN_IF_ERROR(
      r.integer("economy", "daily_amount", 1, 1'000'000'000, config.economy_daily_amount));
  std::int64_t metrics_guilds = static_cast<std::int64_t>(config.analytics_metrics_guilds);
  CORE_RETURN_IF_ERROR(r.integer("analytics", "metrics_guilds", 0, 10'000, metrics_guilds));
  config.analytics_metrics_guilds = static_cast<std::size_t>(metrics_guilds);
  std::string sessions = config.session_directory.string();
  CORE_RETURN_IF_ERROR(r.string("sessions", "directory", sessions));
  config.session_directory = sessions;
  CORE_RETURN_IF_ERROR(r.string("metrics", "listen", config.metrics_listen));
  std::int64_t workers = config.workers;
  CORE_RETURN_IF_ERROR(r.integer("pipeline", "workers", 1, 256, workers));
  config.workers = static_cast<int>(workers);
  CORE_RETURN_IF_ERROR(ms(r, "lock_wait_ms", config.lock_wait));
  CORE_RETURN_IF_ERROR(ms(r, "handler_deadline_ms", config.handler_deadline));
  CORE_RETURN_IF_ERROR(ms(r, "drain_timeout_ms", config.drain_timeout));
  std::int64_t queue = static_cast<std::int64_t>(config.analytics_queue);
  CORE_RETURN_IF_ERROR(r.integer("pipeline", "analytics_queue", 1, 10'000'000, queue));
  config.analytics_queue = static_cast<std::size_t>(queue);
  CORE_RETURN_IF_ERROR(r.string("log", "level", config.log_level));
  CORE_RETURN_IF_ERROR(r.string("log", "format", config.log_format));
  return config;
}

core::Result<AppConfig> apply_environment(AppConfig config) {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::optional<std::string>(v) : std::nullopt;
  };
  if (auto v = env("MIKAMI_LOG_LEVEL")) config.log_level = *v;
  if (auto v = env("MIKAMI_LOG_FORMAT")) config.log_format = *v;
  if (auto v = env("MIKAMI_STORE")) config.store_path = *v;
  if (auto v = env("MIKAMI_METRICS_LISTEN")) config.metrics_listen = *v;
  if (auto v = env("MIKAMI_API_URL")) config.api_url = *v;
  return config;
}

core::Status parse_shard_range(std::string_view text, AppConfig& config) {
  auto number = [](std::string_view part, int& out) {
    if (part.empty() || part.size() > 5 || part.find_first_not_of("0123456789") != part.npos) {
      return false;
    }
    out = std::stoi(std::string(part));
    return true;
  };
  const auto dash = text.find('-');
  int first = 0;
  int last = 0;
  const bool ok = dash == std::string_view::npos
                      ? number(text, first) && number(text, last)
                      : number(text.substr(0, dash), first) && number(text.substr(dash + 1), last);
  if (!ok) {
    return core::fail(
        bad("shards must be a range of shard ids such as 0-3, got '" + std::string(text) + "'"));
  }
  config.first_shard = first;
  config.last_shard = last;
  return core::ok_status();
}

core::Status validate(const AppConfig& config) {
  static const std::set<std::string> kLevels = {"debug", "info", "warn", "error"};
  if (!kLevels.contains(config.log_level)) {
    return core::fail(
        bad("log level must be debug, info, warn or error, got '" + config.log_level + "'"));
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return core::fail(bad("log format must be text or json, got '" + config.log_format + "'"));
  }
  if (!config.api_url.starts_with("https://") && !config.api_url.starts_with("http://")) {
    return core::fail(
        bad("discord.api_url must start with https:// or http://, got '" + config.api_url + "'"));
  }
  if (!config.metrics_listen.empty() && config.metrics_listen.rfind(':') == std::string::npos) {
    return core::fail(bad("metrics.listen must be host:port, got '" + config.metrics_listen + "'"));
  }
  if (!config.commands_guild_id.empty() &&
      config.commands_guild_id.find_first_not_of("0123456789") != std::string::npos) {
    return core::fail(
        bad("commands.guild_id must be a snowflake, got '" + config.commands_guild_id + "'"));
  }
  if (config.shard_count < 0) {
    return core::fail(bad("shard_count must be at least 1 (0: Discord's recommendation)"));
  }
  if (config.last_shard >= 0) {
    const std::string range =
        std::to_string(config.first_shard) + "-" + std::to_string(config.last_shard);
    if (config.shard_count < 1) {
      return core::fail(bad("shards " + range +
                            " needs shard_count (the bot's total number of shards, at least 1)"));
    }
    if (config.first_shard > config.last_shard) {
      return core::fail(bad("shards " + range + ": the first shard is after the last"));
    }
    if (config.last_shard >= config.shard_count) {
      return core::fail(bad("shards " + range + " is not within shard_count " +
                            std::to_string(config.shard_count) + " (shards 0-" +
                            std::to_string(config.shard_count - 1) + ")"));
    }
  }
  if (config.lock_wait >= config.handler_deadline) {
    return core::fail(bad("pipeline.lock_wait_ms must be below pipeline.handler_deadline_ms"));
  }
  return core::ok_status();
}

core::Result<std::optional<std::string>> load_token(
    const std::optional<std::filesystem::path>& token_file) {
  std::string token;
  if (token_file) {
    std::ifstream in(*token_file);
    if (!in) {
      return core::fail(bad("cannot read the token file " + token_file->string()));
    }
    std::getline(in, token);
  } else if (const char* env = std::getenv("DISCORD_TOKEN"); env != nullptr) {
    token = env;
  } else {
    return std::optional<std::string>();
  }
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.empty()) {
    return core::fail(bad(token_file ? "the token file " + token_file->string() + " is empty"
                                     : "DISCORD_TOKEN is set but empty"));
  }
  if (token.starts_with("Bot ")) token.erase(0, 4);
  return std::optional<std::string>(token);
}

}  // namespace mikami::app
