#include "mikami/model/interaction.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace mikami::model {
namespace {

// A slash command as Discord sends it: /module enable name:economy, in a guild, with a
// resolved user option and fields this parser does not know.
constexpr std::string_view kSlashCommand = R"({
  "id": "1180000000000000001", "application_id": "1100000000000000000", "type": 2,
  "token": "aW50ZXJhY3Rpb24", "version": 1, "guild_id": "900000000000000001",
  "channel_id": "900000000000000002", "locale": "en-US", "guild_locale": "de",
  "app_permissions": "562949953421311", "context": 0,
  "entitlements": [], "authorizing_integration_owners": {"0": "900000000000000001"},
  "channel": {"id": "900000000000000002", "type": 0, "name": "general",
              "permissions": "3072", "flags": 0},
  "member": {"user": {"id": "500000000000000001", "username": "alice", "global_name": "Alice",
                      "discriminator": "0", "avatar": null, "public_flags": 0},
             "roles": ["700000000000000001"], "joined_at": "2023-01-01T00:00:00.000000+00:00",
             "nick": null, "pending": false, "permissions": "2147486720",
             "communication_disabled_until": null, "flags": 0, "deaf": false, "mute": false},
  "data": {"id": "1150000000000000000", "name": "module", "type": 1,
           "options": [{"name": "enable", "type": 1, "options": [
               {"name": "name", "type": 3, "value": "economy"},
               {"name": "count", "type": 4, "value": 3},
               {"name": "ratio", "type": 10, "value": 0.5},
               {"name": "quiet", "type": 5, "value": true},
               {"name": "who", "type": 6, "value": "500000000000000002"}]}],
           "resolved": {
             "users": {"500000000000000002": {"id": "500000000000000002", "username": "bob",
                                              "bot": false}},
             "members": {"500000000000000002": {"roles": [], "nick": "Bobby",
                                                "permissions": "1024",
                                                "joined_at": "2023-02-01T00:00:00Z"}},
             "roles": {"700000000000000001": {"id": "700000000000000001", "name": "mod",
                                              "position": 3, "permissions": "8",
                                              "color": 0, "hoist": false, "managed": false,
                                              "mentionable": false, "flags": 0}},
             "channels": {"900000000000000003": {"id": "900000000000000003", "type": 11,
                                                 "name": "a thread", "permissions": "0",
                                                 "parent_id": "900000000000000002",
                                                 "thread_metadata": {"archived": true,
                                                                     "locked": false}}}}}
})";

