// The guild routes against the real mikami-sandbox binary: members, roles, bans and
// channels, with Discord's answers and error shapes.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

#include "mikami/testing/sandbox_process.h"
#include "sandbox_test_client.h"

namespace mikami {
namespace {

namespace json = boost::json;
using sandbox_test::api;
using sandbox_test::Call;
using sandbox_test::Reply;

// Generous limits: these tests look at routes, not rate limits.
testing::SandboxProcess roomy_sandbox() {
  return testing::SandboxProcess({"--bucket-limit", "1000", "--global-limit", "1000"});
}

std::string iso_in(std::chrono::seconds from_now) {
  const std::time_t t =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S.000Z", &utc);
  return buffer;
}

void expect_error(const Reply& reply, int status, const std::string& message, int code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  const json::value body = reply.json();
  ASSERT_TRUE(body.is_object()) << reply.body;
  EXPECT_EQ(body.at("message").as_string(), message) << reply.body;
  EXPECT_EQ(body.at("code").as_int64(), code) << reply.body;
}

// The field an Invalid Form Body names (the first one).
std::string form_error_field(const Reply& reply) {
  EXPECT_EQ(reply.status, 400) << reply.body;
  const json::value body = reply.json();
  if (!body.is_object() || body.at("code").as_int64() != 50035) return "";
  return std::string(body.at("errors").as_object().begin()->key());
}

TEST(SandboxRoutesTest, MembersAreReadOneByOneAndPagedByUserId) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  Reply one = api(port, "GET", "/guilds/1/members/3");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json().at("user").at("username").as_string(), "alice");
  EXPECT_EQ(one.json().at("roles").as_array().size(), 2u);
  EXPECT_TRUE(one.json().at("communication_disabled_until").is_null());

  // Default limit 1; then pages of 3 after a user id, in user id order.
  EXPECT_EQ(api(port, "GET", "/guilds/1/members").json().as_array().size(), 1u);
  auto page = api(port, "GET", "/guilds/1/members?limit=3&after=2").json().as_array();
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].at("user").at("id").as_string(), "3");
  EXPECT_EQ(page[2].at("user").at("id").as_string(), "5");
  auto rest = api(port, "GET", "/guilds/1/members?limit=1000&after=5").json().as_array();
  ASSERT_EQ(rest.size(), 3u);  // 6, 7 and the bot, 1000
  EXPECT_EQ(rest[2].at("user").at("id").as_string(), "1000");
  EXPECT_EQ(form_error_field(api(port, "GET", "/guilds/1/members?limit=1001")), "limit");
  EXPECT_EQ(form_error_field(api(port, "GET", "/guilds/1/members?limit=0")), "limit");

  expect_error(api(port, "GET", "/guilds/1/members/99"), 404, "Unknown Member", 10007);
  expect_error(api(port, "GET", "/guilds/77/members/3"), 404, "Unknown Guild", 10004);
}

TEST(SandboxRoutesTest, AMemberGetsANickRolesAndATimeoutOfAtMost28Days) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  const std::string until = iso_in(std::chrono::hours(24));
  Reply patched =
      api(port, "PATCH", "/guilds/1/members/4",
          R"({"nick":"Bobby","roles":["20"],"communication_disabled_until":")" + until + "\"}");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("nick").as_string(), "Bobby");
  EXPECT_EQ(patched.json().at("roles"), json::parse(R"(["20"])"));
  const std::string stored(patched.json().at("communication_disabled_until").as_string());
  EXPECT_EQ(stored.substr(0, 19), until.substr(0, 19));
  EXPECT_EQ(api(port, "GET", "/guilds/1/members/4").json().at("nick").as_string(), "Bobby");

  // More than 28 days: refused, naming the field; nothing changes.
  Reply too_long =
      api(port, "PATCH", "/guilds/1/members/4",
          R"({"communication_disabled_until":")" + iso_in(std::chrono::hours(24 * 28 + 1)) + "\"}");
  EXPECT_EQ(form_error_field(too_long), "communication_disabled_until");
  EXPECT_EQ(
      api(port, "GET", "/guilds/1/members/4").json().at("communication_disabled_until").as_string(),
      stored);
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/guilds/1/members/4",
                                 R"({"communication_disabled_until":"next week"})")),
            "communication_disabled_until");
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/guilds/1/members/4",
                                 R"({"nick":"x0123456789012345678901234567890123"})")),
            "nick");
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/guilds/1/members/4", R"({"roles":["999"]})")),
            "roles");
  // Lifting the timeout and the nick.
  Reply lifted = api(port, "PATCH", "/guilds/1/members/4",
                     R"({"communication_disabled_until":null,"nick":null})");
  ASSERT_EQ(lifted.status, 200);
  EXPECT_TRUE(lifted.json().at("communication_disabled_until").is_null());
  EXPECT_TRUE(lifted.json().at("nick").is_null());
  // The owner (and administrators) cannot be timed out.
  expect_error(api(port, "PATCH", "/guilds/1/members/2",
                   R"({"communication_disabled_until":")" + until + "\"}"),
               403, "Missing Permissions", 50013);
  expect_error(api(port, "PATCH", "/guilds/1/members/4", R"({"mute":true})"), 400,
               "Target user is not connected to voice.", 40032);
  expect_error(api(port, "PATCH", "/guilds/1/members/99", "{}"), 404, "Unknown Member", 10007);
}

