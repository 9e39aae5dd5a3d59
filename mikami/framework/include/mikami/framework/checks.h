// The checks of the pipeline that need no I/O, usable by handlers too (/help lists only
// what the caller may run). Each returns nullopt when it passes, otherwise the message
// the user is shown. Permissions are those the interaction carries: `member.permissions`
// (the invoker's, computed by Discord for that channel) and `app_permissions` (the bot's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mikami/framework/command.h"
#include "mikami/framework/interaction.h"

namespace mikami::framework {

namespace permission {
constexpr std::uint64_t kKickMembers = 1ull << 1;
constexpr std::uint64_t kBanMembers = 1ull << 2;
constexpr std::uint64_t kAdministrator = 1ull << 3;
constexpr std::uint64_t kManageChannels = 1ull << 4;
constexpr std::uint64_t kManageGuild = 1ull << 5;
constexpr std::uint64_t kViewChannel = 1ull << 10;
constexpr std::uint64_t kSendMessages = 1ull << 11;
constexpr std::uint64_t kManageMessages = 1ull << 13;
constexpr std::uint64_t kEmbedLinks = 1ull << 14;
constexpr std::uint64_t kManageRoles = 1ull << 28;
constexpr std::uint64_t kModerateMembers = 1ull << 40;
}  // namespace permission

// "Manage Server, Kick Members" for the bits set in `bits`.
std::string permission_names(std::uint64_t bits);

// Validates the interaction's options against the command's schema: required options
// present, values of the declared type, within choices, min/max and lengths. The message
// names the option ("option amount: must be at most 100").
std::optional<std::string> validate_options(const CommandSpec& spec,
                                            const Interaction& interaction);

// The invoker has the command's default_member_permissions (administrators have all) and
// is in a guild when the command is guild-only.
std::optional<std::string> check_user_permissions(const CommandSpec& spec,
                                                  const Interaction& interaction);
// The bot has bot_permissions in the channel.
std::optional<std::string> check_bot_permissions(const CommandSpec& spec,
                                                 const Interaction& interaction);

}  // namespace mikami::framework
