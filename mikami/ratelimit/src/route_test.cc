#include "mikami/route.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

TEST(RouteTest, ChannelIdIsTheMajorParameterAndOtherIdsArePlaceholders) {
  Route route = Route::from_path(Method::kPatch, "/channels/111/messages/222");
  EXPECT_EQ(route.path_template(), "/channels/{channel_id}/messages/{id}");
  EXPECT_EQ(route.major_parameter(), "111");
  EXPECT_EQ(route.template_key(), "PATCH /channels/{channel_id}/messages/{id}");
  EXPECT_EQ(route.key(), "PATCH /channels/{channel_id}/messages/{id} @111");
  EXPECT_FALSE(route.global_exempt());
}

TEST(RouteTest, RoutesOnDifferentChannelsShareTheTemplateKeyButNotTheKey) {
  Route a = Route::from_path(Method::kPost, "/channels/1/messages");
  Route b = Route::from_path(Method::kPost, "/channels/2/messages");
  EXPECT_EQ(a.template_key(), b.template_key());
  EXPECT_NE(a.key(), b.key());
}

TEST(RouteTest, GuildIdIsTheMajorParameter) {
  Route route = Route::from_path(Method::kPut, "/guilds/9/bans/77?delete_message_seconds=0");
  EXPECT_EQ(route.path_template(), "/guilds/{guild_id}/bans/{id}");
  EXPECT_EQ(route.major_parameter(), "9");
}

TEST(RouteTest, WebhookIdAndTokenAreTheMajorParameterAndTheTokenIsMasked) {
  Route route = Route::from_path(Method::kPost, "/webhooks/5/secret-token", true);
  EXPECT_EQ(route.path_template(), "/webhooks/{webhook_id}/{webhook_token}");
  EXPECT_EQ(route.major_parameter(), "5/secret-token");
  EXPECT_TRUE(route.global_exempt());
  EXPECT_EQ(route.display().find("secret-token"), std::string::npos);
  EXPECT_NE(route.display().find("@5/***"), std::string::npos);
}

TEST(RouteTest, WebhookFollowUpEditKeepsTheMessageIdAsPlaceholder) {
  Route route = Route::from_path(Method::kPatch, "/webhooks/5/tok/messages/@original", true);
  EXPECT_EQ(route.path_template(), "/webhooks/{webhook_id}/{webhook_token}/messages/@original");
}

TEST(RouteTest, InteractionCallbackIsExemptAndHidesTheToken) {
  Route route = Route::from_path(Method::kPost, "/interactions/42/abc.def/callback");
  EXPECT_EQ(route.path_template(), "/interactions/{interaction_id}/{interaction_token}/callback");
  EXPECT_EQ(route.major_parameter(), "42");
  EXPECT_TRUE(route.global_exempt());
  EXPECT_EQ(route.display().find("abc.def"), std::string::npos);
}

TEST(RouteTest, ReactionEmojiAreCollapsed) {
  Route a = Route::from_path(Method::kPut, "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me");
  Route b = Route::from_path(Method::kPut, "/channels/1/messages/3/reactions/custom:9/@me");
  EXPECT_EQ(a.key(), b.key());
  EXPECT_EQ(a.path_template(), "/channels/{channel_id}/messages/{id}/reactions/{emoji}/@me");
}

// Issue 10, section 0, "Message delete buckets": a purge must send against the quota of
// the messages' age class, as discord.js keys them.
TEST(RouteTest, MessageDeleteBucketsDependOnTheMessagesAge) {
  const auto now =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'767'225'600'000));
  auto id_aged = [&](std::chrono::milliseconds age) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>((now - age).time_since_epoch())
            .count() -
        1'420'070'400'000;
    return std::to_string(static_cast<std::uint64_t>(ms) << 22);
  };
  auto route_for = [&](std::chrono::milliseconds age) {
    return Route::from_path(Method::kDelete, "/channels/7/messages/" + id_aged(age), false, now);
  };
  const Route young = route_for(std::chrono::seconds(3));
  const Route normal = route_for(std::chrono::hours(24));
  const Route also_normal = route_for(std::chrono::hours(24 * 13));
  const Route old = route_for(std::chrono::hours(24 * 15));
  EXPECT_EQ(normal.path_template(), "/channels/{channel_id}/messages/{id}");
  EXPECT_EQ(normal.key(), also_normal.key());
  EXPECT_NE(young.key(), normal.key());
  EXPECT_NE(old.key(), normal.key());
  EXPECT_NE(old.key(), young.key());
  EXPECT_EQ(young.major_parameter(), "7");
  EXPECT_EQ(old.major_parameter(), "7");
  // Other methods on the message are not split.
  EXPECT_EQ(Route::from_path(Method::kPatch,
                             "/channels/7/messages/" + id_aged(std::chrono::seconds(1)), false, now)
                .path_template(),
            "/channels/{channel_id}/messages/{id}");
}

TEST(RouteTest, RouteWithoutTopLevelResourceHasEmptyMajorParameter) {
  Route route = Route::from_path(Method::kGet, "/gateway/bot");
  EXPECT_EQ(route.path_template(), "/gateway/bot");
  EXPECT_EQ(route.major_parameter(), "");
}

}  // namespace
}  // namespace mikami
