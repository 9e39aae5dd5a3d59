// The moderation module in the bot (its composition root's module list) against the real
// mikami-sandbox, driven as the console drives it: each command, every refusal with its
// ephemeral message and nothing changed, the reason as X-Audit-Log-Reason, the mod log,
// DMs, purge's two ways of deleting, a redelivered interaction, a case a crash left pending,
// a temporary ban across a restart, and actions taken by hand in Discord.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "cases.h"
#include "mikami/app/bot.h"
#include "mikami/app/local_http.h"
#include "mikami/app/modules.h"
#include "mikami/bot_store.h"
#include "mikami/modules/moderation.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami::modules {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ModerationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mikami-moderation-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    http_ = std::make_unique<app::LocalHttpClient>("127.0.0.1", sandbox_.port());
  }
  void TearDown() override {
    bot_.reset();
    std::filesystem::remove_all(dir_);
  }

  void start() {
    app::AppConfig c;
    c.api_url = sandbox_.api_url();
    c.store_path = dir_ / "bot.db";
    // The economy's ledger apart: the crash test writes the bot store before the bot starts.
    c.economy_database = (dir_ / "economy.db").string();
    c.metrics_listen = "127.0.0.1:0";
    auto modules = app::bot_modules(c);
    ASSERT_TRUE(modules.has_value()) << modules.error().message();
    auto bot = app::Bot::start(c, "sandbox-token", logger_, std::move(*modules));
    ASSERT_TRUE(bot.has_value()) << bot.error().message();
    bot_ = std::move(*bot);
    auto ready = bot_->wait_ready(20s);
    ASSERT_TRUE(ready.has_value()) << ready.error().message();
  }

  std::string send(const std::string& line, const std::string& user,
                   const std::string& channel = "general") {
    json::object body{{"line", line}, {"user", user}, {"channel", channel}};
    auto reply = http_->request("POST", "/_sandbox/interact", json::serialize(body));
    if (!reply || reply->status != 200) {
      ADD_FAILURE() << line << ": " << (reply ? reply->body : reply.error().message());
      return "";
    }
    return std::string(json::parse(reply->body).at("id").as_string());
  }
  // The interaction's callback data (waits up to 10 s); null when none came.
  json::value callback(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto reply = http_->request("GET", "/_sandbox/interactions/" + id);
      if (reply && reply->status == 200) {
        json::value record = json::parse(reply->body);
        if (record.at("callback_type").as_int64() != 0) {
          return record.at("responses").at(0).at("data");
        }
      }
      std::this_thread::sleep_for(2ms);
    }
    return nullptr;
  }
  std::string ask(const std::string& line, const std::string& user) {
    const json::value data = callback(send(line, user));
    if (!data.is_object() || !data.as_object().contains("content")) return "";
    return std::string(data.at("content").as_string());
  }
  // The answer, which must be private.
  std::string refused(const std::string& line, const std::string& user) {
    const json::value data = callback(send(line, user));
    if (!data.is_object()) return "";
    const json::object& o = data.as_object();
    EXPECT_TRUE(o.contains("flags") && (o.at("flags").as_int64() & 64) != 0) << line;
    return o.contains("content") ? std::string(o.at("content").as_string()) : "";
  }
  json::value get(const std::string& what) {
    auto reply = http_->request("GET", "/_sandbox/" + what);
    EXPECT_TRUE(reply && reply->status == 200) << what;
    return reply ? json::parse(reply->body) : json::value();
  }
  void post(const std::string& what, const json::object& body) {
    auto reply = http_->request("POST", "/_sandbox/" + what, json::serialize(body));
    ASSERT_TRUE(reply.has_value());
    ASSERT_LT(reply->status, 300) << reply->body;
  }
  // The member as the sandbox has it, or null.
  json::value member(const std::string& id) {
    const json::value members = get("members");
    for (const json::value& m : members.as_array()) {
      if (m.at("id").as_string() == id) return m;
    }
    return nullptr;
  }
  bool banned(const std::string& id) {
    const json::value bans = get("bans");
    for (const json::value& b : bans.as_array()) {
      if (b.at("user").at("id").as_string() == id) return true;
    }
    return false;
  }
  json::array audit_log() { return get("audit_log").as_array(); }
  json::array messages(const std::string& channel) {
    return get("messages?channel=" + channel).as_array();
  }
  // Waits up to 10 s for `condition`.
  template <class F>
  bool eventually(F condition) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return condition();
  }

  testing::SandboxProcess sandbox_{{"--bucket-limit", "1000", "--global-limit", "1000"}};
  std::filesystem::path dir_;
  app::Logger logger_{"warn", false};
  std::unique_ptr<app::LocalHttpClient> http_;
  std::unique_ptr<app::Bot> bot_;
};

