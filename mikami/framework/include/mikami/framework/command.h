// What a module declares: slash commands with typed options (choices, ranges, required,
// autocomplete; subcommands and groups: the model's CommandOption), who may run them
// (default member permissions, guild only), what the bot needs (its own permissions), how
// the reply is seen (public or ephemeral, decided before any deferral), a cooldown, and the
// handler. definition() is what Discord registers (the model serialises it); the framework
// checks every interaction against the same declaration before a handler runs.
// Reference: https://discord.com/developers/docs/interactions/application-commands
#pragma once

#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mikami/model/command.h"
#include "mikami/model/permissions.h"

namespace mikami {
class BotStore;
}

namespace mikami::framework {

class BotServices;
class CommandContext;
class AutocompleteContext;

// The model's declaration types, under the names modules use.
using OptionType = model::CommandOptionType;
using Choice = model::CommandChoice;
using OptionSpec = model::CommandOption;
using model::Permission;
using model::Permissions;

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
// says otherwise for this one reply (errors are always ephemeral). `components_json` is a
// JSON array of Discord action rows (buttons whose custom_id a ComponentSpec owns); empty:
// none. `refusal` is set when the handler declined to do what was asked (an insufficient
// balance, a daily already claimed, a target that is not a member): a short snake_case name
// from a fixed set ("insufficient_balance"), which analytics and mikami_commands_total count
// as the result instead of "ok". Empty: the command did what was asked.
struct Reply {
  std::string content;
  std::string embeds_json;
  std::optional<bool> ephemeral;
  std::string components_json{};
  std::string refusal{};
};

using CommandHandler = std::function<Reply(CommandContext&)>;
using AutocompleteHandler = std::function<std::vector<Choice>(AutocompleteContext&)>;

struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  // Discord hides the command from members without these bits; the framework checks them
  // again, since guild admins can override the default. nullopt: everyone.
  std::optional<Permissions> default_member_permissions;
  bool guild_only = true;
  bool ephemeral = false;       // the reply (and any deferral) is private
  Permissions bot_permissions;  // the bot needs these in the channel
  // The option naming a member the command acts on (a moderation target): the invoker and
  // the bot must both be above that member in the role hierarchy. Empty: none.
  std::string target_member_option;
  std::chrono::milliseconds cooldown{0};  // per user and command; 0: none
  CommandHandler handler;
  AutocompleteHandler autocomplete;

  // The chat input command Discord registers: name, description, options, default member
  // permissions, and the guild context alone when guild_only.
  model::ApplicationCommand definition() const;
};

// A component handler owns every custom_id that starts with its prefix ("poll:").
struct ComponentSpec {
  std::string custom_id_prefix;
  CommandHandler handler;  // its Reply updates the message holding the component
};

// A gateway event a module wants (e.g. "GUILD_MEMBER_ADD"): the dispatch's `d`. Runs on a
// worker thread, never on the shard's thread; the events of one guild reach them one at a time in
// the order Discord sent them (guilds, and events without a guild, in parallel with each other).
struct EventSpec {
  std::string event_name;
  std::function<void(const boost::json::value& data)> handler;
  // Instead of `handler`, for a module that must read or write its tables or call Discord
  // when the event comes (the store and the bot's services, as a command's context has).
  std::function<void(const boost::json::value& data, BotStore& store, BotServices& services)>
      handler_with_services;
};

// Work a module does on its own time: once as the bot starts (finishing what a crash left
// half done), then every `every` (e.g. lifting temporary bans that expired). Runs on a worker
// thread; a run that throws is logged and the next one still comes.
struct TaskSpec {
  std::string name;
  std::chrono::milliseconds every{60'000};
  std::function<void(BotStore& store, BotServices& services)> run;
};

}  // namespace mikami::framework
