// Analytics through the whole bot: the real mikami-sandbox types commands and dispatches
// gateway events (messages, a member joining, one kicked by hand), the pipeline and the analytics
// queue record them, and the rollups are read back from /stats and from /metrics. The module's
// rollups and their bounded labels are also checked on a store of their own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "mikami/app/bot.h"
#include "mikami/app/local_http.h"
#include "mikami/modules/analytics.h"
#include "mikami/modules/economy.h"
#include "mikami/modules/utility.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami::modules {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mikami-analytics-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    http_ = std::make_unique<app::LocalHttpClient>("127.0.0.1", sandbox_.port());
  }
  void TearDown() override {
    bot_.reset();
    fs::remove_all(dir_);
  }

  void start(std::size_t queue = 10'000, bool with_economy = false) {
    app::AppConfig config;
    config.analytics_queue = queue;
    config.api_url = sandbox_.api_url();
    config.store_path = dir_ / "bot.db";
    config.metrics_listen = "127.0.0.1:0";
    std::vector<std::unique_ptr<framework::Module>> modules;
    modules.push_back(make_utility_module());
    modules.push_back(make_analytics_module());
    if (with_economy) {
      EconomyOptions economy;
      economy.database = (dir_ / "bot.db").string();
      auto made = make_economy_module(economy);
      ASSERT_TRUE(made.has_value()) << made.error().message();
      modules.push_back(std::move(*made));
    }
    auto bot = app::Bot::start(config, "sandbox-token", logger_, std::move(modules));
    ASSERT_TRUE(bot.has_value()) << bot.error().message();
    bot_ = std::move(*bot);
    ASSERT_TRUE(bot_->wait_ready(20s).has_value());
  }

  // POST /_sandbox/<what>; the HTTP status.
  int control(const std::string& what, const json::object& body) {
    auto reply = http_->request("POST", "/_sandbox/" + what, json::serialize(body));
    return reply ? reply->status : 0;
  }

  // The answer's content (waits up to 10 s; "" when none came).
  std::string ask(const std::string& line, const std::string& user) {
    auto sent = http_->request("POST", "/_sandbox/interact",
                               json::serialize(json::object{{"line", line}, {"user", user}}));
    if (!sent || sent->status != 200) return "refused: " + (sent ? sent->body : "");
    const std::string id(json::parse(sent->body).at("id").as_string());
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto reply = http_->request("GET", "/_sandbox/interactions/" + id);
      if (reply && reply->status == 200) {
        const json::value record = json::parse(reply->body);
        for (const json::value& r : record.at("responses").as_array()) {
          const json::value* data = r.as_object().if_contains("data");
          if (data != nullptr && data->is_object() && data->as_object().contains("content")) {
            return std::string(data->at("content").as_string());
          }
        }
      }
      std::this_thread::sleep_for(5ms);
    }
    return "";
  }

  // /metrics once every line of `wanted` is in it (waits up to 10 s for the analytics
  // queue's thread; the last scrape otherwise).
  std::string metrics_with(const std::vector<std::string>& wanted) {
    app::LocalHttpClient metrics("127.0.0.1", bot_->metrics_port());
    std::string body;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto reply = metrics.request("GET", "/metrics");
      body = reply && reply->status == 200 ? reply->body : "";
      if (std::all_of(wanted.begin(), wanted.end(), [&](const std::string& line) {
            return body.find("\n" + line + "\n") != std::string::npos;
          })) {
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    return body;
  }

  fs::path dir_;
  testing::SandboxProcess sandbox_;
  app::Logger logger_{"error", false};
  std::unique_ptr<app::Bot> bot_;
  std::unique_ptr<app::LocalHttpClient> http_;
};

