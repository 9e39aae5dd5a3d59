#include "mikami/framework/guild_checks.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "mikami/framework/checks.h"

namespace mikami::framework {
namespace {

const model::GuildId kGuild(100);
const model::UserId kOwner(1);
const model::UserId kAlice(2);  // mod (position 2)
const model::UserId kBob(3);    // helper (position 1)
const model::UserId kCarol(4);  // no role
const model::UserId kBot(9);    // bot role (position 3)

// Discord's REST answers, counted: what a resumed start with an empty cache must fetch.
class FakeFetcher final : public cache::CacheFetcher {
 public:
  core::Result<model::Guild> fetch_guild(model::GuildId guild) override {
    ++guilds;
    return model::parse_guild(boost::json::parse(R"({"id": ")" + guild.to_string() + R"(",
      "name": "g", "owner_id": "1", "roles": [
        {"id": "100", "name": "@everyone", "position": 0, "permissions": "1024"},
        {"id": "50", "name": "helper", "position": 1, "permissions": "0"},
        {"id": "51", "name": "mod", "position": 2, "permissions": "2"},
        {"id": "52", "name": "bot", "position": 3, "permissions": "2"}]})"));
  }
  core::Result<model::Channel> fetch_channel(model::ChannelId channel) override {
    ++channels;
    return model::parse_channel(boost::json::parse(R"({"id": ")" + channel.to_string() +
                                                   R"(", "type": 0, "guild_id": "100",
      "permission_overwrites": [{"id": "52", "type": 0, "allow": "0", "deny": "2"}]})"));
  }
  core::Result<model::Member> fetch_member(model::GuildId, model::UserId user) override {
    ++members;
    std::string roles = "[]";
    if (user == kBot) roles = R"(["52"])";
    if (user == kBob) roles = R"(["50"])";
    if (user == model::UserId(77)) {
      return core::fail(core::ErrorCode::kNotFound, "GET member: not found");
    }
    return model::parse_member(boost::json::parse(R"({"user": {"id": ")" + user.to_string() +
                                                  R"("}, "roles": )" + roles + "}"));
  }
  int guilds = 0;
  int channels = 0;
  int members = 0;
};

CommandSpec kick() {
  CommandSpec spec;
  spec.name = "kick";
  spec.description = "Kicks";
  spec.options = {option(OptionType::kUser, "user", "Who", true)};
  spec.bot_permissions = Permission::kKickMembers;
  spec.target_member_option = "user";
  return spec;
}

// /kick user:<target> by `invoker` holding `roles`; the target resolved with `target_roles`
// unless empty. `app_permissions` is left out when empty.
model::Interaction interaction(model::UserId invoker, const std::string& roles,
                               model::UserId target, const std::string& target_roles,
                               const std::string& app_permissions = "") {
  const std::string resolved =
      target_roles.empty() ? ""
                           : R"(, "resolved": {"members": {")" + target.to_string() +
                                 R"(": {"roles": )" + target_roles + R"(, "permissions": "0"}}})";
  auto parsed = model::parse_interaction_text(
      R"({"id": "5", "application_id": "9", "type": 2, "token": "t", "guild_id": "100",
          "channel_id": "200")" +
      (app_permissions.empty() ? "" : R"(, "app_permissions": ")" + app_permissions + "\"") +
      R"(, "member": {"user": {"id": ")" + invoker.to_string() + R"("}, "roles": )" + roles +
      R"(, "permissions": "2"}, "data": {"name": "kick", "options": [{"name": "user",
          "type": 6, "value": ")" +
      target.to_string() + "\"}]" + resolved + "}}");
  EXPECT_TRUE(parsed) << parsed.error().message();
  return *parsed;
}

std::optional<std::string> verdict(cache::GuildCache& cache, const model::Interaction& in) {
  auto result = check_hierarchy(kick(), in, &cache, kBot);
  EXPECT_TRUE(result) << result.error().message();
  return result ? *result : std::optional<std::string>("error");
}

