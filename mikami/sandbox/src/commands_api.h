// Application commands: GET and PUT (bulk overwrite) of the global commands and of one
// guild's commands. A PUT replaces the whole list, gives each command an id (kept when a
// command of that name existed), and answers with the stored list, as Discord does.
#pragma once

#include "console_state.h"
#include "http_util.h"
#include "routes.h"

namespace mikami::sandbox {

// `guild_id` is empty for global commands. Answers 400 Invalid Form Body when the body is
// not an array of objects with a "name".
Response get_commands(const ConsoleState& state, const std::string& guild_id);
Response put_commands(ConsoleState& state, const std::string& application_id,
                      const std::string& guild_id, const json::value& body);

}  // namespace mikami::sandbox
