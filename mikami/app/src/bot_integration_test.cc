// The framework's pipeline end to end: a Bot with the utility module and the probe module
// (added in one line) against the real mikami-sandbox, driven the way the console drives
// it (typed lines become INTERACTION_CREATEs), answers read back from the sandbox.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "mikami/app/bot.h"
#include "mikami/app/local_http.h"
#include "mikami/app/modules.h"
#include "mikami/modules/probe.h"
#include "mikami/modules/utility.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami::app {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::unique_ptr<framework::Module>> utility_only() {
  std::vector<std::unique_ptr<framework::Module>> modules;
  modules.push_back(modules::make_utility_module());
  return modules;
}

class BotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mikami-bot-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    http_ = std::make_unique<LocalHttpClient>("127.0.0.1", sandbox_.port());
  }
  void TearDown() override {
    bot_.reset();
    std::filesystem::remove_all(dir_);
  }

  AppConfig config() const {
    AppConfig c;
    c.api_url = sandbox_.api_url();
    c.store_path = dir_ / "bot.db";
    c.metrics_listen = "127.0.0.1:0";
    c.lock_wait = 2'000ms;
    c.handler_deadline = 5'000ms;
    return c;
  }

  void start(AppConfig c, bool with_probe = true) {
    // The framework's pipeline, with the module that is always on (the bot's other modules
    // are tested on their own: the probe's commands would clash with theirs).
    auto modules = utility_only();
    if (with_probe) modules.push_back(modules::make_probe_module(probe_));  // the one line
    auto bot = Bot::start(c, "sandbox-token", logger_, std::move(modules));
    ASSERT_TRUE(bot.has_value()) << bot.error().message();
    bot_ = std::move(*bot);
    ASSERT_TRUE(bot_->wait_ready(20s).has_value());
  }

  // Types `line` as `user`; returns the interaction id (empty when refused).
  std::string send(const std::string& line, const std::string& user) {
    json::object body{{"line", line}, {"user", user}};
    auto reply = http_->request("POST", "/_sandbox/interact", json::serialize(body));
    EXPECT_TRUE(reply.has_value());
    if (!reply || reply->status != 200) {
      ADD_FAILURE() << line << ": " << (reply ? reply->body : reply.error().message());
      return "";
    }
    return std::string(json::parse(reply->body).at("id").as_string());
  }

  // The callback of interaction `id` (waits up to 10 s), null when none came.
  json::value callback(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto reply = http_->request("GET", "/_sandbox/interactions/" + id);
      if (reply && reply->status == 200) {
        json::value record = json::parse(reply->body);
        if (record.at("callback_type").as_int64() != 0) return record.at("responses").at(0);
      }
      std::this_thread::sleep_for(2ms);
    }
    return nullptr;
  }

  // The answer's content ("" when none).
  std::string answer(const std::string& id) {
    json::value cb = callback(id);
    if (cb.is_null()) return "";
    const json::value& data = cb.at("data");
    return data.as_object().contains("content") ? std::string(data.at("content").as_string()) : "";
  }
  std::string ask(const std::string& line, const std::string& user) {
    return answer(send(line, user));
  }
  bool ephemeral(const std::string& id) {
    json::value cb = callback(id);
    const json::object& data = cb.at("data").as_object();
    return data.contains("flags") && (data.at("flags").as_int64() & 64) != 0;
  }
  std::int64_t command_puts() {
    auto reply = http_->request("GET", "/_sandbox/commands");
    return json::parse(reply->body).at("puts").as_int64();
  }
  std::int64_t stat(const std::string& name) {
    auto reply = http_->request("GET", "/_sandbox/stats");
    return json::parse(reply->body).at(name).as_int64();
  }
  std::size_t runs(const std::string& command) {
    std::size_t n = 0;
    for (const auto& run : probe_->snapshot()) n += run.command == command;
    return n;
  }

  testing::SandboxProcess sandbox_;
  std::filesystem::path dir_;
  Logger logger_{"warn", false};
  std::shared_ptr<modules::ProbeLog> probe_ = std::make_shared<modules::ProbeLog>();
  std::unique_ptr<LocalHttpClient> http_;
  std::unique_ptr<Bot> bot_;
};

