// Turns a line typed in the console ("/module disable name:economy", "/warn user:@bob
// reason:spam links") into the `data` of an APPLICATION_COMMAND interaction, the way
// Discord's client does from the registered schemas: the command by name, subcommand
// groups and subcommands by the following words, options as `name:value` (a value runs to
// the next `option:` or the end of the line), users and roles as `@name`, channels as
// `#name`; `resolved` carries the users, members, roles and channels the options name.
//
// Like Discord's client it refuses a line whose command is unknown, whose subcommand is
// missing, whose required option is absent or whose value does not have the option's
// type (an integer, a number, a boolean, a known member, role or channel). Choices and
// min/max are left to the bot, so its own validation can be seen from the console.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "guild.h"

namespace mikami::sandbox {

struct TypedLineError {
  std::string message;  // for the person typing, e.g. "/module needs a subcommand: ..."
};

// `commands`: the registered commands that apply (the guild's, then global ones).
// `permissions_of(user_id)` gives a member's permissions, for resolved members.
std::variant<boost::json::object, TypedLineError> parse_typed_line(
    std::string_view line, const boost::json::array& commands, const Guild& guild,
    const std::function<std::string(const std::string&)>& permissions_of);

// Discord's option types.
namespace option_type {
constexpr int kSubCommand = 1;
constexpr int kSubCommandGroup = 2;
constexpr int kString = 3;
constexpr int kInteger = 4;
constexpr int kBoolean = 5;
constexpr int kUser = 6;
constexpr int kChannel = 7;
constexpr int kRole = 8;
constexpr int kMentionable = 9;
constexpr int kNumber = 10;
constexpr int kAttachment = 11;
}  // namespace option_type

}  // namespace mikami::sandbox
