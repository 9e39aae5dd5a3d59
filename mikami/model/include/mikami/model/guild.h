// Guilds, and the gateway events the cache consumes (READY, GUILD_*, CHANNEL_*, THREAD_*,
// GUILD_MEMBER*, GUILD_ROLE_*, PRESENCE_UPDATE), parsed from dispatch `d` objects.
// Reference: https://discord.com/developers/docs/resources/guild,
// https://discord.com/developers/docs/events/gateway-events
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "mikami/model/channel.h"
#include "mikami/model/interaction.h"
#include "mikami/model/message.h"
#include "mikami/model/snowflake.h"
#include "mikami/model/user.h"

namespace mikami::model {

// A guild as GUILD_CREATE (everything) or GUILD_UPDATE / GET /guilds/{id} (no members,
// channels or threads) send it.
struct Guild {
  GuildId id{};
  std::string name{};
  UserId owner_id{};
  std::string icon{};
  std::string preferred_locale{};
  bool unavailable = false;
  bool large = false;
  std::int32_t member_count = 0;
  std::vector<Role> roles{};
  // GUILD_CREATE only. Channels there carry no guild_id; the parser sets it.
  std::vector<Channel> channels{};
  std::vector<Channel> threads{};
  std::vector<Member> members{};
};

core::Result<Guild> parse_guild(const boost::json::value& json);

// Events, one struct each; `d` fields the cache does not use are ignored.
struct ReadyEvent {
  User user{};                    // the bot
  std::vector<GuildId> guilds{};  // every guild of the shard, all unavailable at READY
  std::string session_id{};
  std::string resume_gateway_url{};
  ApplicationId application_id{};
};
struct GuildCreateEvent {
  Guild guild{};  // unavailable set: an outage, nothing else is known
};
struct GuildUpdateEvent {
  Guild guild{};
};
struct GuildDeleteEvent {
  GuildId id{};
  bool unavailable = false;  // true: an outage, not a removal
};
struct ChannelEvent {  // CHANNEL_CREATE/UPDATE/DELETE and THREAD_CREATE/UPDATE/DELETE
  enum class Kind : std::uint8_t { kUpsert, kDelete } kind = Kind::kUpsert;
  Channel channel{};
};
struct MemberAddEvent {  // GUILD_MEMBER_ADD and GUILD_MEMBER_UPDATE (a full replacement)
  GuildId guild_id{};
  Member member{};
};
struct MemberRemoveEvent {
  GuildId guild_id{};
  User user{};
};
struct MembersChunkEvent {
  GuildId guild_id{};
  std::vector<Member> members{};
  std::int32_t chunk_index = 0;
  std::int32_t chunk_count = 1;
  std::vector<UserId> not_found{};
  std::string nonce{};
};
struct RoleEvent {  // GUILD_ROLE_CREATE/UPDATE
  GuildId guild_id{};
  Role role{};
};
struct RoleDeleteEvent {
  GuildId guild_id{};
  RoleId role_id{};
};
struct PresenceEvent {
  GuildId guild_id{};
  UserId user_id{};
  std::string status{};  // "online", "idle", "dnd", "offline"
};
struct MessageCreateEvent {
  Message message{};
};
struct InteractionCreateEvent {
  Interaction interaction{};
};
// A dispatch this model does not type (TYPING_START, ...): nothing is parsed.
struct OtherEvent {};

using Event =
    std::variant<ReadyEvent, GuildCreateEvent, GuildUpdateEvent, GuildDeleteEvent, ChannelEvent,
                 MemberAddEvent, MemberRemoveEvent, MembersChunkEvent, RoleEvent, RoleDeleteEvent,
                 PresenceEvent, MessageCreateEvent, InteractionCreateEvent, OtherEvent>;

// Parses a dispatch's `d` by its event name ("t"). An unknown name is OtherEvent; a known
// name whose `d` is malformed fails with kInvalidArgument naming the event and field.
core::Result<Event> parse_event(std::string_view event_name, const boost::json::value& d);
// The same from the `d` text (DispatchAction::data).
core::Result<Event> parse_event_text(std::string_view event_name, std::string_view d_text);

}  // namespace mikami::model
