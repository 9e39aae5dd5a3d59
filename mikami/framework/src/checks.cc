#include "mikami/framework/checks.h"

#include <cmath>

namespace mikami::framework {
namespace {

const char* kind(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "text";
    case OptionType::kInteger:
      return "an integer";
    case OptionType::kNumber:
      return "a number";
    case OptionType::kBoolean:
      return "true or false";
    case OptionType::kUser:
      return "a user";
    case OptionType::kChannel:
      return "a channel";
    case OptionType::kRole:
      return "a role";
    case OptionType::kMentionable:
      return "a user or role";
    default:
      return "a value";
  }
}

using model::InteractionOption;
using model::OptionValue;

bool has_type(OptionType type, const OptionValue& value) {
  switch (type) {
    case OptionType::kString:
      return std::holds_alternative<std::string>(value);
    case OptionType::kInteger:
      return std::holds_alternative<std::int64_t>(value);
    case OptionType::kNumber:
      return std::holds_alternative<double>(value) || std::holds_alternative<std::int64_t>(value);
    case OptionType::kBoolean:
      return std::holds_alternative<bool>(value);
    default:  // users, channels, roles, mentionables and attachments: ids
      return std::holds_alternative<model::Snowflake>(value);
  }
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  return std::to_string(v);
}

bool equals(const model::ChoiceValue& choice, const OptionValue& value) {
  if (const auto* s = std::get_if<std::string>(&choice)) {
    const auto* v = std::get_if<std::string>(&value);
    return v != nullptr && *v == *s;
  }
  double c = std::holds_alternative<std::int64_t>(choice)
                 ? static_cast<double>(std::get<std::int64_t>(choice))
                 : std::get<double>(choice);
  if (const auto* n = std::get_if<std::int64_t>(&value)) return static_cast<double>(*n) == c;
  if (const auto* d = std::get_if<double>(&value)) return *d == c;
  return false;
}

// The leaf options of the invoked subcommand.
const std::vector<OptionSpec>* leaf_schema(const CommandSpec& spec,
                                           const std::vector<std::string_view>& path,
                                           std::string& missing_sub) {
  const std::vector<OptionSpec>* schema = &spec.options;
  std::size_t depth = 0;
  for (;;) {
    bool has_subs = false;
    for (const auto& o : *schema) {
      has_subs |= o.type == OptionType::kSubCommand || o.type == OptionType::kSubCommandGroup;
    }
    if (!has_subs) return schema;
    if (depth >= path.size()) {
      missing_sub = "a subcommand is required";
      return nullptr;
    }
    const std::string_view name = path[depth++];
    const std::vector<OptionSpec>* next = nullptr;
    for (const auto& o : *schema) {
      if (o.name == name) next = &o.options;
    }
    if (next == nullptr) {
      missing_sub = "unknown subcommand " + std::string(name);
      return nullptr;
    }
    schema = next;
  }
}

}  // namespace

std::string permission_names(Permissions bits) {
  // The names Discord's client shows.
  static const std::pair<Permission, const char*> kNames[] = {
      {Permission::kKickMembers, "Kick Members"},
      {Permission::kBanMembers, "Ban Members"},
      {Permission::kAdministrator, "Administrator"},
      {Permission::kManageChannels, "Manage Channels"},
      {Permission::kManageGuild, "Manage Server"},
      {Permission::kViewChannel, "View Channel"},
      {Permission::kSendMessages, "Send Messages"},
      {Permission::kManageMessages, "Manage Messages"},
      {Permission::kEmbedLinks, "Embed Links"},
      {Permission::kManageRoles, "Manage Roles"},
      {Permission::kModerateMembers, "Timeout Members"},
  };
  std::string out;
  Permissions named;
  for (const auto& [bit, name] : kNames) {
    if (bits.has(bit)) {
      out += (out.empty() ? "" : ", ") + std::string(name);
      named |= bit;
    }
  }
  if (!named.missing(bits).empty())
    out += (out.empty() ? "" : ", ") + std::string("other permissions");
  return out;
}