TEST_F(ModerationTest, EachActionIsACaseWithItsReasonInTheAuditLogAndTheModLog) {
  start();
  EXPECT_EQ(ask("/modlog set channel:#mod-log", "owner"), "Every case will be posted in #mod-log.");
  EXPECT_EQ(ask("/warn user:@bob reason:spam & more", "alice"),
            "Case #1: bob was warned. Reason: spam & more. They were sent a DM.");
  EXPECT_EQ(ask("/timeout user:@bob duration:10m reason:cool off", "alice"),
            "Case #2: bob was timed out for 10 minutes. Reason: cool off. They were sent a DM.");
  EXPECT_FALSE(member("4").at("permissions").as_string() ==
               member("1").at("permissions").as_string());  // timed out: fewer permissions
  EXPECT_EQ(ask("/untimeout user:@bob", "alice"),
            "Case #3: bob was released from their timeout. Reason: none given.");
  EXPECT_EQ(ask("/kick user:@carol reason:rude", "alice"),
            "Case #4: carol was kicked. Reason: rude. They were sent a DM.");
  EXPECT_TRUE(member("5").is_null());
  EXPECT_EQ(ask("/ban user:@dave reason:raid delete_messages:3600", "alice"),
            "Case #5: dave was banned. Reason: raid. Deleted their messages of the last 1 hour. "
            "They were sent a DM.");
  EXPECT_TRUE(banned("6"));
  EXPECT_EQ(ask("/unban user:@trudy reason:appeal granted", "alice"),
            "Case #6: trudy was unbanned. Reason: appeal granted.");
  EXPECT_FALSE(banned("9"));

  // The reason reached Discord URL-encoded, with the case and the moderator.
  const json::array log = audit_log();
  ASSERT_EQ(log.size(), 5u);  // the warning changes nothing in Discord
  EXPECT_EQ(log[0].at("reason_header").as_string(), "cool%20off%20%28case%20%232%20by%20alice%29");
  EXPECT_EQ(log[0].at("reason").as_string(), "cool off (case #2 by alice)");
  EXPECT_EQ(log[2].at("action_type").as_int64(), 20);
  EXPECT_EQ(log[2].at("reason").as_string(), "rude (case #4 by alice)");
  EXPECT_EQ(log[3].at("action_type").as_int64(), 22);
  EXPECT_EQ(log[4].at("reason").as_string(), "appeal granted (case #6 by alice)");
  for (const json::value& entry : log) EXPECT_EQ(entry.at("user_id").as_string(), "1000");

  // Every case in the mod log, in order; the DMs went to the members before the action.
  const json::array posts = messages("101");
  ASSERT_EQ(posts.size(), 6u);
  EXPECT_EQ(posts[3].at("content").as_string(),
            "**Case #4** · kick\nMember: <@5> (5)\nModerator: <@3>\nReason: rude");
  const json::value dms = get("dm_channels");
  ASSERT_TRUE(dms.as_object().contains("5"));
  const json::array carol_dm = messages(std::string(dms.at("5").as_string()));
  ASSERT_EQ(carol_dm.size(), 1u);
  EXPECT_EQ(carol_dm[0].at("content").as_string(), "You were kicked in Sandbox. Reason: rude.");

  const std::string history = ask("/history user:@bob", "alice");
  EXPECT_TRUE(history.starts_with("bob has 3 cases:\n#3 untimeout · none given · by alice · "))
      << history;
  const std::string shown = ask("/case show number:4", "alice");
  EXPECT_TRUE(
      shown.starts_with("Case #4 · kick\nMember: carol (5)\nModerator: alice (3)\n"
                        "Reason: rude\nWhen: "))
      << shown;
  EXPECT_TRUE(shown.ends_with("Status: done")) << shown;
  EXPECT_EQ(ask("/case reason number:4 reason:rude, twice", "alice"),
            "Case #4: the reason is now: rude, twice");
  EXPECT_NE(ask("/case show number:4", "alice").find("Reason: rude, twice"), std::string::npos);
}

