#include "mikami/framework/registry.h"

#include <boost/json.hpp>
#include <cctype>

namespace mikami::framework {
namespace {

namespace json = boost::json;

// Discord: 1-32 characters, lowercase letters, digits, '-' and '_'.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (unsigned char c : name) {
    if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
}

core::Status check_options(const std::string& where, const std::vector<OptionSpec>& options) {
  for (const OptionSpec& option : options) {
    if (!valid_name(option.name)) {
      return core::fail(core::ErrorCode::kInvalidArgument, where + ": option name '" + option.name +
                                                               "' is not 1-32 lowercase " +
                                                               "letters, digits, '-' or '_'");
    }
    if (option.description.empty() || option.description.size() > 100) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        where + " " + option.name + ": description must be 1-100 characters");
    }
    CORE_RETURN_IF_ERROR(check_options(where + " " + option.name, option.options));
  }
  return core::ok_status();
}

json::value choice_value(const ChoiceValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return json::value(*s);
  if (const auto* n = std::get_if<std::int64_t>(&value)) return json::value(*n);
  return json::value(std::get<double>(value));
}

json::object option_json(const OptionSpec& option) {
  json::object out{{"type", static_cast<int>(option.type)},
                   {"name", option.name},
                   {"description", option.description}};
  const bool leaf =
      option.type != OptionType::kSubCommand && option.type != OptionType::kSubCommandGroup;
  if (leaf && option.required) out["required"] = true;
  if (!option.choices.empty()) {
    json::array choices;
    for (const Choice& c : option.choices) {
      choices.push_back(json::object{{"name", c.name}, {"value", choice_value(c.value)}});
    }
    out["choices"] = std::move(choices);
  }
  auto number = [&](const char* key, const std::optional<double>& v) {
    if (!v) return;
    if (option.type == OptionType::kInteger) {
      out[key] = static_cast<std::int64_t>(*v);
    } else {
      out[key] = *v;
    }
  };
  number("min_value", option.min_value);
  number("max_value", option.max_value);
  if (option.min_length) out["min_length"] = *option.min_length;
  if (option.max_length) out["max_length"] = *option.max_length;
  if (option.autocomplete) out["autocomplete"] = true;
  if (!option.options.empty()) {
    json::array inner;
    for (const OptionSpec& o : option.options) inner.push_back(option_json(o));
    out["options"] = std::move(inner);
  }
  return out;
}

}  // namespace

core::Result<std::unique_ptr<Registry>> Registry::create(
    std::vector<std::unique_ptr<Module>> modules) {
  std::unique_ptr<Registry> registry(new Registry());
  for (auto& module : modules) {
    const std::string name = module->name();
    if (!valid_name(name)) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "module name '" + name + "' is not 1-32 lowercase letters or digits");
    }
    if (registry->module(name) != nullptr) {
      return core::fail(core::ErrorCode::kInvalidArgument, "two modules are named " + name);
    }
    for (CommandSpec& spec : module->commands()) {
      const std::string where = "module " + name + ", command /" + spec.name;
      if (!valid_name(spec.name)) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          where + ": the name is not 1-32 lowercase letters, digits, '-' or '_'");
      }
      if (spec.description.empty() || spec.description.size() > 100) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          where + ": description must be 1-100 characters");
      }
      if (!spec.handler) {
        return core::fail(core::ErrorCode::kInvalidArgument, where + ": no handler");
      }
      CORE_RETURN_IF_ERROR(check_options(where, spec.options));
      if (auto clash = registry->commands_.find(spec.name); clash != registry->commands_.end()) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          where + ": also declared by module " + clash->second.module->name());
      }
      std::string key = spec.name;  // not spec.name itself: spec is moved from below
      registry->commands_.emplace(std::move(key), RegisteredCommand{module.get(), std::move(spec)});
    }
    for (ComponentSpec& spec : module->components()) {
      for (const auto& other : registry->components_) {
        if (spec.custom_id_prefix.starts_with(other.spec.custom_id_prefix) ||
            other.spec.custom_id_prefix.starts_with(spec.custom_id_prefix)) {
          return core::fail(core::ErrorCode::kInvalidArgument,
                            "module " + name + ": component prefix '" + spec.custom_id_prefix +
                                "' overlaps '" + other.spec.custom_id_prefix + "' of module " +
                                other.module->name());
        }
      }
      if (spec.custom_id_prefix.empty()) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "module " + name + ": empty component prefix");
      }
      registry->components_.push_back(RegisteredComponent{module.get(), std::move(spec)});
    }
    for (EventSpec& spec : module->events()) {
      std::string event = spec.event_name;
      registry->events_.emplace(event, std::make_pair(module.get(), std::move(spec)));
    }
    registry->modules_.push_back(std::move(module));
  }
  return registry;
}

const Module* Registry::module(const std::string& name) const {
  for (const auto& m : modules_) {
    if (m->name() == name) return m.get();
  }
  return nullptr;
}

const RegisteredCommand* Registry::command(const std::string& name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

const RegisteredComponent* Registry::component(const std::string& custom_id) const {
  for (const auto& c : components_) {
    if (custom_id.starts_with(c.spec.custom_id_prefix)) return &c;
  }
  return nullptr;
}

std::vector<const EventSpec*> Registry::subscribers(const std::string& event_name) const {
  std::vector<const EventSpec*> out;
  auto [begin, end] = events_.equal_range(event_name);
  for (auto it = begin; it != end; ++it) out.push_back(&it->second.second);
  return out;
}

std::string Registry::commands_json() const {
  json::array out;
  for (const auto& [name, command] : commands_) {
    const CommandSpec& spec = command.spec;
    json::object c{{"type", 1}, {"name", spec.name}, {"description", spec.description}};
    json::array options;
    for (const OptionSpec& o : spec.options) options.push_back(option_json(o));
    c["options"] = std::move(options);
    if (spec.default_member_permissions) {
      c["default_member_permissions"] = std::to_string(*spec.default_member_permissions);
    }
    // Guild-only commands are not offered in DMs (context 0 is a guild).
    if (spec.guild_only) c["contexts"] = json::array{0};
    out.push_back(std::move(c));
  }
  return json::serialize(out);
}

}  // namespace mikami::framework