TEST_F(BotTest, EachStageStopsTheLaterOnes) {
  start(config());
  // validate: an ephemeral error naming the option; the handler never runs
  const std::string too_long = send("/echo text:aaaaaaaaaaaaaaaaaaaaaaaa", "member");
  EXPECT_EQ(answer(too_long), "option text: must be at most 20 characters");
  EXPECT_TRUE(ephemeral(too_long));
  EXPECT_EQ(ask("/echo text:hi count:9", "member"), "option count: must be at most 5");
  EXPECT_EQ(runs("echo"), 0u);
  EXPECT_EQ(ask("/echo text:hi count:2", "member"), "hi hi");
  EXPECT_EQ(runs("echo"), 1u);
  // checks: the invoker's permissions (validation passed first)
  EXPECT_EQ(ask("/nudge user:@carol", "bob"), "you need Kick Members to use /nudge");
  // role hierarchy, for a command acting on a member
  EXPECT_EQ(ask("/nudge user:@alice", "alice"), "you cannot use /nudge on yourself");
  EXPECT_EQ(ask("/nudge user:@mikami", "alice"),
            "you can only use /nudge on members below your highest role");
  EXPECT_EQ(ask("/nudge user:@bob", "alice"), "would nudge 4");
  EXPECT_EQ(runs("nudge"), 1u);
  // cooldowns, per user
  EXPECT_EQ(ask("/daily", "carol"), "claimed");
  EXPECT_EQ(ask("/daily", "carol"), "slow down: you can use /daily again in 60 s");
  EXPECT_EQ(ask("/daily", "dave"), "claimed");
  EXPECT_EQ(runs("daily"), 2u);
  // resolve: a disabled module stops even an invalid command before validation
  EXPECT_EQ(ask("/module disable name:probe", "owner"),
            "the probe module is now disabled in this server");
  const std::string disabled = ask("/echo text:aaaaaaaaaaaaaaaaaaaaaaaaaaa", "member");
  EXPECT_TRUE(disabled.starts_with("the probe module is disabled in this server")) << disabled;
  EXPECT_EQ(ask("/module enable name:probe", "owner"),
            "the probe module is now enabled in this server");
  EXPECT_EQ(ask("/echo text:back", "member"), "back");
  EXPECT_EQ(ask("/module disable name:utility", "owner"), "the utility module cannot be disabled");
  EXPECT_EQ(ask("/module list", "bob"), "you need Manage Server to use /module");
}

TEST_F(BotTest, TheOwnerActsOnAnyoneAndNobodyActsOnTheOwner) {
  start(config());
  // The owner holds no role at all, yet is above everyone.
  EXPECT_EQ(ask("/nudge user:@alice", "owner"), "would nudge 3");
  EXPECT_EQ(ask("/nudge user:@owner", "alice"), "you cannot use /nudge on the server owner");
  EXPECT_EQ(ask("/nudge user:@owner", "owner"), "you cannot use /nudge on yourself");
  EXPECT_EQ(runs("nudge"), 1u);
  // The gateway fed the cache (GUILD_CREATE): nothing was fetched.
  EXPECT_EQ(stat("guild_reads"), 0);
  EXPECT_EQ(stat("member_reads"), 0);
}

TEST_F(BotTest, ChecksAfterAResumedStartFetchWhatTheEmptyCacheLacksOnceAndKeepIt) {
  AppConfig c = config();
  c.session_directory = dir_ / "sessions";
  start(c);
  ASSERT_TRUE(bot_->shutdown());  // sessions saved
  bot_.reset();
  start(c);  // resumes: GUILD_CREATE is not replayed, the cache starts empty
  EXPECT_EQ(stat("resumes"), 1);
  EXPECT_EQ(stat("guild_reads"), 0);
  EXPECT_EQ(ask("/nudge user:@bob", "alice"), "would nudge 4");
  // The role positions and owner (the guild) and the bot's member were fetched...
  EXPECT_EQ(stat("guild_reads"), 1);
  EXPECT_EQ(stat("member_reads"), 1);
  // ...and kept: the next checks fetch nothing.
  EXPECT_EQ(ask("/nudge user:@mikami", "alice"),
            "you can only use /nudge on members below your highest role");
  EXPECT_EQ(ask("/nudge user:@bob", "alice"), "would nudge 4");
  EXPECT_EQ(stat("guild_reads"), 1);
  EXPECT_EQ(stat("member_reads"), 1);
}

TEST_F(BotTest, OneUsersCommandsRunStrictlyInOrderAndDifferentUsersInParallel) {
  start(config());
  const std::string a1 = send("/slow ms:300", "alice");
  const std::string a2 = send("/slow ms:300", "alice");
  const std::string b1 = send("/slow ms:300", "bob");
  EXPECT_EQ(answer(a1), "slept 300 ms");
  EXPECT_EQ(answer(a2), "slept 300 ms");
  EXPECT_EQ(answer(b1), "slept 300 ms");
  std::vector<modules::ProbeLog::Run> alice, bob;
  for (const auto& run : probe_->snapshot()) (run.user_id == "3" ? alice : bob).push_back(run);
  ASSERT_EQ(alice.size(), 2u);
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_GE(alice[1].started, alice[0].finished);  // serial
  EXPECT_LT(bob[0].started, alice[0].finished);    // in parallel with alice's first
}

