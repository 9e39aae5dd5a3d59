#include "mikami/framework/registry.h"

#include <cctype>

namespace mikami::framework {
namespace {

// Discord: 1-32 characters, lowercase letters, digits, '-' and '_'.
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (unsigned char c : name) {
    if (!(std::islower(c) || std::isdigit(c) || c == '-' || c == '_')) return false;
  }
  return true;
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
      if (auto status = model::validate_command(spec.definition()); !status) {
        return core::fail(status.error().with_context("module " + name));
      }
      if (!spec.handler) {
        return core::fail(core::ErrorCode::kInvalidArgument, where + ": no handler");
      }
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

std::vector<model::ApplicationCommand> Registry::definitions() const {
  std::vector<model::ApplicationCommand> out;
  out.reserve(commands_.size());
  for (const auto& [name, command] : commands_) out.push_back(command.spec.definition());
  return out;
}

}  // namespace mikami::framework
