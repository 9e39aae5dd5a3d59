// Application command definitions (what a bot registers), serialised for the bulk
// overwrite routes and parsed from what GET .../commands returns, with an equality that
// ignores what Discord adds (ids, version, defaults) so command sync can skip an unchanged
// registry.
// Reference: https://discord.com/developers/docs/interactions/application-commands
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"
#include "mikami/model/channel.h"
#include "mikami/model/interaction.h"
#include "mikami/model/permissions.h"
#include "mikami/model/snowflake.h"

namespace mikami::model {

// A choice's value: a string for string options, int64 for integer options, double for
// number options (parsing normalises integers Discord sends for number options to double).
using ChoiceValue = std::variant<std::string, std::int64_t, double>;

struct CommandChoice {
  std::string name{};
  ChoiceValue value{};
  friend bool operator==(const CommandChoice&, const CommandChoice&) = default;
};

struct CommandOption {
  CommandOptionType type = CommandOptionType::kString;
  std::string name{};
  std::string description{};
  bool required = false;
  std::vector<CommandChoice> choices{};
  bool autocomplete = false;
  std::vector<CommandOption> options{};  // a sub-command's options, a group's sub-commands
  std::vector<ChannelType> channel_types{};
  std::optional<double> min_value{};  // integer and number options
  std::optional<double> max_value{};
  std::optional<std::uint32_t> min_length{};  // string options
  std::optional<std::uint32_t> max_length{};
  friend bool operator==(const CommandOption&, const CommandOption&) = default;
};

struct ApplicationCommand {
  // Set by Discord; not part of the definition (ignored by same_definition and not sent).
  CommandId id{};
  ApplicationId application_id{};
  GuildId guild_id{};

  CommandType type = CommandType::kChatInput;
  std::string name{};
  std::string description{};  // empty for user and message commands
  std::vector<CommandOption> options{};
  // Who may use it by default; nullopt: everyone; Permissions(): administrators only.
  std::optional<Permissions> default_member_permissions{};
  std::optional<bool> dm_permission{};         // older field; nullopt means true
  std::vector<InteractionContext> contexts{};  // empty: Discord's default
  bool nsfw = false;
};

// True when `a` and `b` define the same command: every field but the ids, with Discord's
// defaults applied (an absent dm_permission is true).
bool same_definition(const ApplicationCommand& a, const ApplicationCommand& b);
// True when both lists hold the same definitions, in any order (keyed by type and name).
bool same_definitions(const std::vector<ApplicationCommand>& a,
                      const std::vector<ApplicationCommand>& b);

// Checks Discord's rules that would otherwise come back as a 400 on registration: names of
// 1-32 lowercase characters without spaces for chat input commands, descriptions of 1-100
// characters, at most 25 options and 25 choices, required options before optional ones,
// choices and autocomplete not both, sub-commands nested at most group > sub-command,
// choices typed like their option. kInvalidArgument names the command and option.
core::Status validate_command(const ApplicationCommand& command);

boost::json::object command_to_json(const ApplicationCommand& command);
// A choices array, as options declare them and autocomplete answers (type 8) carry them.
boost::json::array choices_to_json(const std::vector<CommandChoice>& choices);
// The body of PUT /applications/{id}/commands (bulk overwrite): a JSON array.
std::string commands_to_json(const std::vector<ApplicationCommand>& commands);

core::Result<ApplicationCommand> parse_command(const boost::json::value& json);
// Parses the array GET /applications/{id}/commands returns.
core::Result<std::vector<ApplicationCommand>> parse_commands_text(std::string_view json_text);

}  // namespace mikami::model
