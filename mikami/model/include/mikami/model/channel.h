// Channels (guild channels, threads, DMs) with their permission overwrites.
// Reference: https://discord.com/developers/docs/resources/channel#channel-object
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

enum class ChannelType : std::uint8_t {
  kGuildText = 0,
  kDm = 1,
  kGuildVoice = 2,
  kGroupDm = 3,
  kGuildCategory = 4,
  kGuildAnnouncement = 5,
  kAnnouncementThread = 10,
  kPublicThread = 11,
  kPrivateThread = 12,
  kGuildStageVoice = 13,
  kGuildDirectory = 14,
  kGuildForum = 15,
  kGuildMedia = 16,
};

constexpr bool is_thread(ChannelType type) {
  return type == ChannelType::kAnnouncementThread || type == ChannelType::kPublicThread ||
         type == ChannelType::kPrivateThread;
}

enum class OverwriteType : std::uint8_t { kRole = 0, kMember = 1 };

// One permission overwrite. `id` is a role id or a user id depending on `type`; the
// @everyone overwrite is the role overwrite whose id is the guild's id.
struct PermissionOverwrite {
  Snowflake id{};
  OverwriteType type = OverwriteType::kRole;
  Permissions allow{};
  Permissions deny{};
  friend bool operator==(const PermissionOverwrite&, const PermissionOverwrite&) = default;
};

struct Channel {
  ChannelId id{};
  ChannelType type = ChannelType::kGuildText;
  GuildId guild_id{};  // unset for DMs and in GUILD_CREATE's channel list (the guild's id)
  std::string name{};
  std::string topic{};
  std::int32_t position = 0;
  // For a channel, its category; for a thread, the channel it was created in.
  ChannelId parent_id{};
  std::vector<PermissionOverwrite> permission_overwrites{};  // threads have none of their own
  bool nsfw = false;
  std::int32_t rate_limit_per_user = 0;  // slow mode, seconds
  UserId owner_id{};                     // threads: who created it
  bool archived = false;                 // threads (thread_metadata)
  bool locked = false;                   // threads (thread_metadata)
  // Only in an interaction's resolved channels: the invoker's permissions in the channel.
  std::optional<Permissions> permissions{};

  bool is_thread() const { return model::is_thread(type); }
  friend bool operator==(const Channel&, const Channel&) = default;
};

core::Result<Channel> parse_channel(const boost::json::value& json);
core::Result<PermissionOverwrite> parse_permission_overwrite(const boost::json::value& json);

}  // namespace mikami::model