TEST_F(ModerationTest, EveryRefusalIsPrivateAndChangesNothing) {
  start();
  const std::size_t members_before = get("members").as_array().size();
  EXPECT_EQ(refused("/kick user:@carol", "bob"), "you need Kick Members to use /kick");
  EXPECT_EQ(refused("/ban user:@carol", "bob"), "you need Ban Members to use /ban");
  EXPECT_EQ(refused("/kick user:@alice", "alice"), "you cannot use /kick on yourself");
  EXPECT_EQ(refused("/ban user:@owner", "alice"), "you cannot use /ban on the server owner");
  EXPECT_EQ(refused("/timeout user:@mikami duration:1h", "alice"),
            "you can only use /timeout on members below your highest role");
  EXPECT_EQ(refused("/kick user:@mallory", "alice"), "mallory is not a member of this server.");
  EXPECT_EQ(refused("/warn user:@mallory reason:x", "alice"),
            "mallory is not a member of this server.");
  EXPECT_EQ(refused("/timeout user:@bob duration:30d", "alice"),
            "duration: a timeout lasts at most 28 days (you asked for 30 days).");
  EXPECT_EQ(refused("/timeout user:@bob duration:soon", "alice"),
            "duration: use a number and a unit, like 10m, 2h or 7d.");
  EXPECT_EQ(refused("/untimeout user:@bob", "alice"), "bob is not timed out.");
  EXPECT_EQ(refused("/unban user:@mallory", "alice"), "mallory is not banned here.");
  EXPECT_EQ(refused("/case show number:99", "alice"), "There is no case #99 in this server.");
  EXPECT_EQ(refused("/case reason number:99 reason:x", "alice"),
            "There is no case #99 in this server.");
  EXPECT_EQ(refused("/purge count:5", "alice"), "there are no messages to delete here.");
  EXPECT_EQ(refused("/modlog off", "alice"), "you need Manage Server to use /modlog");
  // Nothing changed: no case, no action in Discord, no post, no DM.
  EXPECT_EQ(ask("/history user:@bob", "alice"), "bob has no cases.");
  EXPECT_EQ(ask("/history user:@carol", "alice"), "carol has no cases.");
  EXPECT_TRUE(audit_log().empty());
  EXPECT_EQ(get("members").as_array().size(), members_before);
  EXPECT_TRUE(get("dm_channels").as_object().empty());
  EXPECT_TRUE(banned("9"));
}

TEST_F(ModerationTest, PurgeDeletesRecentMessagesInBulkAndOlderOnesSingly) {
  start();
  post("messages", {{"channel", "100"}, {"author", "bob"}, {"count", 2}, {"age_days", 20}});
  post("messages", {{"channel", "100"}, {"author", "carol"}, {"count", 3}});
  post("messages", {{"channel", "100"}, {"author", "bob"}, {"count", 5}});
  EXPECT_EQ(ask("/purge count:6 user:@bob reason:flood", "alice"),
            "Case #1: deleted 6 messages (5 in bulk, 1 one by one) in #general. Reason: flood.");
  json::array left = messages("100");
  ASSERT_EQ(left.size(), 4u);  // carol's 3 and bob's oldest
  EXPECT_EQ(left[0].at("author").at("id").as_string(), "4");
  const json::array log = audit_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("action_type").as_int64(), 73);  // the bulk delete
  EXPECT_EQ(log[0].at("options").at("count").as_string(), "5");
  EXPECT_EQ(log[1].at("action_type").as_int64(), 72);  // the old one, alone
  EXPECT_EQ(ask("/purge count:100", "alice"),
            "Case #2: deleted 4 messages (3 in bulk, 1 one by one) in #general. Reason: none "
            "given.");
  EXPECT_TRUE(messages("100").empty());
}

TEST_F(ModerationTest, ARedeliveredInteractionMakesOneCaseAndOneAction) {
  start();
  const std::string id = send("/kick user:@carol reason:twice?", "alice");
  post("redeliver/" + id, {});
  EXPECT_EQ(callback(id).at("content").as_string(),
            "Case #1: carol was kicked. Reason: twice?. They were sent a DM.");
  // The second delivery found the case and did nothing (its answer never leaves the bot:
  // the interaction is answered). alice's next command waits for both (one user, one lock).
  EXPECT_TRUE(ask("/history user:@carol", "alice").starts_with("carol has 1 case:"));
  EXPECT_EQ(audit_log().size(), 1u);
  EXPECT_EQ(refused("/case show number:2", "alice"), "There is no case #2 in this server.");
}

