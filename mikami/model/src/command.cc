#include "mikami/model/command.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <set>

#include "exact_json.h"
#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

namespace {

bool is_group_or_sub(CommandOptionType t) {
  return t == CommandOptionType::kSubCommand || t == CommandOptionType::kSubCommandGroup;
}

core::Status invalid(const std::string& where, std::string_view problem) {
  return core::fail(core::ErrorCode::kInvalidArgument, where + ": " + std::string(problem));
}

// Chat input names: 1-32 characters, no spaces, no uppercase (Discord's ^[-_\p{L}\p{N}]{1,32}$
// with lowercase variants); ASCII punctuation other than - and _ is refused.
core::Status check_chat_name(const std::string& where, std::string_view name) {
  const std::size_t n = detail::code_points(name);
  if (n < 1 || n > 32) return invalid(where, "name must have 1 to 32 characters");
  for (unsigned char c : name) {
    if (c >= 0x80 || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      continue;
    }
    if (c >= 'A' && c <= 'Z') return invalid(where, "name must be lowercase");
    return invalid(where, "name may hold only letters, digits, - and _");
  }
  return core::ok_status();
}

core::Status check_description(const std::string& where, std::string_view text) {
  const std::size_t n = detail::code_points(text);
  if (n < 1 || n > 100) return invalid(where, "description must have 1 to 100 characters");
  return core::ok_status();
}

core::Status check_options(const std::string& where, const std::vector<CommandOption>& options,
                           int depth);

core::Status check_option(const std::string& where, const CommandOption& o, int depth) {
  CORE_RETURN_IF_ERROR(check_chat_name(where, o.name));
  CORE_RETURN_IF_ERROR(check_description(where, o.description));
  if (o.type == CommandOptionType::kSubCommandGroup) {
    if (depth != 0) return invalid(where, "a sub-command group must be at the top level");
    for (const CommandOption& sub : o.options) {
      if (sub.type != CommandOptionType::kSubCommand) {
        return invalid(where + " " + sub.name, "a group may hold only sub-commands");
      }
    }
    return check_options(where, o.options, depth + 1);
  }
  if (o.type == CommandOptionType::kSubCommand) {
    if (depth > 1) return invalid(where, "sub-commands nest at most group > sub-command");
    for (const CommandOption& sub : o.options) {
      if (is_group_or_sub(sub.type)) {
        return invalid(where + " " + sub.name, "a sub-command cannot hold sub-commands");
      }
    }
    return check_options(where, o.options, 2);
  }
  if (!o.options.empty()) return invalid(where, "only sub-commands and groups have options");
  if (o.autocomplete && !o.choices.empty()) {
    return invalid(where, "choices and autocomplete cannot both be set");
  }
  if (o.choices.size() > 25) return invalid(where, "at most 25 choices");
  for (const CommandChoice& choice : o.choices) {
    const std::size_t n = detail::code_points(choice.name);
    if (n < 1 || n > 100) return invalid(where, "choice names must have 1 to 100 characters");
    const bool typed = (o.type == CommandOptionType::kString &&
                        std::holds_alternative<std::string>(choice.value)) ||
                       (o.type == CommandOptionType::kInteger &&
                        std::holds_alternative<std::int64_t>(choice.value)) ||
                       (o.type == CommandOptionType::kNumber &&
                        !std::holds_alternative<std::string>(choice.value));
    if (!typed) return invalid(where, "choice \"" + choice.name + "\" is not of the option's type");
  }
  const bool numeric =
      o.type == CommandOptionType::kInteger || o.type == CommandOptionType::kNumber;
  if ((o.min_value || o.max_value) && !numeric) {
    return invalid(where, "min_value/max_value apply to integer and number options only");
  }
  if (o.type == CommandOptionType::kInteger &&
      ((o.min_value && !detail::is_discord_integer(*o.min_value)) ||
       (o.max_value && !detail::is_discord_integer(*o.max_value)))) {
    return invalid(where,
                   "an integer option's min_value/max_value must be whole numbers from "
                   "-(2^53 - 1) to 2^53 - 1");
  }
  if (o.min_value && o.max_value && *o.min_value > *o.max_value) {
    return invalid(where, "min_value is above max_value");
  }
  if ((o.min_length || o.max_length) && o.type != CommandOptionType::kString) {
    return invalid(where, "min_length/max_length apply to string options only");
  }
  if (o.max_length && (*o.max_length < 1 || *o.max_length > 6000)) {
    return invalid(where, "max_length must be 1 to 6000");
  }
  if (o.min_length && o.max_length && *o.min_length > *o.max_length) {
    return invalid(where, "min_length is above max_length");
  }
  if (!o.channel_types.empty() && o.type != CommandOptionType::kChannel) {
    return invalid(where, "channel_types apply to channel options only");
  }
  return core::ok_status();
}

core::Status check_options(const std::string& where, const std::vector<CommandOption>& options,
                           int depth) {
  if (options.size() > 25) return invalid(where, "at most 25 options");
  std::set<std::string_view> names;
  bool optional_seen = false;
  bool subs = false;
  bool plain = false;
  for (const CommandOption& o : options) {
    const std::string at = where + " option " + o.name;
    if (!names.insert(o.name).second) return invalid(at, "option names must be unique");
    (is_group_or_sub(o.type) ? subs : plain) = true;
    if (!is_group_or_sub(o.type)) {
      if (o.required && optional_seen) {
        return invalid(at, "required options must come before optional ones");
      }
      optional_seen |= !o.required;
    }
    CORE_RETURN_IF_ERROR(check_option(at, o, depth));
  }
  if (subs && plain) return invalid(where, "sub-commands cannot sit beside plain options");
  return core::ok_status();
}

json::value choice_value_json(const ChoiceValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return json::value(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return json::value(*i);
  return json::value(std::get<double>(v));
}

}  // namespace

json::array choices_to_json(const std::vector<CommandChoice>& choices) {
  json::array out;
  for (const CommandChoice& c : choices) {
    out.push_back(json::object{{"name", c.name}, {"value", choice_value_json(c.value)}});
  }
  return out;
}

namespace {

json::object option_to_json(const CommandOption& o) {
  json::object j{
      {"type", static_cast<int>(o.type)}, {"name", o.name}, {"description", o.description}};
  if (o.required) j["required"] = true;
  if (!o.choices.empty()) j["choices"] = choices_to_json(o.choices);
  if (o.autocomplete) j["autocomplete"] = true;
  if (!o.options.empty()) {
    json::array options;
    for (const CommandOption& sub : o.options) options.push_back(option_to_json(sub));
    j["options"] = std::move(options);
  }
  if (!o.channel_types.empty()) {
    json::array types;
    for (ChannelType t : o.channel_types) types.push_back(static_cast<int>(t));
    j["channel_types"] = std::move(types);
  }
  // Integer bounds are integers on the wire; one that is not a whole number in Discord's
  // integer range (a definition check refuses it) is written as it was read, never cast.
  auto bound = [&](const char* key, const std::optional<double>& v) {
    if (!v) return;
    if (o.type == CommandOptionType::kInteger && detail::is_discord_integer(*v)) {
      j[key] = static_cast<std::int64_t>(*v);
    } else {
      j[key] = *v;
    }
  };
  bound("min_value", o.min_value);
  bound("max_value", o.max_value);
  if (o.min_length) j["min_length"] = *o.min_length;
  if (o.max_length) j["max_length"] = *o.max_length;
  return j;
}

core::Result<CommandChoice> parse_choice(const json::value& v, CommandOptionType type) {
  detail::Fields f(v, "choice");
  CommandChoice c;
  f.string("name", c.name, detail::Need::kRequired);
  if (const json::value* value = f.get("value"); value && f.ok()) {
    if (value->is_string()) {
      c.value = std::string(value->get_string());
    } else if (type == CommandOptionType::kNumber && value->is_number()) {
      c.value = value->to_number<double>();
    } else if (value->is_int64()) {
      c.value = value->get_int64();
    } else if (value->is_double()) {
      c.value = value->get_double();
    } else {
      f.fail("value", "expected a string or a number");
    }
  } else if (f.ok()) {
    f.fail("value", "missing");
  }
  return f.finish(std::move(c));
}

core::Result<CommandOption> parse_option(const json::value& v) {
  detail::Fields f(v, "option");
  CommandOption o;
  f.integer("type", o.type, detail::Need::kRequired);
  f.string("name", o.name, detail::Need::kRequired);
  f.string("description", o.description);
  f.boolean("required", o.required);
  f.list("choices", o.choices, [&](const json::value& c) { return parse_choice(c, o.type); });
  f.boolean("autocomplete", o.autocomplete);
  f.list("options", o.options, parse_option);
  f.list("channel_types", o.channel_types, detail::channel_type_from);
  if (f.get("min_value")) {
    double x = 0;
    f.number("min_value", x);
    o.min_value = x;
  }
  if (f.get("max_value")) {
    double x = 0;
    f.number("max_value", x);
    o.max_value = x;
  }
  f.integer("min_length", o.min_length);
  f.integer("max_length", o.max_length);
  return f.finish(std::move(o));
}

}  // namespace

bool same_definition(const ApplicationCommand& a, const ApplicationCommand& b) {
  return a.type == b.type && a.name == b.name && a.description == b.description &&
         a.options == b.options && a.default_member_permissions == b.default_member_permissions &&
         a.dm_permission.value_or(true) == b.dm_permission.value_or(true) &&
         a.contexts == b.contexts && a.nsfw == b.nsfw;
}

bool same_definitions(const std::vector<ApplicationCommand>& a,
                      const std::vector<ApplicationCommand>& b) {
  if (a.size() != b.size()) return false;
  std::map<std::pair<CommandType, std::string_view>, const ApplicationCommand*> by_key;
  for (const ApplicationCommand& c : a) by_key[{c.type, c.name}] = &c;
  if (by_key.size() != a.size()) return false;
  for (const ApplicationCommand& c : b) {
    auto it = by_key.find({c.type, c.name});
    if (it == by_key.end() || !same_definition(*it->second, c)) return false;
  }
  return true;
}

core::Status validate_command(const ApplicationCommand& c) {
  const std::string where = "command " + c.name;
  if (c.type == CommandType::kChatInput) {
    CORE_RETURN_IF_ERROR(check_chat_name(where, c.name));
    CORE_RETURN_IF_ERROR(check_description(where, c.description));
    return check_options(where, c.options, 0);
  }
  const std::size_t n = detail::code_points(c.name);
  if (n < 1 || n > 32) return invalid(where, "name must have 1 to 32 characters");
  if (!c.description.empty() || !c.options.empty()) {
    return invalid(where, "user and message commands have no description or options");
  }
  return core::ok_status();
}

json::object command_to_json(const ApplicationCommand& c) {
  json::object j{{"type", static_cast<int>(c.type)}, {"name", c.name}};
  if (c.type == CommandType::kChatInput) j["description"] = c.description;
  if (!c.options.empty()) {
    json::array options;
    for (const CommandOption& o : c.options) options.push_back(option_to_json(o));
    j["options"] = std::move(options);
  }
  j["default_member_permissions"] = c.default_member_permissions
                                        ? json::value(c.default_member_permissions->to_string())
                                        : json::value(nullptr);
  if (c.dm_permission) j["dm_permission"] = *c.dm_permission;
  if (!c.contexts.empty()) {
    json::array contexts;
    for (InteractionContext x : c.contexts) contexts.push_back(static_cast<int>(x));
    j["contexts"] = std::move(contexts);
  }
  if (c.nsfw) j["nsfw"] = true;
  return j;
}

std::string commands_to_json(const std::vector<ApplicationCommand>& commands) {
  json::array a;
  for (const ApplicationCommand& c : commands) a.push_back(command_to_json(c));
  return json::serialize(a);
}

core::Result<ApplicationCommand> parse_command(const json::value& v) {
  detail::Fields f(v, "command");
  ApplicationCommand c;
  f.id("id", c.id);
  f.id("application_id", c.application_id);
  f.id("guild_id", c.guild_id);
  f.integer("type", c.type);
  f.string("name", c.name, detail::Need::kRequired);
  f.string("description", c.description);
  f.list("options", c.options, parse_option);
  f.permissions("default_member_permissions", c.default_member_permissions);
  f.boolean("dm_permission", c.dm_permission);
  f.list("contexts", c.contexts, [](const json::value& x) -> core::Result<InteractionContext> {
    if (!x.is_int64() || x.get_int64() < 0 || x.get_int64() > 2) {
      return core::fail(core::ErrorCode::kInvalidArgument, "expected a context type");
    }
    return InteractionContext(x.get_int64());
  });
  f.boolean("nsfw", c.nsfw);
  return f.finish(std::move(c));
}

core::Result<std::vector<ApplicationCommand>> parse_commands_text(std::string_view text) {
  boost::system::error_code ec;
  // Exact numbers: what commands_to_json wrote reads back equal (same_definitions).
  json::value v = detail::parse_json_exact(text, ec);
  if (ec)
    return core::fail(core::ErrorCode::kInvalidArgument, "commands: not JSON: " + ec.message());
  const json::array* a = v.if_array();
  if (!a) return core::fail(core::ErrorCode::kInvalidArgument, "commands: expected an array");
  std::vector<ApplicationCommand> out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    auto c = parse_command((*a)[i]);
    if (!c) return core::fail(c.error().with_context("commands[" + std::to_string(i) + "]"));
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace mikami::model
