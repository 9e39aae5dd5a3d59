// Interactions (INTERACTION_CREATE): slash commands with typed options, components,
// autocomplete and modal submits, with what Discord resolved for them.
// Reference: https://discord.com/developers/docs/interactions/receiving-and-responding
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/status.h"
#include "mikami/model/channel.h"
#include "mikami/model/component.h"
#include "mikami/model/message.h"
#include "mikami/model/permissions.h"
#include "mikami/model/snowflake.h"
#include "mikami/model/user.h"

namespace mikami::model {

enum class InteractionType : std::uint8_t {
  kPing = 1,
  kApplicationCommand = 2,
  kMessageComponent = 3,
  kApplicationCommandAutocomplete = 4,
  kModalSubmit = 5,
};

enum class CommandType : std::uint8_t { kChatInput = 1, kUser = 2, kMessage = 3 };

enum class CommandOptionType : std::uint8_t {
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

// Where a command may be used (interaction context types).
enum class InteractionContext : std::uint8_t { kGuild = 0, kBotDm = 1, kPrivateChannel = 2 };

// The value of one option, typed by the option's type: kString -> string; kInteger ->
// int64; kNumber -> double; kBoolean -> bool; kUser/kChannel/kRole/kMentionable/kAttachment
// -> Snowflake (look it up in `resolved`); sub-commands and groups -> monostate. A focused
// autocomplete option is always the raw string the user has typed so far.
using OptionValue =
    std::variant<std::monostate, std::string, std::int64_t, double, bool, Snowflake>;

struct InteractionOption {
  std::string name{};
  CommandOptionType type = CommandOptionType::kString;
  OptionValue value{};
  bool focused = false;                      // autocomplete: the option being typed
  std::vector<InteractionOption> options{};  // sub-commands and groups

  const std::string* as_string() const { return std::get_if<std::string>(&value); }
  const std::int64_t* as_integer() const { return std::get_if<std::int64_t>(&value); }
  const double* as_number() const { return std::get_if<double>(&value); }
  const bool* as_bool() const { return std::get_if<bool>(&value); }
  const Snowflake* as_id() const { return std::get_if<Snowflake>(&value); }
  friend bool operator==(const InteractionOption&, const InteractionOption&) = default;
};

struct Attachment {
  AttachmentId id{};
  std::string filename{};
  std::string content_type{};
  std::uint64_t size = 0;
  std::string url{};
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// What Discord resolved for the ids in options and selects. Members here are partial (no
// user; the user is in `users` under the same id) and carry `permissions`.
struct Resolved {
  std::unordered_map<UserId, User> users{};
  std::unordered_map<UserId, Member> members{};
  std::unordered_map<RoleId, Role> roles{};
  std::unordered_map<ChannelId, Channel> channels{};
  std::unordered_map<AttachmentId, Attachment> attachments{};
  friend bool operator==(const Resolved&, const Resolved&) = default;
};

// A text input submitted with a modal.
struct ModalValue {
  std::string custom_id{};
  std::string value{};
  friend bool operator==(const ModalValue&, const ModalValue&) = default;
};

struct InteractionData {
  // Application commands and autocomplete.
  CommandId id{};
  std::string name{};
  CommandType command_type = CommandType::kChatInput;
  std::vector<InteractionOption> options{};
  GuildId guild_id{};     // a guild command's guild
  Snowflake target_id{};  // user and message commands
  // Components and modals.
  std::string custom_id{};
  ComponentType component_type = ComponentType::kButton;
  std::vector<std::string> values{};  // select menus: the chosen values (or ids)
  std::vector<ModalValue> modal_values{};
  Resolved resolved{};

  // The sub-command group and sub-command names, outermost first ({"module", "enable"}), and
  // the options of the innermost one.
  std::vector<std::string_view> subcommand_path() const;
  const std::vector<InteractionOption>& leaf_options() const;
  // The leaf option named `name`, or nullptr.
  const InteractionOption* option(std::string_view name) const;
  // The focused option of an autocomplete interaction, or nullptr.
  const InteractionOption* focused_option() const;
  friend bool operator==(const InteractionData&, const InteractionData&) = default;
};

struct Interaction {
  InteractionId id{};
  ApplicationId application_id{};
  InteractionType type = InteractionType::kPing;
  std::optional<InteractionData> data{};  // absent for PING
  GuildId guild_id{};                     // unset in DMs
  ChannelId channel_id{};
  std::optional<Channel> channel{};  // partial
  std::optional<Member> member{};    // in guilds: the invoker, with `permissions`
  std::optional<User> user{};        // in DMs: the invoker
  std::string token{};               // valid for 15 minutes from `id`'s timestamp
  std::int32_t version = 1;
  std::optional<Message> message{};  // components: the message that holds the component
  // The bot's permissions in the channel, overwrites included; nullopt when Discord did not
  // send them (compute them from the cache, never assume).
  std::optional<Permissions> app_permissions{};
  std::string locale{};
  std::string guild_locale{};
  std::optional<InteractionContext> context{};

  // The invoking user: member.user in guilds, user in DMs. Never null for a parsed
  // interaction other than PING.
  const User* invoker() const;
  // The invoker's permissions in the channel as Discord computed them; nullopt in DMs.
  std::optional<Permissions> invoker_permissions() const;
  bool in_guild() const { return guild_id.is_set(); }
  friend bool operator==(const Interaction&, const Interaction&) = default;
};

// Parses the `d` of an INTERACTION_CREATE (or an HTTP interaction body). Fails with
// kInvalidArgument naming the first bad field; an interaction without an invoker (other than
// PING) or without a token is malformed.
core::Result<Interaction> parse_interaction(const boost::json::value& json);
core::Result<Interaction> parse_interaction_text(std::string_view json_text);

}  // namespace mikami::model
