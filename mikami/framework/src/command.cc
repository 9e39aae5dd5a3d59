#include "mikami/framework/command.h"

namespace mikami::framework {

model::ApplicationCommand CommandSpec::definition() const {
  model::ApplicationCommand command;
  command.type = model::CommandType::kChatInput;
  command.name = name;
  command.description = description;
  command.options = options;
  command.default_member_permissions = default_member_permissions;
  // Guild-only commands are not offered in DMs.
  if (guild_only) command.contexts = {model::InteractionContext::kGuild};
  return command;
}

}  // namespace mikami::framework
