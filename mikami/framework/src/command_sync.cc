#include "mikami/framework/command_sync.h"

namespace mikami::framework {

core::Result<SyncOutcome> sync_commands(RestClient& rest, const std::string& application_id,
                                        const std::string& guild_id,
                                        const std::vector<model::ApplicationCommand>& commands) {
  const std::string path = "/applications/" + application_id +
                           (guild_id.empty() ? "" : "/guilds/" + guild_id) + "/commands";
  RestResponse current = rest.request(Method::kGet, path, "").get();
  if (current.status != 200) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "reading the registered commands: HTTP " + std::to_string(current.status) +
                          (current.error.empty() ? "" : " (" + current.error + ")"));
  }
  auto remote = model::parse_commands_text(current.body);
  if (!remote) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "reading the registered commands: " + remote.error().message());
  }
  if (model::same_definitions(commands, *remote)) return SyncOutcome::kUnchanged;
  RestResponse put = rest.request(Method::kPut, path, model::commands_to_json(commands)).get();
  if (put.status != 200) {
    return core::fail(core::ErrorCode::kUnavailable, "registering the commands: HTTP " +
                                                         std::to_string(put.status) + " " +
                                                         put.body.substr(0, 300));
  }
  return SyncOutcome::kPushed;
}

}  // namespace mikami::framework