TEST_F(AnalyticsTest, CommandsMessagesJoinsAndLeavesAreInMetricsAndStats) {
  start();
  ASSERT_NE(ask("/ping", "alice").find("pong"), std::string::npos);
  ASSERT_NE(ask("/ping", "bob").find("pong"), std::string::npos);
  ASSERT_EQ(ask("/stats", "alice"), "you need Manage Server to use /stats");
  // Three messages of `member` in #general (100), two in channel 101; mallory joins, bob is
  // kicked by hand.
  ASSERT_EQ(control("dispatch", {{"count", 3}, {"channel_id", "100"}}), 204);
  ASSERT_EQ(control("dispatch", {{"count", 2}, {"channel_id", "101"}}), 204);
  ASSERT_EQ(control("moderate", {{"by", "owner"}, {"action", "kick"}, {"target", "bob"}}) / 100, 2);
  ASSERT_EQ(control("join", {{"user", "mallory"}}), 204);
  const std::vector<std::string> wanted = {
      R"(mikami_analytics_commands_total{guild="1",command="/ping",outcome="ok"} 2)",
      R"(mikami_analytics_commands_total{guild="1",command="/stats",outcome="missing_permissions"} 1)",
      R"(mikami_analytics_command_errors_total{guild="1"} 0)",
      R"(mikami_analytics_messages_total{guild="1"} 5)",
      R"(mikami_analytics_member_leaves_total{guild="1"} 1)",
      R"(mikami_analytics_member_joins_total{guild="1"} 1)",
      // alice, bob (commands) and member (messages)
      R"(mikami_analytics_active_members{guild="1"} 3)",
      "mikami_analytics_guilds 1",
      "mikami_analytics_dropped_total 0",
      "mikami_analytics_queue_depth 0",
  };
  const std::string metrics = metrics_with(wanted);
  for (const std::string& line : wanted) {
    EXPECT_NE(metrics.find("\n" + line + "\n"), std::string::npos) << line << "\n" << metrics;
  }
  EXPECT_NE(metrics.find("# TYPE mikami_analytics_commands_total counter"), std::string::npos);
  EXPECT_NE(metrics.find("# TYPE mikami_analytics_active_members gauge"), std::string::npos);
  // Every metric says what it counts.
  for (std::size_t at = metrics.find("# TYPE "); at != std::string::npos;
       at = metrics.find("# TYPE ", at + 1)) {
    const std::size_t name_end = metrics.find(' ', at + 7);
    const std::string name = metrics.substr(at + 7, name_end - at - 7);
    EXPECT_NE(metrics.find("# HELP " + name + " "), std::string::npos) << name << " has no HELP";
  }

  const std::string stats = ask("/stats", "owner");
  EXPECT_NE(stats.find("Commands: 3, errors: 0 (0.0%)\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Active members: 3 today, 3 over the period\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Members joined: 1, left: 1\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("Messages: 5 (<#100> 3, <#101> 2)\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("/ping: 2 ok\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("/stats: 1 missing_permissions\n"), std::string::npos) << stats;
}

// A command that declines what was asked (a second /daily, a payment over the balance, an
// unknown module) is counted by the refusal its handler names, not as "ok", and not as an
// error the bot is to blame for.
TEST_F(AnalyticsTest, RefusalsAreCountedByTheirNameNotAsOkNorAsErrors) {
  start(10'000, /*with_economy=*/true);
  ASSERT_NE(ask("/daily", "alice").find("You claimed 100 coins"), std::string::npos);
  ASSERT_NE(ask("/daily", "alice").find("You already claimed today's"), std::string::npos);
  ASSERT_EQ(ask("/pay member:@bob amount:500", "alice"),
            "You have 100 coins; you cannot pay 500 coins.");
  ASSERT_EQ(ask("/module disable name:nosuch", "owner").rfind("option name: no module named", 0),
            0u);
  const std::vector<std::string> wanted = {
      R"(mikami_analytics_commands_total{guild="1",command="/daily",outcome="ok"} 1)",
      R"(mikami_analytics_commands_total{guild="1",command="/daily",outcome="already_claimed"} 1)",
      R"(mikami_analytics_commands_total{guild="1",command="/pay",outcome="insufficient_balance"} 1)",
      R"(mikami_analytics_commands_total{guild="1",command="/module disable",outcome="invalid_option"} 1)",
      R"(mikami_analytics_command_errors_total{guild="1"} 0)",
      R"(mikami_commands_total{command="/daily",result="already_claimed"} 1)",
      R"(mikami_commands_total{command="/pay",result="insufficient_balance"} 1)",
  };
  const std::string metrics = metrics_with(wanted);
  for (const std::string& line : wanted) {
    EXPECT_NE(metrics.find("\n" + line + "\n"), std::string::npos) << line << "\n" << metrics;
  }
  const std::string stats = ask("/stats", "owner");
  EXPECT_NE(stats.find("Commands: 4, errors: 0 (0.0%)\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("/daily: 1 already_claimed, 1 ok\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("/pay: 1 insufficient_balance\n"), std::string::npos) << stats;
}

TEST_F(AnalyticsTest, SwitchedOffInAServerItCountsNothingThere) {
  start();
  ASSERT_NE(ask("/module disable name:analytics", "owner").find("disabled"), std::string::npos);
  ASSERT_EQ(control("dispatch", {{"count", 4}, {"channel_id", "100"}}), 204);
  ASSERT_NE(ask("/ping", "alice").find("pong"), std::string::npos);
  ASSERT_NE(ask("/module enable name:analytics", "owner").find("enabled"), std::string::npos);
  ASSERT_NE(ask("/ping", "bob").find("pong"), std::string::npos);
  const std::string metrics = metrics_with(
      {R"(mikami_analytics_commands_total{guild="1",command="/ping",outcome="ok"} 1)"});
  EXPECT_NE(
      metrics.find(R"(mikami_analytics_commands_total{guild="1",command="/ping",outcome="ok"} 1)"),
      std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("mikami_analytics_messages_total"), std::string::npos) << metrics;
}

// A burst of messages into a queue of one: the shard never waits for it, commands still
// answer, and every message is either in the rollups or counted as dropped.
TEST_F(AnalyticsTest, ATinyQueueDropsGatewayEventsAndCountsEveryOne) {
  start(/*queue=*/1);
#ifdef PROJECT_SANITIZED
  constexpr int kMessages = 200;  // each takes the shard's thread milliseconds under sanitizers
#else
  constexpr int kMessages = 2'000;
#endif
  ASSERT_EQ(control("dispatch", {{"count", kMessages}, {"channel_id", "100"}}), 204);
  ASSERT_NE(ask("/ping", "alice").find("pong"), std::string::npos);
  auto value = [](const std::string& metrics, const std::string& series) {
    const auto at = metrics.find("\n" + series + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + series.size() + 2));
  };
  app::LocalHttpClient scrape("127.0.0.1", bot_->metrics_port());
  double recorded = 0;
  double dropped = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = scrape.request("GET", "/metrics");
    ASSERT_TRUE(reply.has_value());
    recorded = std::max(0.0, value(reply->body, R"(mikami_analytics_messages_total{guild="1"})"));
    dropped = value(reply->body, "mikami_analytics_dropped_total");
    // The /ping's own result may be dropped too: at most one more than the messages.
    if (recorded + dropped >= kMessages) break;
    std::this_thread::sleep_for(10ms);
  }
  std::printf("tiny queue: %d messages: %.0f recorded, %.0f dropped\n", kMessages, recorded,
              dropped);
  EXPECT_GE(recorded + dropped, kMessages);
  EXPECT_LE(recorded + dropped, kMessages + 1);
}

// The module on a store of its own: what each event adds, and labels that stay bounded.
class AnalyticsRollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = BotStore::open(":memory:");
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    AnalyticsOptions options;
    options.metrics_guilds = 2;
    module_ = make_analytics_module(options);
    ASSERT_TRUE(store_->migrate(module_->name(), module_->migrations()).has_value());
  }
  void command(const std::string& guild, const std::string& command, const std::string& result,
               const std::string& module = "utility") {
    framework::AnalyticsEvent e;
    e.command = command;
    e.module = module;
    e.guild_id = guild;
    e.user_id = "7";
    e.result = result;
    module_->observe(e, *store_);
  }
  void gateway(const std::string& name, const std::string& guild, bool bot = false) {
    framework::AnalyticsEvent e;
    e.event = name;
    e.guild_id = guild;
    e.channel_id = "100";
    e.user_id = "8";
    e.user_is_bot = bot;
    module_->observe(e, *store_);
  }
  // "name{labels} value" lines of the module's samples.
  std::vector<std::string> samples() {
    std::vector<framework::Metrics::Sample> counters, gauges;
    module_->collect_metrics(*store_, counters, gauges);
    std::vector<std::string> out;
    for (const auto* list : {&counters, &gauges}) {
      for (const auto& s : *list) {
        std::string labels;
        for (const auto& [k, v] : s.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
        out.push_back(s.name + "{" + labels + "} " + std::to_string(static_cast<int>(s.value)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<BotStore> store_;
  std::unique_ptr<framework::Module> module_;
};

TEST_F(AnalyticsRollupTest, GuildsPastTheLabelledOnesAreSummedAsOtherAndUnknownNamesAreNotKept) {
  command("10", "/ping", "ok");
  command("20", "/ping", "error");
  command("30", "/ping", "ok");
  command("40", "/ping", "timeout");
  command("10", "/made-up-by-a-client", "unknown_command", /*module=*/"");
  gateway("GUILD_MEMBER_ADD", "10");
  gateway("GUILD_MEMBER_ADD", "30");
  gateway("GUILD_MEMBER_REMOVE", "10");
  gateway("MESSAGE_CREATE", "40");
  gateway("MESSAGE_CREATE", "40", /*bot=*/true);  // a bot's message is not counted
  const std::vector<std::string> expected = {
      "mikami_analytics_active_members{guild=10} 1",
      "mikami_analytics_active_members{guild=20} 1",
      "mikami_analytics_active_members{guild=other} 3",
      "mikami_analytics_command_errors_total{guild=10} 0",
      "mikami_analytics_command_errors_total{guild=20} 1",
      "mikami_analytics_command_errors_total{guild=other} 1",
      "mikami_analytics_commands_total{guild=10,command=(unknown),outcome=unknown_command} 1",
      "mikami_analytics_commands_total{guild=10,command=/ping,outcome=ok} 1",
      "mikami_analytics_commands_total{guild=20,command=/ping,outcome=error} 1",
      "mikami_analytics_commands_total{guild=other,command=/ping,outcome=ok} 1",
      "mikami_analytics_commands_total{guild=other,command=/ping,outcome=timeout} 1",
      "mikami_analytics_guilds{} 4",
      "mikami_analytics_member_joins_total{guild=10} 1",
      "mikami_analytics_member_joins_total{guild=other} 1",
      "mikami_analytics_member_leaves_total{guild=10} 1",
      "mikami_analytics_messages_total{guild=other} 1",
  };
  EXPECT_EQ(samples(), expected);
}

TEST_F(AnalyticsRollupTest, AStoreOfTheFirstVersionKeepsItsCountsInTheTotals) {
  auto store = BotStore::open(":memory:");
  ASSERT_TRUE(store.has_value());
  auto migrations = module_->migrations();
  ASSERT_TRUE((*store)->migrate("analytics", {migrations[0]}).has_value());
  ASSERT_TRUE((*store)
                  ->query("INSERT INTO analytics_commands VALUES ('10', '2026-11-30', '/ping', "
                          "'ok', 5), ('10', '2026-12-01', '/ping', 'ok', 2), ('10', "
                          "'2026-12-01', '/x', 'unknown_command', 1)")
                  .has_value());
  ASSERT_TRUE((*store)->migrate("analytics", migrations).has_value());
  store_ = std::move(*store);
  const std::vector<std::string> expected = {
      "mikami_analytics_command_errors_total{guild=10} 0",
      "mikami_analytics_commands_total{guild=10,command=(unknown),outcome=unknown_command} 1",
      "mikami_analytics_commands_total{guild=10,command=/ping,outcome=ok} 7",
      "mikami_analytics_guilds{} 1",
  };
  EXPECT_EQ(samples(), expected);
}

}  // namespace
}  // namespace mikami::modules