TEST(SandboxRoutesTest, MemberRolesAreAddedAndRemovedAndKicksRemoveTheMember) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  Reply added = api(port, "PUT", "/guilds/1/members/5/roles/23");
  EXPECT_EQ(added.status, 204);
  EXPECT_TRUE(added.body.empty());
  EXPECT_EQ(api(port, "GET", "/guilds/1/members/5").json().at("roles"), json::parse(R"(["23"])"));
  EXPECT_EQ(api(port, "DELETE", "/guilds/1/members/5/roles/23").status, 204);
  EXPECT_TRUE(api(port, "GET", "/guilds/1/members/5").json().at("roles").as_array().empty());
  expect_error(api(port, "PUT", "/guilds/1/members/5/roles/99"), 404, "Unknown Role", 10011);
  expect_error(api(port, "PUT", "/guilds/1/members/99/roles/23"), 404, "Unknown Member", 10007);

  EXPECT_EQ(api(port, "DELETE", "/guilds/1/members/5").status, 204);
  expect_error(api(port, "GET", "/guilds/1/members/5"), 404, "Unknown Member", 10007);
  expect_error(api(port, "DELETE", "/guilds/1/members/5"), 404, "Unknown Member", 10007);
  expect_error(api(port, "DELETE", "/guilds/1/members/2"), 403, "Missing Permissions", 50013);
}

TEST(SandboxRoutesTest, RolesAreListedCreatedModifiedAndDeleted) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  auto roles = api(port, "GET", "/guilds/1/roles").json().as_array();
  ASSERT_EQ(roles.size(), 5u);
  EXPECT_EQ(roles[0].at("name").as_string(), "@everyone");
  EXPECT_EQ(roles[0].at("id").as_string(), "1");  // the guild's id

  Reply created =
      api(port, "POST", "/guilds/1/roles", R"({"name":"Helper","color":255,"hoist":true})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id(created.json().at("id").as_string());
  EXPECT_EQ(created.json().at("color").as_int64(), 255);
  EXPECT_EQ(created.json().at("position").as_int64(), 1);
  EXPECT_EQ(api(port, "GET", "/guilds/1/roles").json().as_array().size(), 6u);
  EXPECT_EQ(api(port, "POST", "/guilds/1/roles", "").json().at("name").as_string(), "new role");

  Reply modified =
      api(port, "PATCH", "/guilds/1/roles/" + id, R"({"name":"Helpers","mentionable":true})");
  ASSERT_EQ(modified.status, 200);
  EXPECT_EQ(modified.json().at("name").as_string(), "Helpers");
  EXPECT_TRUE(modified.json().at("mentionable").as_bool());
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/guilds/1/roles/" + id, R"({"color":"red"})")),
            "color");

  // A deleted role leaves every member.
  ASSERT_EQ(api(port, "PUT", "/guilds/1/members/6/roles/" + id).status, 204);
  EXPECT_EQ(api(port, "DELETE", "/guilds/1/roles/" + id).status, 204);
  EXPECT_TRUE(api(port, "GET", "/guilds/1/members/6").json().at("roles").as_array().empty());
  expect_error(api(port, "DELETE", "/guilds/1/roles/" + id), 404, "Unknown Role", 10011);
  expect_error(api(port, "PATCH", "/guilds/1/roles/" + id, "{}"), 404, "Unknown Role", 10011);
  expect_error(api(port, "DELETE", "/guilds/1/roles/1"), 400, "Invalid Role", 50028);
}

