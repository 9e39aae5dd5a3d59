// Users, guild members and roles, parsed from gateway dispatches and REST replies.
// References: https://discord.com/developers/docs/resources/user#user-object,
// https://discord.com/developers/docs/resources/guild#guild-member-object,
// https://discord.com/developers/docs/topics/permissions#role-object
//
// Parsers take the JSON object Discord sends; unknown fields are ignored; a missing required
// field or a field of the wrong type fails with kInvalidArgument naming the field, and
// nothing escapes as an exception.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/model/permissions.h"
#include "mikami/model/snowflake.h"

namespace mikami::model {

struct User {
  UserId id{};
  std::string username{};
  std::string global_name{};  // display name; empty when the user has none
  std::string discriminator{};
  std::string avatar{};  // hash; empty when none
  bool bot = false;
  bool system = false;

  // What a client shows: the global name when set, else the username.
  const std::string& display_name() const { return global_name.empty() ? username : global_name; }
  friend bool operator==(const User&, const User&) = default;
};

// A guild member. `user` is absent in the partial members Discord embeds in MESSAGE_CREATE
// and in an interaction's resolved members (the user is then keyed beside it).
struct Member {
  std::optional<User> user{};
  std::string nick{};           // empty when none
  std::vector<RoleId> roles{};  // not including @everyone
  std::string joined_at{};      // ISO 8601, as sent
  // Unix milliseconds until which the member is timed out; 0 when not timed out.
  std::int64_t communication_disabled_until_ms = 0;
  bool pending = false;
  bool deaf = false;
  bool mute = false;
  // Only in interactions: the member's permissions in the interaction's channel, overwrites
  // included, as Discord computed them.
  std::optional<Permissions> permissions{};

  UserId user_id() const { return user ? user->id : UserId(); }
  bool timed_out_at(std::int64_t now_ms) const { return communication_disabled_until_ms > now_ms; }
  friend bool operator==(const Member&, const Member&) = default;
};

struct Role {
  RoleId id{};
  std::string name{};
  std::uint32_t color = 0;
  bool hoist = false;
  std::int32_t position = 0;
  Permissions permissions{};
  bool managed = false;
  bool mentionable = false;
  std::optional<UserId> bot_id{};  // tags.bot_id: the role belongs to that bot
  friend bool operator==(const Role&, const Role&) = default;
};

core::Result<User> parse_user(const boost::json::value& json);
core::Result<Member> parse_member(const boost::json::value& json);
core::Result<Role> parse_role(const boost::json::value& json);

// Parses Discord's ISO 8601 timestamps ("2021-03-04T05:06:07.123456+00:00", "...Z") to Unix
// milliseconds; fails with kInvalidArgument on any other shape.
core::Result<std::int64_t> parse_timestamp_ms(std::string_view text);

}  // namespace mikami::model
