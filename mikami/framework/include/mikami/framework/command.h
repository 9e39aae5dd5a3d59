// What a module declares: slash commands with typed options (choices, ranges, required,
// autocomplete; subcommands and groups), who may run them (default member permissions,
// guild only), what the bot needs (its own permissions), how the reply is seen (public or
// ephemeral, decided before any deferral), a cooldown, and the handler. The framework
// turns these into Discord's application command JSON (command_json.h) and checks every
// interaction against them before a handler runs.
// Reference: https://discord.com/developers/docs/interactions/application-commands
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mikami::framework {

class CommandContext;
class AutocompleteContext;

// Discord's option types.
enum class OptionType : int {
  kSubCommand = 1,
  kSubCommandGroup = 2,
  kString = 3,
  kInteger = 4,
  kBoolean = 5,
  kUser = 6,
  kChannel = 7,
  kRole = 8,
  kMentionable = 9,
  kNumber = 10,
  kAttachment = 11,
};

using ChoiceValue = std::variant<std::string, std::int64_t, double>;

struct Choice {
  std::string name;
  ChoiceValue value;
};

struct OptionSpec {
  OptionType type = OptionType::kString;
  std::string name;  // 1-32 lowercase characters
  std::string description;
  bool required = false;
  std::vector<Choice> choices;      // when set, the value must be one of them
  std::optional<double> min_value;  // integers and numbers
  std::optional<double> max_value;
  std::optional<int> min_length;  // strings
  std::optional<int> max_length;
  bool autocomplete = false;        // the module's autocomplete handler suggests values
  std::vector<OptionSpec> options;  // a subcommand's options, a group's subcommands
};

// An option with the fields most have; set the others on the result.
inline OptionSpec option(OptionType type, std::string name, std::string description,
                         bool required = false, std::vector<OptionSpec> options = {}) {
  OptionSpec spec;
  spec.type = type;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.required = required;
  spec.options = std::move(options);
  return spec;
}

// What a handler answers. `embeds_json` is a JSON array of Discord embed objects (may be
// empty). The visibility is the command's (CommandSpec::ephemeral) unless `ephemeral`
// says otherwise for this one reply (errors are always ephemeral).
struct Reply {
  std::string content;
  std::string embeds_json;
  std::optional<bool> ephemeral;
};

using CommandHandler = std::function<Reply(CommandContext&)>;
using AutocompleteHandler = std::function<std::vector<Choice>(AutocompleteContext&)>;

struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  // Discord hides the command from members without these bits; the framework checks them
  // again, since guild admins can override the default. nullopt: everyone.
  std::optional<std::uint64_t> default_member_permissions;
  bool guild_only = true;
  bool ephemeral = false;             // the reply (and any deferral) is private
  std::uint64_t bot_permissions = 0;  // the bot needs these in the channel
  // The option naming a member the command acts on (a moderation target): the invoker and
  // the bot must both be above that member in the role hierarchy. Empty: none.
  std::string target_member_option;
  std::chrono::milliseconds cooldown{0};  // per user and command; 0: none
  CommandHandler handler;
  AutocompleteHandler autocomplete;
};

// A component handler owns every custom_id that starts with its prefix ("poll:").
struct ComponentSpec {
  std::string custom_id_prefix;
  CommandHandler handler;  // its Reply updates the message holding the component
};

// A gateway event a module wants (e.g. "GUILD_MEMBER_ADD"): the raw dispatch JSON. Runs on
// a worker thread, never on the shard's thread.
struct EventSpec {
  std::string event_name;
  std::function<void(const std::string& data_json)> handler;
};

}  // namespace mikami::framework
