#include "routes.h"

#include <gtest/gtest.h>

#include "http_util.h"

namespace mikami::sandbox {
namespace {

using boost::beast::http::verb;

RouteMatch match(verb method, std::string_view path) {
  return match_route(method, split_path(path));
}

TEST(RoutesTest, TheTopLevelResourceIsTheMajorParameter) {
  auto message = match(verb::post, "/channels/700/messages");
  ASSERT_NE(message.spec, nullptr);
  EXPECT_EQ(message.spec->endpoint, Endpoint::kMessageCreate);
  EXPECT_EQ(message.major, "700");
  auto role = match(verb::put, "/guilds/1/members/3/roles/20");
  ASSERT_NE(role.spec, nullptr);
  EXPECT_EQ(role.major, "1");
  EXPECT_EQ(role.params.at("user"), "3");
  EXPECT_EQ(role.params.at("role"), "20");
  auto webhook = match(verb::patch, "/webhooks/42/tok/messages/@original");
  ASSERT_NE(webhook.spec, nullptr);
  EXPECT_EQ(webhook.major, "42/tok");
  EXPECT_TRUE(webhook.spec->global_exempt);
  auto callback = match(verb::post, "/interactions/9/tok/callback?with_response=false");
  ASSERT_NE(callback.spec, nullptr);
  EXPECT_EQ(callback.major, "9");
  EXPECT_FALSE(callback.spec->bot_auth);
}

TEST(RoutesTest, SeveralRoutesShareOneBucketHash) {
  const auto patch = match(verb::patch, "/guilds/1/members/3");
  const auto add = match(verb::put, "/guilds/1/members/3/roles/20");
  const auto kick = match(verb::delete_, "/guilds/1/members/3");
  const auto read = match(verb::get, "/guilds/1/members/3");
  EXPECT_EQ(patch.spec->hash, add.spec->hash);
  EXPECT_EQ(patch.spec->hash, kick.spec->hash);
  EXPECT_NE(patch.spec->hash, read.spec->hash);
  EXPECT_EQ(match(verb::get, "/channels/1").spec->hash,
            match(verb::patch, "/channels/1").spec->hash);
  EXPECT_TRUE(match(verb::patch, "/channels/1").spec->rename_sublimit);
  EXPECT_FALSE(match(verb::get, "/channels/1").spec->rename_sublimit);
}

TEST(RoutesTest, UnknownPathsAndWrongMethodsAreTold) {
  EXPECT_EQ(match(verb::get, "/nothing/here").spec, nullptr);
  EXPECT_FALSE(match(verb::get, "/nothing/here").wrong_method);
  auto wrong = match(verb::post, "/guilds/1/members/3");
  EXPECT_EQ(wrong.spec, nullptr);
  EXPECT_TRUE(wrong.wrong_method);
}

}  // namespace
}  // namespace mikami::sandbox
