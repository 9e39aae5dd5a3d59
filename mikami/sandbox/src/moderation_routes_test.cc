// The routes moderation needs, against the real mikami-sandbox binary: kept messages (list,
// delete, bulk delete with Discord's 2-100 and 14-day rules), DM channels, the audit log
// with the X-Audit-Log-Reason header as received, and actions taken by hand.
#include <gtest/gtest.h>

#include <string>

#include "mikami/testing/sandbox_process.h"
#include "sandbox_test_client.h"

namespace mikami {
namespace {

namespace json = boost::json;
using sandbox_test::api;
using sandbox_test::Call;
using sandbox_test::Reply;

testing::SandboxProcess roomy() {
  return testing::SandboxProcess({"--bucket-limit", "1000", "--global-limit", "1000"});
}

Reply control(std::uint16_t port, std::string method, const std::string& what,
              std::string body = "") {
  return api(port, std::move(method), "/_sandbox/" + what, std::move(body));
}

// The ids of channel 100's messages, newest first, as GET answers.
std::vector<std::string> listed(std::uint16_t port, const std::string& query = "") {
  const Reply reply = api(port, "GET", "/channels/100/messages" + query);
  EXPECT_EQ(reply.status, 200) << reply.body;
  std::vector<std::string> ids;
  const json::value body = reply.json();
  for (const json::value& m : body.as_array()) {
    ids.emplace_back(m.at("id").as_string());
  }
  return ids;
}

TEST(SandboxModerationRoutes, MessagesAreKeptListedNewestFirstAndDeleted) {
  auto sandbox = roomy();
  const std::uint16_t port = sandbox.port();
  const Reply first = api(port, "POST", "/channels/100/messages", R"({"content":"one"})");
  const Reply second = api(port, "POST", "/channels/100/messages", R"({"content":"two"})");
  ASSERT_EQ(second.status, 200);
  const std::string id1(first.json().at("id").as_string());
  const std::string id2(second.json().at("id").as_string());
  EXPECT_EQ(listed(port), (std::vector<std::string>{id2, id1}));
  EXPECT_EQ(listed(port, "?limit=1"), (std::vector<std::string>{id2}));
  EXPECT_EQ(listed(port, "?before=" + id2), (std::vector<std::string>{id1}));
  EXPECT_EQ(api(port, "GET", "/channels/100/messages?limit=101").status, 400);
  EXPECT_EQ(api(port, "GET", "/channels/999/messages").status, 404);

  EXPECT_EQ(api(port, "DELETE", "/channels/100/messages/" + id1).status, 204);
  const Reply again = api(port, "DELETE", "/channels/100/messages/" + id1);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json().at("code").as_int64(), 10008);
  EXPECT_EQ(listed(port), (std::vector<std::string>{id2}));
}

TEST(SandboxModerationRoutes, BulkDeleteTakesTwoToAHundredMessagesYoungerThanTwoWeeks) {
  auto sandbox = roomy();
  const std::uint16_t port = sandbox.port();
  ASSERT_EQ(control(port, "POST", "messages", R"({"author":"bob","count":1,"age_days":15})").status,
            200);
  ASSERT_EQ(control(port, "POST", "messages", R"({"author":"carol","count":3})").status, 200);
  const std::vector<std::string> ids = listed(port);  // 3 young, then the old one
  ASSERT_EQ(ids.size(), 4u);
  auto bulk = [&](const json::array& list) {
    Call call;
    call.method = "POST";
    call.path = "/channels/100/messages/bulk-delete";
    call.body = json::serialize(json::object{{"messages", list}});
    call.headers = {{"X-Audit-Log-Reason", "clean%20up"}};
    return api(port, call);
  };
  const Reply one = bulk({json::value(ids[0])});
  EXPECT_EQ(one.status, 400);
  EXPECT_EQ(one.json().at("errors").at("messages").at("_errors").at(0).at("code").as_string(),
            "BASE_TYPE_BAD_LENGTH");
  json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(json::value(std::to_string(1000 + i)));
  EXPECT_EQ(bulk(many).status, 400);
  EXPECT_EQ(bulk({json::value(ids[0]), json::value(ids[0])}).status, 400);
  const Reply old = bulk({json::value(ids[0]), json::value(ids[3])});
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(old.json().at("code").as_int64(), 50034);
  EXPECT_EQ(listed(port).size(), 4u);  // nothing deleted by a refused request

  EXPECT_EQ(bulk({json::value(ids[0]), json::value(ids[1])}).status, 204);
  EXPECT_EQ(listed(port), (std::vector<std::string>{ids[2], ids[3]}));
  const json::array log = control(port, "GET", "audit_log").json().as_array();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].at("action_type").as_int64(), 73);
  EXPECT_EQ(log[0].at("target_id").as_string(), "100");
  EXPECT_EQ(log[0].at("options").at("count").as_string(), "2");
  EXPECT_EQ(log[0].at("reason_header").as_string(), "clean%20up");
  EXPECT_EQ(log[0].at("reason").as_string(), "clean up");
}

