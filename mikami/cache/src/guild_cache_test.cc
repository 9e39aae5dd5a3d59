#include "mikami/cache/guild_cache.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace mikami::cache {
namespace {

using model::Permission;

const GuildId kGuild(100);
const ChannelId kGeneral(200);
const ChannelId kThread(201);
const UserId kBot(9);
const UserId kOwner(1);
const UserId kAlice(2);
const UserId kBob(3);
constexpr std::int64_t kNow = 1'700'000'000'000;

// GUILD_CREATE of guild `id` as Discord sends it: @everyone may view and send; "muted"
// (role 50) is denied sending in #general; a thread under #general; three members.
std::string guild_create(std::uint64_t id) {
  const std::string g = std::to_string(id);
  return R"({"id": ")" + g + R"(", "name": "g)" + g + R"(", "owner_id": "1",
    "roles": [{"id": ")" +
         g + R"(", "name": "@everyone", "position": 0, "permissions": "68608"},
              {"id": "50", "name": "muted", "position": 1, "permissions": "0"},
              {"id": "51", "name": "mod", "position": 2, "permissions": "8194"}],
    "channels": [{"id": ")" +
         std::to_string(id * 2) + R"(", "type": 0, "name": "general",
                  "permission_overwrites": [
                    {"id": "50", "type": 0, "allow": "0", "deny": "2048"}]}],
    "threads": [{"id": ")" +
         std::to_string(id * 2 + 1) + R"(", "type": 11,
                 "parent_id": ")" +
         std::to_string(id * 2) + R"(", "name": "t"}],
    "members": [{"user": {"id": "1", "username": "owner"}, "roles": []},
                {"user": {"id": "2", "username": "alice"}, "roles": ["51"]},
                {"user": {"id": "3", "username": "bob"}, "roles": ["50"]},
                {"user": {"id": "9", "username": "mikami", "bot": true}, "roles": []}]})";
}

void ingest(GuildCache& cache, std::string_view name, std::string_view d) {
  auto status = cache.ingest_text(name, d);
  ASSERT_TRUE(status) << name << ": " << status.error().message();
}

void ready(GuildCache& cache, std::string_view guilds) {
  ingest(cache, "READY",
         R"({"user": {"id": "9", "username": "mikami", "bot": true}, "session_id": "s",
             "guilds": [)" +
             std::string(guilds) + "]}");
}

TEST(GuildCache, ShardReadyOnceEveryReadyGuildArrived) {
  int signals = 0;
  GuildCache cache({.on_shard_ready = [&] { ++signals; }});
  ready(cache, R"({"id": "100", "unavailable": true}, {"id": "300", "unavailable": true})");
  EXPECT_FALSE(cache.shard_ready());
  EXPECT_EQ(cache.pending_guilds().size(), 2u);
  EXPECT_EQ(cache.current_user(), kBot);
  ingest(cache, "GUILD_CREATE", guild_create(100));
  EXPECT_FALSE(cache.shard_ready());
  EXPECT_EQ(signals, 0);
  ingest(cache, "GUILD_CREATE", guild_create(300));
  EXPECT_TRUE(cache.shard_ready());
  EXPECT_EQ(signals, 1);
  ingest(cache, "GUILD_CREATE", guild_create(400));  // joined later: no second signal
  EXPECT_EQ(signals, 1);
  EXPECT_EQ(cache.stats().guilds, 3u);

  GuildCache empty({.on_shard_ready = [&] { ++signals; }});
  ready(empty, "");
  EXPECT_TRUE(empty.shard_ready());
  EXPECT_EQ(signals, 2);
}

TEST(GuildCache, GuildCreateFillsGuildRolesChannelsAndMembers) {
  GuildCache cache;
  ingest(cache, "GUILD_CREATE", guild_create(100));
  auto g = cache.guild(kGuild);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name, "g100");
  EXPECT_EQ(g->owner_id, kOwner);
  EXPECT_EQ(g->roles.size(), 3u);
  EXPECT_TRUE(g->members.empty());
  ASSERT_TRUE(cache.channel(kGeneral));
  EXPECT_EQ(cache.channel(kGeneral)->guild_id, kGuild);
  EXPECT_TRUE(cache.channel(kThread)->is_thread());
  EXPECT_EQ(cache.member(kGuild, kAlice)->user->username, "alice");
  EXPECT_EQ(cache.role(kGuild, RoleId(51))->name, "mod");
  EXPECT_EQ(cache.stats().members, 4u);
  EXPECT_EQ(cache.guild_channels(kGuild).size(), 2u);
}

