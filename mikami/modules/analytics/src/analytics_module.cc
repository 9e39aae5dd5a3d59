#include <algorithm>
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
         result == "discord_refused" || result.ends_with("_undelivered");
}

std::int64_t as_int(const StoreValue& v) {
  const auto* i = std::get_if<std::int64_t>(&v);
  return i ? *i : 0;
}
std::string as_text(const StoreValue& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : "";
}

// The command label of a result no module owns (a command or button Discord knows and the
// bot does not): its name came from outside, so it is not kept, which bounds the labels.
constexpr const char* kUnknownCommand = "(unknown)";
constexpr std::size_t kChannelsShown = 5;

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
  auto flow = rows(ctx.store(),
                   "SELECT COALESCE(SUM(joins), 0), COALESCE(SUM(leaves), 0) FROM "
                   "analytics_member_flow WHERE guild_id = ?1 AND day >= ?2",
                   {guild, since});
  text += "Members joined: " + std::to_string(flow.empty() ? 0 : as_int(flow[0][0])) +
          ", left: " + std::to_string(flow.empty() ? 0 : as_int(flow[0][1])) + "\n";
  std::int64_t messages = 0;
  std::string channels;
  std::size_t listed = 0;
  std::int64_t elsewhere = 0;
  for (const StoreRow& row :
       rows(ctx.store(),
            "SELECT channel_id, SUM(count) AS n FROM analytics_messages WHERE guild_id = ?1 AND "
            "day >= ?2 GROUP BY channel_id ORDER BY n DESC, channel_id",
            {guild, since})) {
    const std::int64_t n = as_int(row[1]);
    messages += n;
    if (listed++ < kChannelsShown) {
      channels +=
          (channels.empty() ? "" : ", ") + ("<#" + as_text(row[0]) + "> ") + std::to_string(n);
    } else {
      elsewhere += n;
    }
  }
  if (elsewhere > 0) channels += ", other channels " + std::to_string(elsewhere);
  text += "Messages: " + std::to_string(messages) +
          (channels.empty() ? std::string() : " (" + channels + ")") + "\n";
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
  explicit AnalyticsModule(AnalyticsOptions options) : options_(options) {}

  std::string name() const override { return "analytics"; }
  std::string description() const override { return "command, member and message statistics"; }
  std::vector<framework::CommandSpec> commands() const override {
    auto days = framework::option(framework::OptionType::kInteger, "days",
                                  "How many days back, today included (default 7)");
    days.min_value = 1;
    days.max_value = 90;
    framework::CommandSpec spec;
    spec.name = "stats";
    spec.description = "Commands, outcomes, members and messages in this server";
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
             "user_id TEXT NOT NULL, PRIMARY KEY (guild_id, day, user_id)) WITHOUT ROWID"},
            // Gateway events per day; all-time totals for /metrics (one row per series, so a
            // scrape reads no day's rows); the order in which guilds became active (rowid).
            {2,
             "CREATE TABLE analytics_member_flow (guild_id TEXT NOT NULL, day TEXT NOT NULL, "
             "joins INTEGER NOT NULL DEFAULT 0, leaves INTEGER NOT NULL DEFAULT 0, "
             "PRIMARY KEY (guild_id, day)) WITHOUT ROWID;"
             "CREATE TABLE analytics_messages (guild_id TEXT NOT NULL, day TEXT NOT NULL, "
             "channel_id TEXT NOT NULL, count INTEGER NOT NULL, "
             "PRIMARY KEY (guild_id, day, channel_id)) WITHOUT ROWID;"
             "CREATE TABLE analytics_totals (guild_id TEXT NOT NULL, name TEXT NOT NULL, "
             "command TEXT NOT NULL, result TEXT NOT NULL, count INTEGER NOT NULL, "
             "PRIMARY KEY (guild_id, name, command, result)) WITHOUT ROWID;"
             "CREATE TABLE analytics_guilds (guild_id TEXT NOT NULL UNIQUE);"
             "INSERT INTO analytics_guilds (guild_id) SELECT guild_id FROM analytics_commands "
             "GROUP BY guild_id ORDER BY MIN(day), guild_id;"
             "INSERT INTO analytics_totals (guild_id, name, command, result, count) SELECT "
             "guild_id, 'commands', CASE WHEN result IN ('unknown_command', "
             "'unknown_component', 'unsupported') THEN '(unknown)' ELSE command END AS c, "
             "result, SUM(count) FROM analytics_commands GROUP BY guild_id, c, result"}};
  }
  std::vector<std::string> observed_events() const override {
    return {"GUILD_MEMBER_ADD", "GUILD_MEMBER_REMOVE", "MESSAGE_CREATE"};
  }

  // Failures are not retried: a lost rollup row must never hold up the queue.
  void observe(const framework::AnalyticsEvent& event, BotStore& store) override {
    if (event.guild_id.empty()) return;  // DMs belong to no server's statistics
    auto enabled = store.module_enabled(event.guild_id, name());
    if (!enabled || !enabled->value_or(true)) return;
    const std::string day = utc_day(std::chrono::system_clock::now());
    if (event.event.empty()) {
      record_command(event, day, store);
    } else if (event.event == "MESSAGE_CREATE") {
      if (event.user_is_bot || event.channel_id.empty()) return;  // people's messages only
      (void)store.query(
          "INSERT INTO analytics_messages (guild_id, day, channel_id, count) VALUES (?1, ?2, "
          "?3, 1) ON CONFLICT DO UPDATE SET count = count + 1",
          {event.guild_id, day, event.channel_id});
      add_total(store, event.guild_id, "messages", "", "");
      active(store, event.guild_id, day, event.user_id);
    } else if (event.event == "GUILD_MEMBER_ADD" || event.event == "GUILD_MEMBER_REMOVE") {
      const bool join = event.event == "GUILD_MEMBER_ADD";
      (void)store.query(join ? "INSERT INTO analytics_member_flow (guild_id, day, joins) VALUES "
                               "(?1, ?2, 1) ON CONFLICT DO UPDATE SET joins = joins + 1"
                             : "INSERT INTO analytics_member_flow (guild_id, day, leaves) VALUES "
                               "(?1, ?2, 1) ON CONFLICT DO UPDATE SET leaves = leaves + 1",
                        {event.guild_id, day});
      add_total(store, event.guild_id, join ? "joins" : "leaves", "", "");
    }
  }

  // Label values are bounded: `guild` by options_.metrics_guilds (+ "other"), `command` by
  // the registered commands and components (+ "(unknown)"), `outcome` by the pipeline's
  // fixed set of results.
  void collect_metrics(BotStore& store, std::vector<framework::Metrics::Sample>& counters,
                       std::vector<framework::Metrics::Sample>& gauges) const override {
    const auto limit = static_cast<std::int64_t>(options_.metrics_guilds);
    // The guild a figure is labelled with: its own among the first `limit` active, else other.
    const std::string labelled =
        "CASE WHEN guild_id IN (SELECT guild_id FROM analytics_guilds ORDER BY rowid LIMIT ?1) "
        "THEN guild_id ELSE 'other' END";
    auto totals = store.query("SELECT " + labelled +
                                  " AS g, name, command, result, SUM(count) FROM analytics_totals "
                                  "GROUP BY g, name, command, result",
                              {limit});
    if (!totals) return;  // a scrape without them rather than a failed scrape
    std::map<std::string, double> errors;
    for (const StoreRow& row : *totals) {
      const std::string guild = as_text(row[0]);
      const std::string kind = as_text(row[1]);
      const double n = static_cast<double>(as_int(row[4]));
      if (kind == "commands") {
        const std::string result = as_text(row[3]);
        counters.push_back({"mikami_analytics_commands_total",
                            {{"guild", guild}, {"command", as_text(row[2])}, {"outcome", result}},
                            n,
                            "Commands handled, by server, command and outcome (all time)."});
        errors[guild] += is_error(result) ? n : 0;
      } else if (kind == "joins" || kind == "leaves" || kind == "messages") {
        const std::string metric = kind == "messages"
                                       ? "mikami_analytics_messages_total"
                                       : "mikami_analytics_member_" + kind + "_total";
        counters.push_back({metric,
                            {{"guild", guild}},
                            n,
                            kind == "messages" ? "Messages seen, by server (all time)."
                            : kind == "joins"  ? "Members who joined, by server (all time)."
                                               : "Members who left, by server (all time)."});
      }
    }
    for (const auto& [guild, n] : errors) {
      counters.push_back(
          {"mikami_analytics_command_errors_total",
           {{"guild", guild}},
           n,
           "Commands that failed on the bot's side (error, timeout, an answer not delivered), "
           "by server."});
    }
    auto today = store.query(
        "SELECT " + labelled + " AS g, COUNT(*) FROM analytics_members WHERE day = ?2 GROUP BY g",
        {limit, utc_day(std::chrono::system_clock::now())});
    if (today) {
      for (const StoreRow& row : *today) {
        gauges.push_back({"mikami_analytics_active_members",
                          {{"guild", as_text(row[0])}},
                          static_cast<double>(as_int(row[1])),
                          "Members active today (UTC), by server."});
      }
    }
    if (auto guilds = store.query("SELECT COUNT(*) FROM analytics_guilds"); guilds) {
      gauges.push_back({"mikami_analytics_guilds",
                        {},
                        static_cast<double>(as_int((*guilds)[0][0])),
                        "Servers with analytics figures."});
    }
  }

 private:
  static void record_command(const framework::AnalyticsEvent& event, const std::string& day,
                             BotStore& store) {
    const std::string command = event.module.empty() ? kUnknownCommand : event.command;
    (void)store.query(
        "INSERT INTO analytics_commands (guild_id, day, command, result, count) "
        "VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT DO UPDATE SET count = count + 1",
        {event.guild_id, day, command, event.result});
    add_total(store, event.guild_id, "commands", command, event.result);
    active(store, event.guild_id, day, event.user_id);
  }
  static void add_total(BotStore& store, const std::string& guild, const char* kind,
                        const std::string& command, const std::string& result) {
    (void)store.query("INSERT OR IGNORE INTO analytics_guilds (guild_id) VALUES (?1)", {guild});
    (void)store.query(
        "INSERT INTO analytics_totals (guild_id, name, command, result, count) VALUES (?1, ?2, "
        "?3, ?4, 1) ON CONFLICT DO UPDATE SET count = count + 1",
        {guild, std::string(kind), command, result});
  }
  static void active(BotStore& store, const std::string& guild, const std::string& day,
                     const std::string& user) {
    if (user.empty()) return;
    (void)store.query(
        "INSERT OR IGNORE INTO analytics_members (guild_id, day, user_id) VALUES (?1, ?2, ?3)",
        {guild, day, user});
  }

  AnalyticsOptions options_;
};

}  // namespace

std::unique_ptr<framework::Module> make_analytics_module(AnalyticsOptions options) {
  return std::make_unique<AnalyticsModule>(options);
}

}  // namespace mikami::modules
