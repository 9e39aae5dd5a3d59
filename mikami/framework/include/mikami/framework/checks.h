// The checks of the pipeline that need no I/O, usable by handlers too (/help lists only
// what the caller may run). Each returns nullopt when it passes, otherwise the message
// the user is shown. The invoker's permissions are those the interaction carries
// (`member.permissions`, computed by Discord for that channel); the bot's are passed in
// (the interaction's `app_permissions`, else computed from the cache: guild_checks.h).
#pragma once

#include <optional>
#include <string>

#include "mikami/framework/command.h"
#include "mikami/model/interaction.h"

namespace mikami::framework {

// "Manage Server, Kick Members" for the bits set in `bits`.
std::string permission_names(Permissions bits);

// Validates the interaction's options against the command's schema: required options
// present, values of the declared type, within choices, min/max and lengths. The message
// names the option ("option amount: must be at most 100").
std::optional<std::string> validate_options(const CommandSpec& spec,
                                            const model::Interaction& interaction);

// The invoker has the command's default_member_permissions (administrators have all) and
// is in a guild when the command is guild-only.
std::optional<std::string> check_user_permissions(const CommandSpec& spec,
                                                  const model::Interaction& interaction);
// The bot has bot_permissions, given its permissions `bot` in the channel.
std::optional<std::string> check_bot_permissions(const CommandSpec& spec, Permissions bot);

}  // namespace mikami::framework