TEST(SandboxRoutesTest, BansRemoveTheMemberAndKeepTheAuditLogReason) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  auto bans = api(port, "GET", "/guilds/1/bans").json().as_array();
  ASSERT_EQ(bans.size(), 1u);  // the seeded one
  EXPECT_EQ(bans[0].at("user").at("id").as_string(), "9");
  EXPECT_EQ(bans[0].at("reason").as_string(), "spam");

  Call ban{"PUT",
           "/guilds/1/bans/6",
           R"({"delete_message_seconds":3600})",
           {{"X-Audit-Log-Reason", "being%20rude"}}};
  Reply banned = api(port, ban);
  EXPECT_EQ(banned.status, 204) << banned.body;
  EXPECT_TRUE(banned.body.empty());
  Reply got = api(port, "GET", "/guilds/1/bans/6");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("reason").as_string(), "being rude");
  expect_error(api(port, "GET", "/guilds/1/members/6"), 404, "Unknown Member", 10007);
  // Users who are not members can be banned too; unknown users cannot.
  EXPECT_EQ(api(port, "PUT", "/guilds/1/bans/8").status, 204);
  expect_error(api(port, "PUT", "/guilds/1/bans/12345"), 404, "Unknown User", 10013);
  expect_error(api(port, "PUT", "/guilds/1/bans/2"), 403, "Missing Permissions", 50013);
  EXPECT_EQ(form_error_field(
                api(port, "PUT", "/guilds/1/bans/7", R"({"delete_message_seconds":604801})")),
            "delete_message_seconds");

  auto page = api(port, "GET", "/guilds/1/bans?limit=2").json().as_array();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].at("user").at("id").as_string(), "6");
  EXPECT_EQ(page[1].at("user").at("id").as_string(), "8");
  auto after = api(port, "GET", "/guilds/1/bans?after=8").json().as_array();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].at("user").at("id").as_string(), "9");
  auto before = api(port, "GET", "/guilds/1/bans?before=9&limit=1").json().as_array();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].at("user").at("id").as_string(), "8");

  EXPECT_EQ(api(port, "DELETE", "/guilds/1/bans/6").status, 204);
  expect_error(api(port, "GET", "/guilds/1/bans/6"), 404, "Unknown Ban", 10026);
  expect_error(api(port, "DELETE", "/guilds/1/bans/6"), 404, "Unknown Ban", 10026);
}

TEST(SandboxRoutesTest, ChannelsAreReadModifiedCreatedAndDeleted) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  Reply general = api(port, "GET", "/channels/100");
  ASSERT_EQ(general.status, 200);
  EXPECT_EQ(general.json().at("name").as_string(), "general");
  EXPECT_EQ(general.json().at("guild_id").as_string(), "1");
  EXPECT_EQ(general.json().at("parent_id").as_string(), "110");
  EXPECT_EQ(api(port, "GET", "/guilds/1/channels").json().as_array().size(), 5u);

  Reply modified = api(port, "PATCH", "/channels/101", R"({"topic":"Moderation","nsfw":true})");
  ASSERT_EQ(modified.status, 200) << modified.body;
  EXPECT_EQ(modified.json().at("topic").as_string(), "Moderation");
  EXPECT_TRUE(modified.json().at("nsfw").as_bool());
  EXPECT_EQ(
      form_error_field(api(port, "PATCH", "/channels/101", R"({"rate_limit_per_user":21601})")),
      "rate_limit_per_user");
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/channels/101", R"({"parent_id":"100"})")),
            "parent_id");

  Reply created =
      api(port, "POST", "/guilds/1/channels", R"({"name":"Bot Spam","parent_id":"110"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("name").as_string(), "bot-spam");
  EXPECT_EQ(created.json().at("type").as_int64(), 0);
  const std::string id(created.json().at("id").as_string());
  EXPECT_EQ(api(port, "GET", "/channels/" + id).status, 200);
  EXPECT_EQ(form_error_field(api(port, "POST", "/guilds/1/channels", R"({"type":0})")), "name");
  EXPECT_EQ(form_error_field(api(port, "POST", "/guilds/1/channels", R"({"name":"x","type":3})")),
            "type");

  Reply deleted = api(port, "DELETE", "/channels/" + id);
  ASSERT_EQ(deleted.status, 200);  // Discord answers with the deleted channel
  EXPECT_EQ(deleted.json().at("id").as_string(), id);
  expect_error(api(port, "GET", "/channels/" + id), 404, "Unknown Channel", 10003);
  expect_error(api(port, "PATCH", "/channels/" + id, R"({"name":"x"})"), 404, "Unknown Channel",
               10003);
}