TEST(Interaction, ParsesASlashCommandWithSubcommandAndTypedOptions) {
  auto parsed = parse_interaction_text(kSlashCommand);
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Interaction& i = *parsed;
  EXPECT_EQ(i.id, InteractionId(1180000000000000001ULL));
  EXPECT_EQ(i.type, InteractionType::kApplicationCommand);
  EXPECT_EQ(i.guild_id, GuildId(900000000000000001ULL));
  EXPECT_EQ(i.channel_id, ChannelId(900000000000000002ULL));
  EXPECT_EQ(i.token, "aW50ZXJhY3Rpb24");
  EXPECT_EQ(i.app_permissions->bits(), 562949953421311ULL);
  EXPECT_EQ(i.context, InteractionContext::kGuild);
  ASSERT_NE(i.invoker(), nullptr);
  EXPECT_EQ(i.invoker()->username, "alice");
  EXPECT_EQ(i.invoker()->display_name(), "Alice");
  ASSERT_TRUE(i.invoker_permissions());
  EXPECT_TRUE(i.invoker_permissions()->has(Permission::kUseApplicationCommands));
  EXPECT_TRUE(i.invoker_permissions()->has(Permission::kSendMessages));
  EXPECT_EQ(i.member->roles, std::vector<RoleId>{RoleId(700000000000000001ULL)});
  ASSERT_TRUE(i.channel);
  EXPECT_EQ(i.channel->name, "general");

  ASSERT_TRUE(i.data);
  const InteractionData& d = *i.data;
  EXPECT_EQ(d.name, "module");
  EXPECT_EQ(d.subcommand_path(), std::vector<std::string_view>{"enable"});
  ASSERT_EQ(d.leaf_options().size(), 5u);
  ASSERT_NE(d.option("name"), nullptr);
  EXPECT_EQ(*d.option("name")->as_string(), "economy");
  EXPECT_EQ(*d.option("count")->as_integer(), 3);
  EXPECT_DOUBLE_EQ(*d.option("ratio")->as_number(), 0.5);
  EXPECT_TRUE(*d.option("quiet")->as_bool());
  const Snowflake who = *d.option("who")->as_id();
  EXPECT_EQ(d.option("missing"), nullptr);

  const UserId bob = id_cast<UserId>(who);
  ASSERT_TRUE(d.resolved.users.contains(bob));
  EXPECT_EQ(d.resolved.users.at(bob).username, "bob");
  ASSERT_TRUE(d.resolved.members.contains(bob));
  EXPECT_EQ(d.resolved.members.at(bob).nick, "Bobby");
  EXPECT_EQ(d.resolved.members.at(bob).permissions, Permissions(Permission::kViewChannel));
  EXPECT_EQ(d.resolved.roles.at(RoleId(700000000000000001ULL)).position, 3);
  const Channel& thread = d.resolved.channels.at(ChannelId(900000000000000003ULL));
  EXPECT_TRUE(thread.is_thread());
  EXPECT_TRUE(thread.archived);
  EXPECT_EQ(thread.parent_id, ChannelId(900000000000000002ULL));
}

TEST(Interaction, ParsesAButtonPressInADm) {
  auto parsed = parse_interaction_text(R"({
    "id": "1180000000000000002", "application_id": "1100000000000000000", "type": 3,
    "token": "t", "channel_id": "900000000000000009",
    "user": {"id": "500000000000000001", "username": "alice"},
    "message": {"id": "1170000000000000000", "channel_id": "900000000000000009",
                "author": {"id": "1100000000000000000", "username": "mikami", "bot": true},
                "content": "Pick one",
                "components": [{"type": 1, "components": [
                  {"type": 2, "style": 1, "custom_id": "bet:confirm:42", "label": "Confirm"}]}]},
    "data": {"custom_id": "bet:confirm:42", "component_type": 2}})");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->type, InteractionType::kMessageComponent);
  EXPECT_FALSE(parsed->in_guild());
  EXPECT_FALSE(parsed->invoker_permissions());
  EXPECT_EQ(parsed->invoker()->id, UserId(500000000000000001ULL));
  EXPECT_EQ(parsed->data->custom_id, "bet:confirm:42");
  EXPECT_EQ(parsed->data->component_type, ComponentType::kButton);
  ASSERT_TRUE(parsed->message);
  EXPECT_TRUE(parsed->message->author.bot);
  ASSERT_EQ(parsed->message->components.size(), 1u);
  EXPECT_EQ(parsed->message->components[0].components[0].label, "Confirm");
}