TEST_F(ModerationTest, ACasePendingAfterACrashIsFinishedOrMarkedFailedAtStart) {
  {
    // What a crash between writing the case and completing it leaves: two pending cases;
    // Discord kicked carol (the request had gone out), but never heard of dave's ban.
    auto store = BotStore::open(dir_ / "bot.db");
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->migrate("moderation", moderation::case_migrations()).has_value());
    moderation::Cases cases(**store);
    for (auto [action, target, name, key] :
         {std::tuple{"kick", "5", "carol", "111"}, std::tuple{"ban", "6", "dave", "222"}}) {
      moderation::Case c;
      c.guild_id = "1";
      c.action = action;
      c.target_id = target;
      c.target_name = name;
      c.moderator_id = "3";
      c.moderator_name = "alice";
      c.key = key;
      c.created_ms = moderation::now_ms() - 1'000;
      ASSERT_TRUE(cases.open(c).has_value());
    }
  }
  post("moderate", {{"by", "mikami"}, {"action", "kick"}, {"target", "carol"}});
  start();
  EXPECT_TRUE(eventually([&] {
    const std::string shown = ask("/case show number:2", "alice");
    return shown.ends_with("Status: failed (interrupted before Discord acted)");
  }));
  EXPECT_TRUE(ask("/case show number:1", "alice").ends_with("Status: done"));
  EXPECT_FALSE(banned("6"));
  EXPECT_NE(member("6"), nullptr);
  // Failed cases are not in the member's history; the next case takes the next number.
  EXPECT_EQ(ask("/history user:@dave", "alice"), "dave has no cases.");
  EXPECT_EQ(ask("/warn user:@dave reason:late", "alice"),
            "Case #3: dave was warned. Reason: late. They were sent a DM.");
}

TEST_F(ModerationTest, ATemporaryBanIsLiftedAfterARestart) {
  start();
  EXPECT_EQ(ask("/ban user:@dave duration:2s reason:cool down", "alice"),
            "Case #1: dave was banned for 2 seconds. Reason: cool down. They were sent a DM.");
  EXPECT_TRUE(banned("6"));
  ASSERT_TRUE(bot_->shutdown());
  bot_.reset();
  // The ban ends while no bot runs.
  std::this_thread::sleep_for(2'100ms);
  EXPECT_TRUE(banned("6"));
  start();
  EXPECT_TRUE(eventually([&] { return !banned("6"); }));
  const std::string history = ask("/history user:@dave", "alice");
  EXPECT_TRUE(
      history.starts_with("dave has 2 cases:\n#2 unban · temporary ban of case #1 ended · "
                          "by Mikami"))
      << history;
  const json::array log = audit_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].at("reason").as_string(), "temporary ban of case #1 ended (case #2 by Mikami)");
}

TEST_F(ModerationTest, ActionsTakenByHandInDiscordAreCasesToo) {
  start();
  post("moderate", {{"by", "alice"}, {"action", "kick"}, {"target", "erin"}, {"reason", "bye"}});
  post("moderate", {{"by", "owner"}, {"action", "timeout"}, {"target", "bob"}, {"seconds", 600}});
  std::string history;
  EXPECT_TRUE(eventually([&] {
    history = ask("/history user:@erin", "alice");
    return history.starts_with("erin has 1 case:\n#1 kick · bye · by alice");
  })) << history;
  EXPECT_TRUE(eventually([&] {
    history = ask("/history user:@bob", "alice");
    return history.starts_with("bob has 1 case:\n#2 timeout");
  })) << history;
  const std::string shown = ask("/case show number:1", "alice");
  EXPECT_NE(shown.find(", by hand in Discord"), std::string::npos) << shown;
}

TEST_F(ModerationTest, SwitchedOffInAServerItNeitherActsNorRecords) {
  start();
  EXPECT_EQ(ask("/module disable name:moderation", "owner"),
            "the moderation module is now disabled in this server");
  EXPECT_TRUE(ask("/kick user:@carol", "alice")
                  .starts_with("the moderation module is disabled in this server"));
  EXPECT_NE(member("5"), nullptr);
  EXPECT_EQ(ask("/module enable name:moderation", "owner"),
            "the moderation module is now enabled in this server");
  EXPECT_EQ(ask("/warn user:@bob reason:hi", "alice"),
            "Case #1: bob was warned. Reason: hi. They were sent a DM.");
}

}  // namespace
}  // namespace mikami::modules