TEST(SandboxRoutesTest, BadRequestsGetDiscordsAnswers) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  expect_error(api(port, "PATCH", "/guilds/1/members/3", "{not json"), 400,
               "The request body contains invalid JSON.", 50109);
  EXPECT_EQ(form_error_field(api(port, "PATCH", "/guilds/1/members/3", "[1,2]")), "_errors");
  expect_error(api(port, "POST", "/guilds/1/members/3"), 405, "405: Method Not Allowed", 0);
  expect_error(api(port, "GET", "/no/such/route"), 404, "404: Not Found", 0);
  Call anonymous{"GET", "/guilds/1/members/3", "", {}, false};
  expect_error(api(port, anonymous), 401, "401: Unauthorized", 0);
  const auto stats = sandbox_test::stats(port);
  EXPECT_EQ(stats.at("rest_401").as_int64(), 1);
  EXPECT_EQ(stats.at("rest_400").as_int64(), 2);
}

TEST(SandboxRoutesTest, TheGatewaySeesTheSameGuildAndEveryChange) {
  auto sandbox = roomy_sandbox();
  const auto port = sandbox.port();
  sandbox_test::RawGateway gateway(port);
  ASSERT_TRUE(gateway.read_json(std::chrono::seconds(5)));  // HELLO
  gateway.send(R"({"op":2,"d":{"token":"sandbox-token","intents":513,"properties":{}}})");
  auto ready = gateway.read_json(std::chrono::seconds(5));
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->at("t").as_string(), "READY");
  auto guild = gateway.read_json(std::chrono::seconds(5));
  ASSERT_TRUE(guild);
  ASSERT_EQ(guild->at("t").as_string(), "GUILD_CREATE");
  const json::object& d = guild->at("d").as_object();
  EXPECT_EQ(d.at("members").as_array().size(),
            api(port, "GET", "/guilds/1/members?limit=1000").json().as_array().size());
  EXPECT_EQ(d.at("roles").as_array().size(),
            api(port, "GET", "/guilds/1/roles").json().as_array().size());
  EXPECT_EQ(d.at("channels").as_array().size(),
            api(port, "GET", "/guilds/1/channels").json().as_array().size());
  EXPECT_EQ(d.at("member_count").as_int64(), 8);

  ASSERT_EQ(api(port, "PUT", "/guilds/1/members/4/roles/20").status, 204);
  auto update = gateway.read_json(std::chrono::seconds(5));
  ASSERT_TRUE(update);
  EXPECT_EQ(update->at("t").as_string(), "GUILD_MEMBER_UPDATE");
  EXPECT_EQ(update->at("d").at("user").at("id").as_string(), "4");
  EXPECT_EQ(update->at("d").at("guild_id").as_string(), "1");
  ASSERT_EQ(api(port, "PUT", "/guilds/1/bans/4").status, 204);
  auto removed = gateway.read_json(std::chrono::seconds(5));
  auto ban_add = gateway.read_json(std::chrono::seconds(5));
  ASSERT_TRUE(removed && ban_add);
  EXPECT_EQ(removed->at("t").as_string(), "GUILD_MEMBER_REMOVE");
  EXPECT_EQ(ban_add->at("t").as_string(), "GUILD_BAN_ADD");
}

}  // namespace
}  // namespace mikami