TEST(Interaction, ParsesSelectValuesModalValuesAndAutocomplete) {
  auto select = parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 3,
    "token": "t", "user": {"id": "3", "username": "u"},
    "data": {"custom_id": "pick", "component_type": 3, "values": ["a", "b"]}})");
  ASSERT_TRUE(select) << select.error().message();
  EXPECT_EQ(select->data->values, (std::vector<std::string>{"a", "b"}));

  auto modal = parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 5,
    "token": "t", "user": {"id": "3", "username": "u"},
    "data": {"custom_id": "report", "components": [{"type": 1, "components": [
      {"type": 4, "custom_id": "reason", "value": "spam"}]}]}})");
  ASSERT_TRUE(modal) << modal.error().message();
  ASSERT_EQ(modal->data->modal_values.size(), 1u);
  EXPECT_EQ(modal->data->modal_values[0].custom_id, "reason");
  EXPECT_EQ(modal->data->modal_values[0].value, "spam");

  // While typing, an integer option's focused value is the raw text.
  auto autocomplete = parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 4,
    "token": "t", "user": {"id": "3", "username": "u"},
    "data": {"id": "4", "name": "bet", "type": 1, "options": [
      {"name": "game", "type": 3, "value": "di", "focused": true},
      {"name": "amount", "type": 4, "value": "12"}]}})");
  ASSERT_FALSE(autocomplete);  // a non-focused integer given as a string is malformed
  auto autocomplete2 = parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 4,
    "token": "t", "user": {"id": "3", "username": "u"},
    "data": {"id": "4", "name": "bet", "type": 1, "options": [
      {"name": "amount", "type": 4, "value": "1", "focused": true}]}})");
  ASSERT_TRUE(autocomplete2) << autocomplete2.error().message();
  ASSERT_NE(autocomplete2->data->focused_option(), nullptr);
  EXPECT_EQ(*autocomplete2->data->focused_option()->as_string(), "1");
}

TEST(Interaction, APingNeedsNoInvoker) {
  auto ping = parse_interaction_text(R"({"id": "1", "application_id": "2", "type": 1,
    "token": "t", "version": 1})");
  ASSERT_TRUE(ping) << ping.error().message();
  EXPECT_EQ(ping->type, InteractionType::kPing);
}

// Every malformed payload is an error naming the field, never an exception or a crash.
TEST(Interaction, MalformedPayloadsAreErrorsNamingTheField) {
  struct Case {
    std::string_view json;
    std::string_view expected;
  };
  const Case cases[] = {
      {"not json", "not JSON"},
      {"[]", "interaction: expected an object"},
      {R"({"application_id": "2", "type": 2, "token": "t"})", "interaction.id: missing"},
      {R"({"id": 5.5, "application_id": "2", "type": 2, "token": "t"})", "interaction.id"},
      {R"({"id": "x", "application_id": "2", "type": 2, "token": "t"})", "not a snowflake"},
      {R"({"id": "1", "application_id": "2", "type": 9, "token": "t"})", "unknown interaction"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t",
          "user": {"id": "3"}})",
       "interaction.data: missing"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t",
          "data": {"name": "x"}})",
       "no invoker"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "data": {"name": "x", "options": [{"name": "n", "type": 4, "value": "3"}]}})",
       "data.options[0]: option.value"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "member": {"roles": "admin"}, "data": {"name": "x"}})",
       "member.roles"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "app_permissions": "lots", "data": {"name": "x"}})",
       "app_permissions"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "data": {"name": "x", "resolved": {"users": {"abc": {"id": "3"}}}}})",
       "resolved.users"},
      // Found by fuzzing: an integer option's double past int64 was converted (undefined).
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "data": {"name": "x", "options": [{"name": "n", "type": 4, "value": 3.6e90}]}})",
       "data.options[0]: option.value"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "data": {"name": "x", "options": [{"name": "n", "type": 4, "value": 9007199254740994.0}]}})",
       "data.options[0]: option.value"},  // whole, but past Discord's 2^53 - 1
      {R"({"id": "1", "application_id": "2", "type": 2, "token": "t", "user": {"id": "3"},
          "data": {"name": "x", "options": [{"name": "n", "type": 10, "value": 1e400}]}})",
       "data.options[0]: option.value"},
      {R"({"id": "1", "application_id": "2", "type": 2, "token": 7, "user": {"id": "3"},
          "data": {"name": "x"}})",
       "interaction.token: expected a string"},
  };
  for (const Case& c : cases) {
    auto parsed = parse_interaction_text(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find(c.expected), std::string::npos)
        << parsed.error().message() << " should mention " << c.expected;
  }
}

}  // namespace
}  // namespace mikami::model
