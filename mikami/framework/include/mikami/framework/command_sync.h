// Command sync: the registry's commands are pushed with one bulk overwrite (PUT) at start,
// globally or for one guild, and only when what Discord has (GET) defines other commands
// (model::same_definitions: Discord's ids, versions and defaults are not differences), so a
// restart does not re-register (Discord limits command creation to 200 per day per guild).
// Reference: https://discord.com/developers/docs/interactions/application-commands
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/model/command.h"
#include "mikami/rest_client.h"

namespace mikami::framework {

enum class SyncOutcome { kUnchanged, kPushed };

// `commands`: what to register. `guild_id` empty: global commands. Blocks until Discord
// answered (call it off the shard threads). kUnavailable when a request fails or Discord's
// list cannot be parsed.
core::Result<SyncOutcome> sync_commands(RestClient& rest, const std::string& application_id,
                                        const std::string& guild_id,
                                        const std::vector<model::ApplicationCommand>& commands);

}  // namespace mikami::framework