TEST_F(BotTest, EventsOfOneGuildReachTheirHandlersOneAtATimeInOrder) {
  start(config());
  auto reply = http_->request("POST", "/_sandbox/dispatch", R"({"count": 20})");
  ASSERT_TRUE(reply && reply->status < 300);
  std::vector<modules::ProbeLog::Run> events;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (events.size() < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
    events.clear();
    for (const auto& run : probe_->snapshot()) {
      if (run.command.starts_with("event ")) events.push_back(run);
    }
  }
  ASSERT_EQ(events.size(), 20u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].command, "event " + std::to_string(i));
    if (i > 0) {
      EXPECT_GE(events[i].started, events[i - 1].finished);
    }
  }
}

TEST_F(BotTest, ASecondCommandWaitsABoundedTimeThenIsToldStillWorking) {
  AppConfig c = config();
  c.lock_wait = 200ms;
  start(c);
  const std::string first = send("/slow ms:1200", "alice");
  std::this_thread::sleep_for(50ms);
  const std::string second = send("/echo text:hi", "alice");
  EXPECT_EQ(answer(second), "still working on your last command; try again in a moment");
  EXPECT_TRUE(ephemeral(second));
  EXPECT_EQ(ask("/echo text:other", "bob"), "other");  // bob is not held up
  EXPECT_EQ(answer(first), "slept 1200 ms");
  EXPECT_EQ(runs("echo"), 1u);
}

TEST_F(BotTest, AThrowingHandlerAnswersWithAnErrorIdAndNoDetail) {
  start(config());
  const std::string id = send("/boom", "member");
  const std::string text = answer(id);
  EXPECT_TRUE(text.starts_with("something went wrong (error id ")) << text;
  EXPECT_EQ(text.find("secret"), std::string::npos);
  EXPECT_TRUE(ephemeral(id));
  EXPECT_EQ(ask("/echo text:after", "member"), "after");
}

TEST_F(BotTest, AHangingHandlerIsAnsweredAtTheDeadlineAndItsLockReleased) {
  AppConfig c = config();
  c.lock_wait = 100ms;
  c.handler_deadline = 400ms;
  start(c);
  const auto sent = std::chrono::steady_clock::now();
  const std::string text = ask("/slow ms:1500", "alice");
  EXPECT_TRUE(text.starts_with("something went wrong (error id ")) << text;
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1'200ms);
  EXPECT_EQ(ask("/echo text:free", "alice"), "free");  // while /slow still sleeps
}

TEST_F(BotTest, CommandSyncIsSkippedWhenDiscordAlreadyHasTheCommands) {
  start(config());
  EXPECT_EQ(command_puts(), 1);
  ASSERT_TRUE(bot_->shutdown());
  bot_.reset();
  start(config());  // the same commands: nothing to push
  EXPECT_EQ(command_puts(), 1);
  EXPECT_EQ(ask("/echo text:again", "member"), "again");
  bot_.reset();
  start(config(), /*with_probe=*/false);  // fewer commands: pushed
  EXPECT_EQ(command_puts(), 2);
}

TEST_F(BotTest, MetricsAreServedInPrometheusTextFormat) {
  start(config());
  EXPECT_EQ(ask("/echo text:m", "member"), "m");
  LocalHttpClient metrics("127.0.0.1", bot_->metrics_port());
  // The answer is accounted for once Discord (the sandbox) has accepted it.
  const framework::Labels echo_ok = {{"command", "/echo"}, {"result", "ok"}};
  for (int i = 0; i < 1000 && bot_->metrics().counter("mikami_commands_total", echo_ok) < 1; ++i) {
    std::this_thread::sleep_for(2ms);
  }
  auto reply = metrics.request("GET", "/metrics");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("# TYPE mikami_commands_total counter"), std::string::npos);
  EXPECT_NE(reply->body.find("mikami_commands_total{command=\"/echo\",result=\"ok\"} 1"),
            std::string::npos)
      << reply->body;
  EXPECT_NE(reply->body.find("mikami_pipeline_seconds_bucket{le=\"+Inf\"} 1"), std::string::npos);
  EXPECT_NE(reply->body.find("mikami_rest_requests_total"), std::string::npos);
  EXPECT_NE(reply->body.find("mikami_analytics_dropped_total 0"), std::string::npos);
}