TEST(Hierarchy, TheOwnerActsOnAnyoneAndNobodyActsOnTheOwner) {
  FakeFetcher fetcher;
  cache::GuildCache cache({.fetcher = &fetcher});
  // The owner holds no role, yet acts on the mod.
  EXPECT_EQ(verdict(cache, interaction(kOwner, "[]", kAlice, R"(["51"])")), std::nullopt);
  // Nobody acts on the owner, not even from the highest role.
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kOwner, "[]")),
            "you cannot use /kick on the server owner");
  EXPECT_EQ(verdict(cache, interaction(kOwner, "[]", kOwner, "[]")),
            "you cannot use /kick on yourself");
}

TEST(Hierarchy, TheInvokerAndTheBotMustBothBeStrictlyAbove) {
  FakeFetcher fetcher;
  cache::GuildCache cache({.fetcher = &fetcher});
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kBob, R"(["50"])")), std::nullopt);
  EXPECT_EQ(verdict(cache, interaction(kBob, R"(["50"])", kAlice, R"(["51"])")),
            "you can only use /kick on members below your highest role");
  EXPECT_EQ(verdict(cache, interaction(kBob, R"(["50"])", kBob, R"(["50"])")),
            "you cannot use /kick on yourself");
  // Equal roles: not strictly above.
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", model::UserId(5), R"(["51"])")),
            "you can only use /kick on members below your highest role");
  // The owner invokes, but the bot (position 3) is not above a holder of its own role.
  EXPECT_EQ(verdict(cache, interaction(kOwner, "[]", model::UserId(6), R"(["52"])")),
            "that member's highest role is not below mine");
}

TEST(Hierarchy, AnEmptyCacheFetchesOnceAndKeepsWhatItFetched) {
  FakeFetcher fetcher;
  cache::GuildCache cache({.fetcher = &fetcher});  // a resumed start: no GUILD_CREATE
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kBob, R"(["50"])")), std::nullopt);
  EXPECT_EQ(fetcher.guilds, 1);   // positions and owner
  EXPECT_EQ(fetcher.members, 1);  // the bot's member (the others came resolved)
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kBob, R"(["50"])")), std::nullopt);
  EXPECT_EQ(fetcher.guilds, 1);
  EXPECT_EQ(fetcher.members, 1);
  // A target the interaction did not resolve: its roles come from the cache (fetched once).
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kBob, "")), std::nullopt);
  EXPECT_EQ(fetcher.members, 2);
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", kBob, "")), std::nullopt);
  EXPECT_EQ(fetcher.members, 2);
  // Someone who is not a member: nothing to be above.
  EXPECT_EQ(verdict(cache, interaction(kAlice, R"(["51"])", model::UserId(77), "")), std::nullopt);
}

TEST(Hierarchy, WithoutACacheItRefusesInsteadOfGuessing) {
  auto result =
      check_hierarchy(kick(), interaction(kAlice, R"(["51"])", kBob, R"(["50"])"), nullptr, kBot);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), core::ErrorCode::kUnavailable);
}

TEST(BotPermissions, TheInteractionsFirstElseComputedFromTheCache) {
  FakeFetcher fetcher;
  cache::GuildCache cache({.fetcher = &fetcher});
  auto carried = bot_permissions(interaction(kAlice, "[]", kBob, "[]", "1026"), &cache, kBot, 0);
  ASSERT_TRUE(carried);
  EXPECT_EQ(carried->bits(), 1026u);
  EXPECT_EQ(fetcher.guilds + fetcher.channels + fetcher.members, 0);
  // No app_permissions: @everyone (view) | bot role (kick), the channel denies kick to it.
  auto computed = bot_permissions(interaction(kAlice, "[]", kBob, "[]"), &cache, kBot, 0);
  ASSERT_TRUE(computed) << computed.error().message();
  EXPECT_TRUE(computed->has(Permission::kViewChannel));
  EXPECT_FALSE(computed->has(Permission::kKickMembers));
  EXPECT_EQ(check_bot_permissions(kick(), *computed),
            "I need Kick Members in this channel for /kick");
  EXPECT_EQ(fetcher.channels, 1);
}

}  // namespace
}  // namespace mikami::framework
