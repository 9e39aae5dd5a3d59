// Command sync: the registry's commands are pushed with one bulk overwrite (PUT) at start,
// globally or for one guild, and only when what Discord has (GET) differs from them, so a
// restart does not re-register (Discord limits command creation to 200 per day per guild).
// Reference: https://discord.com/developers/docs/interactions/application-commands
#pragma once

#include <string>

#include "core/status.h"
#include "mikami/rest_client.h"

namespace mikami::framework {

enum class SyncOutcome { kUnchanged, kPushed };

// `commands_json`: the array to register. `guild_id` empty: global commands. Blocks until
// Discord answered (call it off the shard threads). kUnavailable when a request fails.
core::Result<SyncOutcome> sync_commands(RestClient& rest, const std::string& application_id,
                                        const std::string& guild_id,
                                        const std::string& commands_json);

// Whether Discord's stored list `remote_json` already equals `local_json`: the same
// command names, and every field the bot sends equal in what Discord has (Discord adds
// ids, versions and defaults of its own, which are not differences).
bool commands_match(const std::string& local_json, const std::string& remote_json);

}  // namespace mikami::framework
