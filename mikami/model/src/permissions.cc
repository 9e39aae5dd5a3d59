#include "mikami/model/permissions.h"

#include <bit>

#include "mikami/model/snowflake.h"

namespace mikami::model {

namespace {

constexpr std::string_view kNames[] = {
    "CREATE_INSTANT_INVITE",
    "KICK_MEMBERS",
    "BAN_MEMBERS",
    "ADMINISTRATOR",
    "MANAGE_CHANNELS",
    "MANAGE_GUILD",
    "ADD_REACTIONS",
    "VIEW_AUDIT_LOG",
    "PRIORITY_SPEAKER",
    "STREAM",
    "VIEW_CHANNEL",
    "SEND_MESSAGES",
    "SEND_TTS_MESSAGES",
    "MANAGE_MESSAGES",
    "EMBED_LINKS",
    "ATTACH_FILES",
    "READ_MESSAGE_HISTORY",
    "MENTION_EVERYONE",
    "USE_EXTERNAL_EMOJIS",
    "VIEW_GUILD_INSIGHTS",
    "CONNECT",
    "SPEAK",
    "MUTE_MEMBERS",
    "DEAFEN_MEMBERS",
    "MOVE_MEMBERS",
    "USE_VAD",
    "CHANGE_NICKNAME",
    "MANAGE_NICKNAMES",
    "MANAGE_ROLES",
    "MANAGE_WEBHOOKS",
    "MANAGE_GUILD_EXPRESSIONS",
    "USE_APPLICATION_COMMANDS",
    "REQUEST_TO_SPEAK",
    "MANAGE_EVENTS",
    "MANAGE_THREADS",
    "CREATE_PUBLIC_THREADS",
    "CREATE_PRIVATE_THREADS",
    "USE_EXTERNAL_STICKERS",
    "SEND_MESSAGES_IN_THREADS",
    "USE_EMBEDDED_ACTIVITIES",
    "MODERATE_MEMBERS",
    "VIEW_CREATOR_MONETIZATION_ANALYTICS",
    "USE_SOUNDBOARD",
    "CREATE_GUILD_EXPRESSIONS",
    "CREATE_EVENTS",
    "USE_EXTERNAL_SOUNDS",
    "SEND_VOICE_MESSAGES",
    "",
    "",
    "SEND_POLLS",
    "USE_EXTERNAL_APPS",
};

}  // namespace

std::string_view permission_name(Permission p) {
  const std::uint64_t bits = static_cast<std::uint64_t>(p);
  if (std::popcount(bits) != 1) return {};
  const int bit = std::countr_zero(bits);
  return bit < int(std::size(kNames)) ? kNames[bit] : std::string_view();
}

std::vector<std::string> Permissions::names() const {
  std::vector<std::string> out;
  for (int bit = 0; bit < 64; ++bit) {
    if (!(bits_ >> bit & 1)) continue;
    std::string_view name = permission_name(Permission(1ULL << bit));
    out.push_back(name.empty() ? "BIT_" + std::to_string(bit) : std::string(name));
  }
  return out;
}

core::Result<Permissions> Permissions::parse(std::string_view text) {
  auto bits = parse_snowflake(text);  // the same shape: decimal digits fitting 64 bits
  if (!bits) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "not a permission set: \"" + std::string(text.substr(0, 32)) + "\"");
  }
  return Permissions(*bits);
}

}  // namespace mikami::model
