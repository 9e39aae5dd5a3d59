// The checks that may need guild state beyond what the interaction carries. What the
// interaction carries comes first (app_permissions, the invoker's roles, the target's
// resolved member); what it lacks (role positions and the owner for the hierarchy, a
// target's roles, the bot's member and the channel's overwrites) comes from the guild cache,
// which fetches it over REST on a miss and keeps it. Never guessed: when it cannot be had,
// the check refuses with kUnavailable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "mikami/cache/guild_cache.h"
#include "mikami/framework/command.h"
#include "mikami/model/interaction.h"

namespace mikami::framework {

// The bot's permissions in the interaction's channel: `app_permissions` when Discord sent
// them, else computed from the cache (Discord's algorithm, overwrites included).
core::Result<Permissions> bot_permissions(const model::Interaction& interaction,
                                          cache::GuildCache* cache, model::UserId bot,
                                          std::int64_t now_ms);

// For a command with a target_member_option naming a member of the guild: nobody acts on
// themself or on the guild owner; the owner acts on anyone; otherwise the invoker's highest
// role and the bot's must both be strictly above the target's. nullopt when it passes (also
// when the option is absent or names someone who is not a member), else the message shown.
core::Result<std::optional<std::string>> check_hierarchy(const CommandSpec& spec,
                                                         const model::Interaction& interaction,
                                                         cache::GuildCache* cache,
                                                         model::UserId bot);

}  // namespace mikami::framework
