#include <chrono>
#include <cstdio>
#include <map>

#include "mikami/framework/context.h"
#include "mikami/modules/analytics.h"

namespace mikami::modules {
namespace {

using framework::CommandContext;
using framework::Reply;

std::string utc_day(std::chrono::system_clock::time_point at) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(at)};
  char day[16];
  std::snprintf(day, sizeof day, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return day;
}

// An outcome the bot is to blame for, as opposed to a refusal it meant to give.
bool is_error(const std::string& result) {
  return result == "error" || result == "timeout" || result == "check_unavailable" ||
         result.ends_with("_undelivered");
}

std::int64_t as_int(const StoreValue& v) {
  const auto* i = std::get_if<std::int64_t>(&v);
  return i ? *i : 0;
}
std::string as_text(const StoreValue& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : "";
}

std::vector<StoreRow> rows(BotStore& store, std::string_view sql,
                           const std::vector<StoreValue>& params) {
  auto result = store.query(sql, params);
  if (!result) throw std::runtime_error("stats: " + result.error().message());
  return std::move(*result);
}

Reply stats(CommandContext& ctx) {
  const std::int64_t days = ctx.integer("days").value_or(7);
  const auto now = std::chrono::system_clock::now();
  const std::string today = utc_day(now);
  const std::string since = utc_day(now - std::chrono::days(days - 1));
  const std::string guild = ctx.interaction().guild_id.to_string();
  std::int64_t total = 0;
  std::int64_t errors = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> by_command;
  for (const StoreRow& row :
       rows(ctx.store(),
            "SELECT command, result, SUM(count) FROM analytics_commands WHERE guild_id = ?1 "
            "AND day >= ?2 GROUP BY command, result",
            {guild, since})) {
    const std::int64_t n = as_int(row[2]);
    total += n;
    if (is_error(as_text(row[1]))) errors += n;
    by_command[as_text(row[0])][as_text(row[1])] += n;
  }
  auto members = [&](const std::string& from) {
    auto r = rows(ctx.store(),
                  "SELECT COUNT(DISTINCT user_id) FROM analytics_members WHERE guild_id = ?1 AND "
                  "day >= ?2",
                  {guild, from});
    return r.empty() ? 0 : as_int(r[0][0]);
  };
  char rate[32];
  std::snprintf(
      rate, sizeof rate, "%.1f%%",
      total == 0 ? 0.0 : 100.0 * static_cast<double>(errors) / static_cast<double>(total));
  std::string text = "Last " + std::to_string(days) + " days (UTC, since " + since +
                     ") in this server:\nCommands: " + std::to_string(total) +
                     ", errors: " + std::to_string(errors) + " (" + rate +
                     ")\nActive members: " + std::to_string(members(today)) + " today, " +
                     std::to_string(members(since)) + " over the period\n";
  for (const auto& [command, results] : by_command) {
    std::string line;
    for (const auto& [result, n] : results) {
      line += (line.empty() ? "" : ", ") + std::to_string(n) + " " + result;
    }
    text += command + ": " + line + "\n";
  }
  return Reply{text, "", std::nullopt};
}

class AnalyticsModule final : public framework::Module {
 public:
  std::string name() const override { return "analytics"; }
  std::string description() const override { return "command and member statistics"; }
  std::vector<framework::CommandSpec> commands() const override {
    auto days = framework::option(framework::OptionType::kInteger, "days",
                                  "How many days back, today included (default 7)");
    days.min_value = 1;
    days.max_value = 90;
    framework::CommandSpec spec;
    spec.name = "stats";
    spec.description = "Commands, outcomes and active members in this server";
    spec.default_member_permissions = framework::Permission::kManageGuild;
    spec.ephemeral = true;
    spec.options = {days};
    spec.handler = stats;
    return {spec};
  }
  std::vector<Migration> migrations() const override {
    return {{1,
             "CREATE TABLE analytics_commands (guild_id TEXT NOT NULL, day TEXT NOT NULL, "
             "command TEXT NOT NULL, result TEXT NOT NULL, count INTEGER NOT NULL, "
             "PRIMARY KEY (guild_id, day, command, result)) WITHOUT ROWID;"
             "CREATE TABLE analytics_members (guild_id TEXT NOT NULL, day TEXT NOT NULL, "
             "user_id TEXT NOT NULL, PRIMARY KEY (guild_id, day, user_id)) WITHOUT ROWID"}};
  }

  void observe(const framework::AnalyticsEvent& event, BotStore& store) override {
    if (event.guild_id.empty()) return;  // DMs belong to no server's statistics
    auto enabled = store.module_enabled(event.guild_id, name());
    if (!enabled || !enabled->value_or(true)) return;
    const std::string day = utc_day(std::chrono::system_clock::now());
    // Failures are not retried: a lost rollup row must never hold up the queue.
    (void)store.query(
        "INSERT INTO analytics_commands (guild_id, day, command, result, count) "
        "VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT DO UPDATE SET count = count + 1",
        {event.guild_id, day, event.command, event.result});
    if (!event.user_id.empty()) {
      (void)store.query(
          "INSERT OR IGNORE INTO analytics_members (guild_id, day, user_id) VALUES (?1, ?2, ?3)",
          {event.guild_id, day, event.user_id});
    }
  }
};

}  // namespace

std::unique_ptr<framework::Module> make_analytics_module() {
  return std::make_unique<AnalyticsModule>();
}

}  // namespace mikami::modules
