// What moderation does outside commands: cases for actions taken by hand in Discord (from
// GUILD_AUDIT_LOG_ENTRY_CREATE), the periodic sweep (at start, then every `every`) that
// resolves cases a crash left pending and lifts expired temporary bans, and the mod-log
// post every completed case gets. Private to the module.
#pragma once

#include <chrono>
#include <vector>

#include "cases.h"
#include "discord.h"
#include "mikami/framework/command.h"

namespace mikami::modules::moderation {

// Best effort: posts `c` in the guild's mod-log channel, when one is set.
void post_to_mod_log(BotStore& store, Discord& discord, const Case& c);

std::vector<framework::EventSpec> events();
std::vector<framework::TaskSpec> tasks(std::chrono::milliseconds every);

// One pass of the sweep (the task's body): pending cases made before `started_ms` are
// resolved against Discord's state (done when the action shows, otherwise failed), and
// temporary bans that ended by `now` are lifted, each as a case of its own.
void sweep(BotStore& store, Discord& discord, std::int64_t started_ms, std::int64_t now);

}  // namespace mikami::modules::moderation