// GUILD_DELETE with unavailable is an outage: nothing is removed.
TEST(GuildCache, UnavailableGuildDeleteIsNotARemoval) {
  GuildCache cache;
  ingest(cache, "GUILD_CREATE", guild_create(100));
  ingest(cache, "GUILD_DELETE", R"({"id": "100", "unavailable": true})");
  EXPECT_TRUE(cache.is_unavailable(kGuild));
  EXPECT_TRUE(cache.member(kGuild, kAlice));
  EXPECT_TRUE(cache.channel(kGeneral));
  EXPECT_EQ(cache.stats().unavailable_guilds, 1u);
  ingest(cache, "GUILD_CREATE", guild_create(100));  // back
  EXPECT_FALSE(cache.is_unavailable(kGuild));

  ingest(cache, "GUILD_DELETE", R"({"id": "100"})");  // the bot was removed
  EXPECT_FALSE(cache.guild(kGuild));
  EXPECT_FALSE(cache.member(kGuild, kAlice));
  EXPECT_FALSE(cache.channel(kGeneral));
  EXPECT_FALSE(cache.channel(kThread));
  EXPECT_EQ(cache.stats().members, 0u);
  EXPECT_EQ(cache.stats().channels, 0u);
}

TEST(GuildCache, UpdatesAndDeletes) {
  GuildCache cache;
  ingest(cache, "GUILD_CREATE", guild_create(100));
  ingest(cache, "GUILD_UPDATE", R"({"id": "100", "name": "renamed", "owner_id": "2",
      "roles": [{"id": "100", "position": 0, "permissions": "1024"}]})");
  EXPECT_EQ(cache.guild(kGuild)->name, "renamed");
  EXPECT_EQ(cache.guild(kGuild)->owner_id, kAlice);
  EXPECT_TRUE(cache.channel(kGeneral));  // GUILD_UPDATE carries no channels: kept
  EXPECT_TRUE(cache.member(kGuild, kBob));

  ingest(cache, "GUILD_ROLE_CREATE", R"({"guild_id": "100",
      "role": {"id": "52", "name": "vip", "position": 3, "permissions": "0"}})");
  ingest(cache, "GUILD_ROLE_UPDATE", R"({"guild_id": "100",
      "role": {"id": "52", "name": "VIP", "position": 3, "permissions": "0"}})");
  EXPECT_EQ(cache.role(kGuild, RoleId(52))->name, "VIP");
  ingest(cache, "GUILD_MEMBER_UPDATE", R"({"guild_id": "100", "user": {"id": "3"},
      "roles": ["50", "52"], "nick": "bobby"})");
  EXPECT_EQ(cache.member(kGuild, kBob)->nick, "bobby");
  ingest(cache, "GUILD_ROLE_DELETE", R"({"guild_id": "100", "role_id": "52"})");
  EXPECT_FALSE(cache.role(kGuild, RoleId(52)));
  EXPECT_EQ(cache.member(kGuild, kBob)->roles, std::vector<RoleId>{RoleId(50)});

  ingest(cache, "GUILD_MEMBER_ADD", R"({"guild_id": "100", "user": {"id": "4"}, "roles": []})");
  EXPECT_TRUE(cache.member(kGuild, UserId(4)));
  ingest(cache, "GUILD_MEMBER_REMOVE", R"({"guild_id": "100", "user": {"id": "4"}})");
  EXPECT_FALSE(cache.member(kGuild, UserId(4)));

  ingest(cache, "CHANNEL_CREATE", R"({"id": "210", "guild_id": "100", "type": 0, "name": "x"})");
  ingest(cache, "CHANNEL_UPDATE", R"({"id": "210", "guild_id": "100", "type": 0, "name": "y"})");
  EXPECT_EQ(cache.channel(ChannelId(210))->name, "y");
  ingest(cache, "CHANNEL_DELETE", R"({"id": "210", "guild_id": "100", "type": 0})");
  EXPECT_FALSE(cache.channel(ChannelId(210)));
  ingest(cache, "THREAD_DELETE", R"({"id": "201", "guild_id": "100", "type": 11,
      "parent_id": "200"})");
  EXPECT_FALSE(cache.channel(kThread));
  EXPECT_EQ(cache.guild_channels(kGuild), std::vector<ChannelId>{kGeneral});
}

