#include "mikami/model/guild.h"

#include <gtest/gtest.h>

namespace mikami::model {
namespace {

template <class T>
T event_of(std::string_view name, std::string_view d) {
  auto e = parse_event_text(name, d);
  EXPECT_TRUE(e) << name << ": " << e.error().message();
  if (!e) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*e)) << name;
  return std::holds_alternative<T>(*e) ? std::get<T>(std::move(*e)) : T{};
}

TEST(GuildEvents, ReadyListsTheShardsGuilds) {
  auto ready = event_of<ReadyEvent>("READY", R"({"v": 10,
    "user": {"id": "1100000000000000000", "username": "mikami", "bot": true},
    "guilds": [{"id": "10", "unavailable": true}, {"id": "11", "unavailable": true}],
    "session_id": "abc", "resume_gateway_url": "wss://resume", "shard": [0, 1],
    "application": {"id": "1100000000000000000", "flags": 0}})");
  EXPECT_EQ(ready.user.id, UserId(1100000000000000000ULL));
  EXPECT_EQ(ready.guilds, (std::vector<GuildId>{GuildId(10), GuildId(11)}));
  EXPECT_EQ(ready.session_id, "abc");
  EXPECT_EQ(ready.application_id, ApplicationId(1100000000000000000ULL));
}

TEST(GuildEvents, GuildCreateCarriesRolesChannelsThreadsAndMembers) {
  auto created = event_of<GuildCreateEvent>("GUILD_CREATE", R"({
    "id": "10", "name": "Mikami", "owner_id": "1", "member_count": 2, "large": false,
    "roles": [{"id": "10", "name": "@everyone", "position": 0, "permissions": "1024"},
              {"id": "20", "name": "mod", "position": 1, "permissions": "8"}],
    "channels": [{"id": "30", "type": 0, "name": "general", "position": 0,
                  "permission_overwrites": [{"id": "10", "type": 0, "allow": "0",
                                             "deny": "2048"}]}],
    "threads": [{"id": "31", "type": 11, "parent_id": "30", "name": "t", "owner_id": "2",
                 "thread_metadata": {"archived": false, "locked": true}}],
    "members": [{"user": {"id": "1", "username": "owner"}, "roles": ["20"],
                 "joined_at": "2020-01-01T00:00:00Z"},
                {"user": {"id": "2", "username": "bob"}, "roles": [],
                 "communication_disabled_until": "2030-01-01T00:00:00+00:00"}],
    "presences": [], "voice_states": [], "emojis": [], "stickers": []})");
  const Guild& g = created.guild;
  EXPECT_EQ(g.name, "Mikami");
  EXPECT_EQ(g.owner_id, UserId(1));
  ASSERT_EQ(g.roles.size(), 2u);
  EXPECT_TRUE(g.roles[1].permissions.has(Permission::kAdministrator));
  ASSERT_EQ(g.channels.size(), 1u);
  EXPECT_EQ(g.channels[0].guild_id, GuildId(10));  // filled in from the guild
  EXPECT_EQ(g.channels[0].permission_overwrites[0].deny, Permissions(Permission::kSendMessages));
  EXPECT_TRUE(g.threads[0].is_thread());
  EXPECT_TRUE(g.threads[0].locked);
  ASSERT_EQ(g.members.size(), 2u);
  EXPECT_EQ(g.members[1].communication_disabled_until_ms, 1893456000000);
  EXPECT_TRUE(g.members[1].timed_out_at(1893455999999));
}

TEST(GuildEvents, UnavailableGuildAndDeletes) {
  auto outage = event_of<GuildCreateEvent>("GUILD_CREATE", R"({"id": "10", "unavailable": true})");
  EXPECT_TRUE(outage.guild.unavailable);
  auto deleted = event_of<GuildDeleteEvent>("GUILD_DELETE", R"({"id": "10", "unavailable": true})");
  EXPECT_TRUE(deleted.unavailable);
  auto removed = event_of<GuildDeleteEvent>("GUILD_DELETE", R"({"id": "10"})");
  EXPECT_FALSE(removed.unavailable);
  auto role_delete =
      event_of<RoleDeleteEvent>("GUILD_ROLE_DELETE", R"({"guild_id": "10", "role_id": "20"})");
  EXPECT_EQ(role_delete.role_id, RoleId(20));
  auto channel_delete = event_of<ChannelEvent>(
      "THREAD_DELETE", R"({"id": "31", "guild_id": "10", "parent_id": "30", "type": 11})");
  EXPECT_EQ(channel_delete.kind, ChannelEvent::Kind::kDelete);
}