// A bot of 16 shards run as several processes: this one runs shards 0-3, and only those
// identify, each with its [id, count].
TEST(BotShardsTest, ARangeOfShardsIdentifiesOnlyThoseShardsWithTheirIdAndCount) {
  testing::SandboxProcess sandbox({"--shard-count", "16", "--max-concurrency", "16"});
  const auto dir =
      std::filesystem::temp_directory_path() / ("mikami-shards-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  AppConfig c;
  c.api_url = sandbox.api_url();
  c.store_path = dir / "bot.db";
  c.metrics_listen = "";
  c.shard_count = 16;
  c.first_shard = 0;
  c.last_shard = 3;
  Logger logger{"warn", false};
  {
    auto bot = Bot::start(c, "sandbox-token", logger, utility_only());
    ASSERT_TRUE(bot.has_value()) << bot.error().message();
    ASSERT_TRUE((*bot)->wait_ready(20s).has_value());
    LocalHttpClient http("127.0.0.1", sandbox.port());
    std::vector<std::pair<std::int64_t, std::int64_t>> identified;
    for (int i = 0; i < 2'000 && identified.size() < 4; ++i) {
      identified.clear();
      auto reply = http.request("GET", "/_sandbox/stats");
      ASSERT_TRUE(reply.has_value());
      const json::value stats = json::parse(reply->body);
      for (const auto& pair : stats.at("identified_shards").as_array()) {
        identified.emplace_back(pair.as_array()[0].as_int64(), pair.as_array()[1].as_int64());
      }
      std::this_thread::sleep_for(5ms);
    }
    std::sort(identified.begin(), identified.end());
    const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {
        {0, 16}, {1, 16}, {2, 16}, {3, 16}};
    EXPECT_EQ(identified, expected);
    // The guild (id 1) is on shard 0: its commands are served.
    json::object body{{"line", "/help"}, {"user", "owner"}};
    auto sent = http.request("POST", "/_sandbox/interact", json::serialize(body));
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(sent->status, 200) << sent->body;
    ASSERT_TRUE((*bot)->shutdown());
  }
  std::filesystem::remove_all(dir);
}

// /ping reports the heartbeat's measured round trip: the sandbox holds each ACK 150 ms.
TEST(BotHeartbeatTest, PingAndTheGaugeShowTheMeasuredHeartbeatLatency) {
  testing::SandboxProcess sandbox(
      {"--heartbeat-interval-ms", "400", "--fault-ack-delay-ms", "150"});
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mikami-heartbeat-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  AppConfig c;
  c.api_url = sandbox.api_url();
  c.store_path = dir / "bot.db";
  c.metrics_listen = "127.0.0.1:0";
  Logger logger{"warn", false};
  {
    auto started = Bot::start(c, "sandbox-token", logger, utility_only());
    ASSERT_TRUE(started.has_value()) << started.error().message();
    Bot& bot = **started;
    ASSERT_TRUE(bot.wait_ready(20s).has_value());
    LocalHttpClient metrics("127.0.0.1", bot.metrics_port());
    // Wait for the first ACK to be measured (the first heartbeat is jittered within 400 ms).
    double latency = -1;
    for (int i = 0; i < 1'000 && latency < 0; ++i) {
      auto reply = metrics.request("GET", "/metrics");
      ASSERT_TRUE(reply.has_value());
      const std::string key = "mikami_gateway_heartbeat_latency_seconds{shard=\"0\"} ";
      if (auto at = reply->body.find(key); at != std::string::npos) {
        latency = std::stod(reply->body.substr(at + key.size()));
      } else {
        std::this_thread::sleep_for(5ms);
      }
    }
    EXPECT_GE(latency, 0.150);
    EXPECT_LT(latency, 2.0);
    LocalHttpClient http("127.0.0.1", sandbox.port());
    json::object body{{"line", "/ping"}, {"user", "member"}};
    auto sent = http.request("POST", "/_sandbox/interact", json::serialize(body));
    ASSERT_TRUE(sent.has_value());
    ASSERT_EQ(sent->status, 200) << sent->body;
    const std::string id(json::parse(sent->body).at("id").as_string());
    std::string content;
    for (int i = 0; i < 2'000 && content.empty(); ++i) {
      auto record = http.request("GET", "/_sandbox/interactions/" + id);
      ASSERT_TRUE(record.has_value());
      json::value v = json::parse(record->body);
      if (v.at("callback_type").as_int64() != 0) {
        content = std::string(v.at("responses").at(0).at("data").at("content").as_string());
      } else {
        std::this_thread::sleep_for(5ms);
      }
    }
    // "pong: gateway heartbeat 150.3 ms, REST round trip 0.4 ms"
    const std::string prefix = "pong: gateway heartbeat ";
    ASSERT_TRUE(content.starts_with(prefix)) << content;
    EXPECT_GE(std::stod(content.substr(prefix.size())), 150.0) << content;
    ASSERT_TRUE(bot.shutdown());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mikami::app