TEST(GuildCache, MalformedDispatchIsCountedAndChangesNothing) {
  GuildCache cache;
  ingest(cache, "GUILD_CREATE", guild_create(100));
  auto status = cache.ingest_text("GUILD_MEMBER_UPDATE", R"({"guild_id": "100",
      "user": {"id": "3"}, "roles": "everything"})");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("roles"), std::string::npos);
  EXPECT_EQ(cache.member(kGuild, kBob)->roles, std::vector<RoleId>{RoleId(50)});
  EXPECT_FALSE(cache.ingest_text("GUILD_CREATE", "{\"id\": "));
  EXPECT_EQ(cache.stats().malformed, 2u);
}

TEST(GuildCache, PermissionsFromTheCacheFollowOverwritesAndThreadParents) {
  GuildCache cache;
  ingest(cache, "GUILD_CREATE", guild_create(100));
  auto alice = cache.permissions_in(kGuild, kGeneral, kAlice, kNow);
  ASSERT_TRUE(alice) << alice.error().message();
  EXPECT_TRUE(alice->has(Permission::kManageMessages));
  auto bob = cache.permissions_in(kGuild, kGeneral, kBob, kNow);
  ASSERT_TRUE(bob);
  EXPECT_TRUE(bob->has(Permission::kViewChannel));
  EXPECT_FALSE(bob->has(Permission::kSendMessages));  // the muted overwrite
  auto bob_thread = cache.permissions_in(kGuild, kThread, kBob, kNow);
  ASSERT_TRUE(bob_thread);
  EXPECT_FALSE(bob_thread->has(Permission::kSendMessages));  // the parent's overwrite
  EXPECT_EQ(*cache.permissions_in(kGuild, kGeneral, kOwner, kNow), Permissions::all());
  EXPECT_TRUE(*cache.can_act_on(kGuild, kAlice, kBob, kNow));
  EXPECT_FALSE(*cache.can_act_on(kGuild, kBob, kAlice, kNow));
  EXPECT_FALSE(*cache.can_act_on(kGuild, kAlice, kOwner, kNow));

  // Timed out until after kNow: only viewing and history remain.
  ingest(cache, "GUILD_MEMBER_UPDATE", R"({"guild_id": "100", "user": {"id": "3"},
      "roles": [], "communication_disabled_until": "2099-01-01T00:00:00+00:00"})");
  EXPECT_EQ(*cache.permissions_in(kGuild, kGeneral, kBob, kNow),
            Permission::kViewChannel | Permission::kReadMessageHistory);

  auto unknown = cache.permissions_in(kGuild, kGeneral, UserId(77), kNow);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);
}

class FakeFetcher : public CacheFetcher {
 public:
  core::Result<model::Guild> fetch_guild(GuildId id) override {
    ++guild_calls;
    auto g = model::parse_guild(boost::json::parse(guild_create(id.value())));
    if (g) g->members.clear(), g->channels.clear(), g->threads.clear();
    return g;
  }
  core::Result<model::Channel> fetch_channel(ChannelId id) override {
    ++channel_calls;
    if (id != kGeneral) return core::fail(core::ErrorCode::kNotFound, "Unknown Channel");
    return model::parse_channel(boost::json::parse(R"({"id": "200", "guild_id": "100",
        "type": 0, "permission_overwrites": [{"id": "50", "type": 0, "allow": "0",
        "deny": "2048"}]})"));
  }
  core::Result<model::Member> fetch_member(GuildId, UserId user) override {
    ++member_calls;
    if (user == UserId(77)) return core::fail(core::ErrorCode::kUnavailable, "503 from Discord");
    return model::parse_member(
        boost::json::parse(R"({"user": {"id": ")" + user.to_string() + R"("}, "roles": ["50"]})"));
  }
  int guild_calls = 0, channel_calls = 0, member_calls = 0;
};

// After a resumed restart the cache starts empty (GUILD_CREATE is not replayed): what a
// permission check needs is fetched once, then served from the cache.
TEST(GuildCache, FetchesWhatIsMissingOnDemandAndCachesIt) {
  FakeFetcher fetcher;
  GuildCache cache({.fetcher = &fetcher});
  auto p = cache.permissions_in(kGuild, kGeneral, kBob, kNow);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_FALSE(p->has(Permission::kSendMessages));
  EXPECT_EQ(fetcher.guild_calls, 1);
  EXPECT_EQ(fetcher.channel_calls, 1);
  EXPECT_EQ(fetcher.member_calls, 1);
  ASSERT_TRUE(cache.permissions_in(kGuild, kGeneral, kBob, kNow));
  EXPECT_EQ(fetcher.guild_calls + fetcher.channel_calls + fetcher.member_calls, 3);
  EXPECT_EQ(cache.stats().fetches, 3u);

  auto failed = cache.permissions_in(kGuild, kGeneral, UserId(77), kNow);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), core::ErrorCode::kUnavailable);  // passed on, not guessed
  EXPECT_FALSE(cache.get_channel(ChannelId(999)));
}