std::optional<std::string> validate_options(const CommandSpec& spec,
                                            const model::Interaction& interaction) {
  if (!interaction.data) return "/" + spec.name + ": the interaction carries no data";
  const model::InteractionData& data = *interaction.data;
  std::string missing_sub;
  const std::vector<OptionSpec>* schema = leaf_schema(spec, data.subcommand_path(), missing_sub);
  if (schema == nullptr) return "/" + spec.name + ": " + missing_sub;
  const std::vector<InteractionOption>& options = data.leaf_options();
  for (const InteractionOption& given : options) {
    const OptionSpec* option = nullptr;
    for (const auto& o : *schema) {
      if (o.name == given.name) option = &o;
    }
    if (option == nullptr) return "option " + given.name + ": this command has no such option";
    if (given.focused) continue;  // autocomplete: partly typed
    if (!has_type(option->type, given.value)) {
      return "option " + given.name + ": must be " + kind(option->type);
    }
    if (!option->choices.empty()) {
      bool found = false;
      std::string names;
      for (const Choice& c : option->choices) {
        found |= equals(c.value, given.value);
        names += (names.empty() ? "" : ", ") + c.name;
      }
      if (!found) return "option " + given.name + ": must be one of " + names;
    }
    double number = 0;
    bool numeric = false;
    if (const auto* n = std::get_if<std::int64_t>(&given.value)) {
      number = static_cast<double>(*n);
      numeric = true;
    } else if (const auto* d = std::get_if<double>(&given.value)) {
      number = *d;
      numeric = true;
    }
    if (numeric && option->min_value && number < *option->min_value) {
      return "option " + given.name + ": must be at least " + number_text(*option->min_value);
    }
    if (numeric && option->max_value && number > *option->max_value) {
      return "option " + given.name + ": must be at most " + number_text(*option->max_value);
    }
    if (const auto* s = std::get_if<std::string>(&given.value);
        s != nullptr && option->type == OptionType::kString) {
      if (option->min_length && s->size() < *option->min_length) {
        return "option " + given.name + ": must be at least " +
               std::to_string(*option->min_length) + " characters";
      }
      if (option->max_length && s->size() > *option->max_length) {
        return "option " + given.name + ": must be at most " + std::to_string(*option->max_length) +
               " characters";
      }
    }
  }
  if (interaction.type == model::InteractionType::kApplicationCommandAutocomplete) {
    return std::nullopt;
  }
  for (const auto& o : *schema) {
    if (!o.required) continue;
    bool present = false;
    for (const auto& given : options) present |= given.name == o.name;
    if (!present) return "option " + o.name + ": is required";
  }
  return std::nullopt;
}

std::optional<std::string> check_user_permissions(const CommandSpec& spec,
                                                  const model::Interaction& interaction) {
  if (spec.guild_only && !interaction.in_guild())
    return "/" + spec.name + " works only in a server";
  if (!spec.default_member_permissions || !interaction.in_guild()) return std::nullopt;
  const Permissions have = interaction.invoker_permissions().value_or(Permissions());
  if (have.has(Permission::kAdministrator)) return std::nullopt;
  // Discord's "0": administrators only.
  if (spec.default_member_permissions->empty()) return "/" + spec.name + " is for administrators";
  const Permissions missing = have.missing(*spec.default_member_permissions);
  if (missing.empty()) return std::nullopt;
  return "you need " + permission_names(missing) + " to use /" + spec.name;
}

std::optional<std::string> check_bot_permissions(const CommandSpec& spec, Permissions bot) {
  if (spec.bot_permissions.empty() || bot.has(Permission::kAdministrator)) return std::nullopt;
  const Permissions missing = bot.missing(spec.bot_permissions);
  if (missing.empty()) return std::nullopt;
  return "I need " + permission_names(missing) + " in this channel for /" + spec.name;
}

}  // namespace mikami::framework