TEST(SandboxModerationRoutes, DmChannelsAreOnePerUserAndKeepTheirMessages) {
  auto sandbox = roomy();
  const std::uint16_t port = sandbox.port();
  const Reply dm = api(port, "POST", "/users/@me/channels", R"({"recipient_id":"4"})");
  ASSERT_EQ(dm.status, 200) << dm.body;
  EXPECT_EQ(dm.json().at("type").as_int64(), 1);
  EXPECT_EQ(dm.json().at("recipients").at(0).at("id").as_string(), "4");
  const std::string channel(dm.json().at("id").as_string());
  EXPECT_EQ(api(port, "POST", "/users/@me/channels", R"({"recipient_id":"4"})").json().at("id"),
            dm.json().at("id"));
  EXPECT_EQ(api(port, "POST", "/users/@me/channels", R"({"recipient_id":"424242"})").status, 404);
  EXPECT_EQ(api(port, "POST", "/users/@me/channels", "{}").status, 400);
  ASSERT_EQ(api(port, "POST", "/channels/" + channel + "/messages", R"({"content":"hi"})").status,
            200);
  const json::array kept = control(port, "GET", "messages?channel=" + channel).json().as_array();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].at("content").as_string(), "hi");
}

TEST(SandboxModerationRoutes, EveryModerationActionIsAuditedWithItsReasonHeader) {
  auto sandbox = roomy();
  const std::uint16_t port = sandbox.port();
  auto with_reason = [&](std::string method, std::string path, std::string body) {
    Call call;
    call.method = std::move(method);
    call.path = std::move(path);
    call.body = std::move(body);
    call.headers = {{"X-Audit-Log-Reason", "caf%C3%A9%20%26%20more"}};
    return api(port, call);
  };
  EXPECT_EQ(with_reason("DELETE", "/guilds/1/members/5", "").status, 204);
  EXPECT_EQ(with_reason("PUT", "/guilds/1/bans/6", R"({"delete_message_seconds":60})").status, 204);
  EXPECT_EQ(with_reason("DELETE", "/guilds/1/bans/9", "").status, 204);
  const std::string until = R"({"communication_disabled_until":"2099-01-01T00:00:00.000Z"})";
  EXPECT_EQ(with_reason("PATCH", "/guilds/1/members/4", until).status, 400);  // > 28 days
  // Kicking an administrator is refused, as Discord refuses it to bots.
  EXPECT_EQ(api(port, "DELETE", "/guilds/1/members/1000").status, 403);
  // By hand: a person in Discord's client, so the entry names them.
  EXPECT_EQ(control(port, "POST", "moderate",
                    R"({"by":"alice","action":"timeout","target":"bob","seconds":60})")
                .status,
            200);
  const json::array log = control(port, "GET", "audit_log").json().as_array();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].at("action_type").as_int64(), 20);
  EXPECT_EQ(log[1].at("action_type").as_int64(), 22);
  EXPECT_EQ(log[2].at("action_type").as_int64(), 23);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(log[i].at("user_id").as_string(), "1000");
    EXPECT_EQ(log[i].at("reason").as_string(), "café & more");
    EXPECT_EQ(log[i].at("reason_header").as_string(), "caf%C3%A9%20%26%20more");
  }
  EXPECT_EQ(log[3].at("action_type").as_int64(), 24);
  EXPECT_EQ(log[3].at("user_id").as_string(), "3");
  EXPECT_EQ(log[3].at("changes").at(0).at("key").as_string(), "communication_disabled_until");
  EXPECT_TRUE(log[3].at("reason_header").is_null());
  EXPECT_EQ(api(port, "GET", "/guilds/1/bans/6").json().at("reason").as_string(), "café & more");
}

}  // namespace
}  // namespace mikami
