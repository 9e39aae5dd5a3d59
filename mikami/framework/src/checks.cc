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

bool has_type(OptionType type, const OptionValue& value) {
  switch (type) {
    case OptionType::kInteger:
      return std::holds_alternative<std::int64_t>(value);
    case OptionType::kNumber:
      return std::holds_alternative<double>(value) || std::holds_alternative<std::int64_t>(value);
    case OptionType::kBoolean:
      return std::holds_alternative<bool>(value);
    default:
      return std::holds_alternative<std::string>(value);
  }
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  return std::to_string(v);
}

bool equals(const ChoiceValue& choice, const OptionValue& value) {
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
const std::vector<OptionSpec>* leaf_schema(const CommandSpec& spec, const Interaction& interaction,
                                           std::string& missing_sub) {
  const std::vector<OptionSpec>* schema = &spec.options;
  std::size_t depth = 0;
  for (;;) {
    bool has_subs = false;
    for (const auto& o : *schema) {
      has_subs |= o.type == OptionType::kSubCommand || o.type == OptionType::kSubCommandGroup;
    }
    if (!has_subs) return schema;
    if (depth >= interaction.subcommand_path.size()) {
      missing_sub = "a subcommand is required";
      return nullptr;
    }
    const std::string& name = interaction.subcommand_path[depth++];
    const std::vector<OptionSpec>* next = nullptr;
    for (const auto& o : *schema) {
      if (o.name == name) next = &o.options;
    }
    if (next == nullptr) {
      missing_sub = "unknown subcommand " + name;
      return nullptr;
    }
    schema = next;
  }
}

}  // namespace

std::string permission_names(std::uint64_t bits) {
  static const std::pair<std::uint64_t, const char*> kNames[] = {
      {permission::kKickMembers, "Kick Members"},
      {permission::kBanMembers, "Ban Members"},
      {permission::kAdministrator, "Administrator"},
      {permission::kManageChannels, "Manage Channels"},
      {permission::kManageGuild, "Manage Server"},
      {permission::kViewChannel, "View Channel"},
      {permission::kSendMessages, "Send Messages"},
      {permission::kManageMessages, "Manage Messages"},
      {permission::kEmbedLinks, "Embed Links"},
      {permission::kManageRoles, "Manage Roles"},
      {permission::kModerateMembers, "Timeout Members"},
  };
  std::string out;
  std::uint64_t named = 0;
  for (const auto& [bit, name] : kNames) {
    if (bits & bit) {
      out += (out.empty() ? "" : ", ") + std::string(name);
      named |= bit;
    }
  }
  if (bits & ~named) out += (out.empty() ? "" : ", ") + std::string("other permissions");
  return out;
}

std::optional<std::string> validate_options(const CommandSpec& spec,
                                            const Interaction& interaction) {
  std::string missing_sub;
  const std::vector<OptionSpec>* schema = leaf_schema(spec, interaction, missing_sub);
  if (schema == nullptr) return "/" + spec.name + ": " + missing_sub;
  for (const InteractionOption& given : interaction.options) {
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
      if (option->min_length && static_cast<int>(s->size()) < *option->min_length) {
        return "option " + given.name + ": must be at least " +
               std::to_string(*option->min_length) + " characters";
      }
      if (option->max_length && static_cast<int>(s->size()) > *option->max_length) {
        return "option " + given.name + ": must be at most " + std::to_string(*option->max_length) +
               " characters";
      }
    }
  }
  if (interaction.type == InteractionType::kAutocomplete) return std::nullopt;
  for (const auto& o : *schema) {
    if (!o.required) continue;
    bool present = false;
    for (const auto& given : interaction.options) present |= given.name == o.name;
    if (!present) return "option " + o.name + ": is required";
  }
  return std::nullopt;
}

std::optional<std::string> check_user_permissions(const CommandSpec& spec,
                                                  const Interaction& interaction) {
  if (spec.guild_only && !interaction.in_guild) return "/" + spec.name + " works only in a server";
  if (!spec.default_member_permissions || *spec.default_member_permissions == 0) {
    return spec.default_member_permissions
               ? std::optional<std::string>("/" + spec.name + " is disabled for everyone")
               : std::nullopt;
  }
  const std::uint64_t have = interaction.member_permissions;
  if (have & permission::kAdministrator) return std::nullopt;
  const std::uint64_t missing = *spec.default_member_permissions & ~have;
  if (missing == 0) return std::nullopt;
  return "you need " + permission_names(missing) + " to use /" + spec.name;
}

std::optional<std::string> check_bot_permissions(const CommandSpec& spec,
                                                 const Interaction& interaction) {
  if (spec.bot_permissions == 0 || !interaction.in_guild) return std::nullopt;
  const std::uint64_t have = interaction.app_permissions;
  if (have & permission::kAdministrator) return std::nullopt;
  const std::uint64_t missing = spec.bot_permissions & ~have;
  if (missing == 0) return std::nullopt;
  return "I need " + permission_names(missing) + " in this channel for /" + spec.name;
}

}  // namespace mikami::framework