TEST(GuildCache, MemberCachingNoneKeepsOnlyTheBot) {
  GuildCache cache({.members = MemberCaching::kNone});
  ready(cache, R"({"id": "100"})");
  ingest(cache, "GUILD_CREATE", guild_create(100));
  EXPECT_EQ(cache.stats().members, 1u);
  EXPECT_TRUE(cache.member(kGuild, kBot));
  EXPECT_FALSE(cache.member(kGuild, kAlice));
}

TEST(GuildCache, MemberCachingCappedEvictsTheOldestAndStaysBounded) {
  GuildCache cache({.members = MemberCaching::kCapped, .max_members = 3});
  ready(cache, R"({"id": "100"})");
  ingest(cache, "GUILD_CREATE", guild_create(100));  // owner, alice, bob, bot
  EXPECT_EQ(cache.stats().members, 4u);     // three, and the bot's own member beyond the cap
  EXPECT_TRUE(cache.member(kGuild, kBot));  // the bot's own member is never evicted
  for (int i = 0; i < 500; ++i) {
    const std::string id = std::to_string(1000 + i);
    ingest(cache, "GUILD_MEMBER_ADD",
           R"({"guild_id": "100", "user": {"id": ")" + id + R"("}, "roles": []})");
    if (i % 2) {
      ingest(cache, "GUILD_MEMBER_REMOVE",
             R"({"guild_id": "100", "user": {"id": ")" + id + R"("}})");
    }
  }
  EXPECT_LE(cache.stats().members, 4u);
  EXPECT_TRUE(cache.member(kGuild, kBot));
  EXPECT_TRUE(cache.member(kGuild, UserId(1498)));  // the newest stays
  EXPECT_FALSE(cache.member(kGuild, kAlice));
  EXPECT_GT(cache.stats().members_evicted, 0u);
}

TEST(GuildCache, MemberChunksAreRequestedWithANonceAndTrackedToCompletion) {
  std::vector<ChunkCompletion> done;
  GuildCache cache({.on_members_chunked = [&](const ChunkCompletion& c) { done.push_back(c); }});
  ingest(cache, "GUILD_CREATE", guild_create(100));
  std::string nonce;
  const std::string payload =
      cache.request_members({.guild_id = kGuild, .user_ids = {UserId(5), UserId(6)}}, &nonce);
  const auto op8 = boost::json::parse(payload);
  EXPECT_EQ(op8.at("op"), 8);
  EXPECT_EQ(op8.at("d").at("guild_id"), "100");
  EXPECT_EQ(op8.at("d").at("nonce").as_string(), nonce);
  EXPECT_LE(nonce.size(), 32u);
  EXPECT_EQ(op8.at("d").at("user_ids").as_array().size(), 2u);
  const auto all = boost::json::parse(cache.request_members({.guild_id = kGuild}));
  EXPECT_EQ(all.at("d").at("query"), "");
  EXPECT_EQ(all.at("d").at("limit"), 0);
  EXPECT_NE(all.at("d").at("nonce").as_string(), nonce);

  ingest(cache, "GUILD_MEMBERS_CHUNK",
         R"({"guild_id": "100", "nonce": ")" + nonce +
             R"(", "chunk_index": 1, "chunk_count": 2, "members": [], "not_found": ["6"]})");
  EXPECT_TRUE(done.empty());
  ingest(cache, "GUILD_MEMBERS_CHUNK",
         R"({"guild_id": "100", "nonce": ")" + nonce +
             R"(", "chunk_index": 0, "chunk_count": 2,
      "members": [{"user": {"id": "5", "username": "eve"}, "roles": []}]})");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].nonce, nonce);
  EXPECT_EQ(done[0].members, 1u);
  EXPECT_EQ(done[0].not_found, std::vector<UserId>{UserId(6)});
  EXPECT_EQ(cache.member(kGuild, UserId(5))->user->username, "eve");
  // A repeated chunk and a chunk of an unknown nonce complete nothing.
  ingest(cache, "GUILD_MEMBERS_CHUNK",
         R"({"guild_id": "100", "nonce": ")" + nonce +
             R"(", "chunk_index": 0, "chunk_count": 2, "members": []})");
  ingest(cache, "GUILD_MEMBERS_CHUNK", R"({"guild_id": "100", "nonce": "other",
      "chunk_index": 0, "chunk_count": 1, "members": []})");
  EXPECT_EQ(done.size(), 1u);
}

}  // namespace
}  // namespace mikami::cache