TEST(GuildEvents, MemberEventsAndChunks) {
  auto add = event_of<MemberAddEvent>("GUILD_MEMBER_ADD", R"({"guild_id": "10",
    "user": {"id": "3", "username": "carol"}, "roles": ["20"], "joined_at": "2024-01-01T00:00:00Z"})");
  EXPECT_EQ(add.member.user_id(), UserId(3));
  auto remove = event_of<MemberRemoveEvent>("GUILD_MEMBER_REMOVE",
                                            R"({"guild_id": "10", "user": {"id": "3"}})");
  EXPECT_EQ(remove.user.id, UserId(3));
  auto chunk = event_of<MembersChunkEvent>("GUILD_MEMBERS_CHUNK", R"({"guild_id": "10",
    "members": [{"user": {"id": "4"}, "roles": []}], "chunk_index": 1, "chunk_count": 3,
    "not_found": ["5", "6"], "nonce": "n1"})");
  EXPECT_EQ(chunk.chunk_index, 1);
  EXPECT_EQ(chunk.chunk_count, 3);
  EXPECT_EQ(chunk.not_found, (std::vector<UserId>{UserId(5), UserId(6)}));
  EXPECT_EQ(chunk.nonce, "n1");
  auto presence = event_of<PresenceEvent>(
      "PRESENCE_UPDATE",
      R"({"guild_id": "10", "user": {"id": "4"}, "status": "idle", "activities": []})");
  EXPECT_EQ(presence.user_id, UserId(4));
  EXPECT_EQ(presence.status, "idle");
  event_of<OtherEvent>("TYPING_START", R"({"anything": true})");
}

// The caller counts and drops these; none may throw or crash.
TEST(GuildEvents, MalformedDispatchesAreErrorsNamingEventAndField) {
  struct Case {
    std::string_view name, d, expected;
  };
  const Case cases[] = {
      {"GUILD_CREATE", "{", "GUILD_CREATE: not JSON"},
      {"GUILD_CREATE", R"({"name": "x"})", "GUILD_CREATE: guild.id: missing"},
      {"GUILD_CREATE", R"({"id": "1", "members": [{"roles": [1.5]}]})", "members[0]"},
      {"GUILD_CREATE", R"({"id": "1", "roles": [{"id": "2"}]})", "role.permissions: missing"},
      {"GUILD_MEMBER_ADD", R"({"guild_id": "1", "roles": []})", "GUILD_MEMBER_ADD.user"},
      {"GUILD_MEMBERS_CHUNK", R"({"guild_id": "1", "chunk_index": 3, "chunk_count": 3})",
       "chunk_index"},
      {"GUILD_ROLE_DELETE", R"({"guild_id": "1"})", "GUILD_ROLE_DELETE.role_id: missing"},
      {"READY", R"({"user": {"id": "1"}})", "READY.session_id"},
      {"CHANNEL_UPDATE", R"({"id": "1", "type": "text"})", "channel.type"},
      {"PRESENCE_UPDATE", R"({"guild_id": "1"})", "PRESENCE_UPDATE.user: missing"},
      {"MESSAGE_CREATE", R"([])", "message: expected an object"},
      {"INTERACTION_CREATE", R"({"id": "1"})", "interaction.application_id"},
  };
  for (const Case& c : cases) {
    auto e = parse_event_text(c.name, c.d);
    ASSERT_FALSE(e) << c.name << " " << c.d;
    EXPECT_NE(e.error().message().find(c.expected), std::string::npos)
        << e.error().message() << " should mention " << c.expected;
  }
}

}  // namespace
}  // namespace mikami::model
