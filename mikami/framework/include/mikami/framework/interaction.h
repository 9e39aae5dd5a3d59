// The fields of an INTERACTION_CREATE the pipeline reads, parsed once on receipt: who
// (user, member permissions in the channel), where (guild, channel), what the bot may do
// there (app_permissions), and what was invoked (command, subcommand path, leaf options,
// resolved members; or a component's custom_id). Unknown fields are ignored.
// Reference: https://discord.com/developers/docs/interactions/receiving-and-responding
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "mikami/framework/command.h"

namespace mikami::framework {

enum class InteractionType : int {
  kPing = 1,
  kApplicationCommand = 2,
  kMessageComponent = 3,
  kAutocomplete = 4,
  kModalSubmit = 5,
};

using OptionValue = std::variant<std::string, std::int64_t, double, bool>;

struct InteractionOption {
  std::string name;
  OptionType type = OptionType::kString;
  OptionValue value;     // ids of users, channels and roles are strings
  bool focused = false;  // the option an autocomplete is for
};

// A member named by an option, as `resolved.members` carries it.
struct ResolvedMember {
  std::vector<std::string> role_ids;
  std::uint64_t permissions = 0;
};

struct Interaction {
  std::string id;
  std::string token;  // a credential: never logged
  std::string application_id;
  InteractionType type = InteractionType::kApplicationCommand;
  std::string guild_id;  // empty in DMs
  std::string channel_id;
  std::string user_id;
  std::string username;
  bool in_guild = false;
  std::uint64_t member_permissions = 0;  // the invoker's permissions in the channel
  std::vector<std::string> member_role_ids;
  std::uint64_t app_permissions = 0;  // the bot's permissions in the channel
  std::string command_name;
  std::vector<std::string> subcommand_path;                // {"enable"} or {"group", "sub"}
  std::vector<InteractionOption> options;                  // the leaf options
  std::map<std::string, ResolvedMember> resolved_members;  // by user id
  std::string custom_id;                                   // components
};

// kInvalidArgument naming the first missing or mistyped field.
core::Result<Interaction> parse_interaction(std::string_view json);
// The same from the parsed "d" the gateway hands on (DispatchAction::data).
core::Result<Interaction> parse_interaction(const boost::json::value& root);

}  // namespace mikami::framework
