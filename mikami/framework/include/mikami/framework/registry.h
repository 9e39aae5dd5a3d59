// Every module's declarations, indexed: commands by name, components by custom_id prefix,
// event subscriptions by event name. Built once at start from the composition root's
// module list; read-only afterwards (so thread safe).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/framework/command.h"
#include "mikami/framework/module.h"

namespace mikami::framework {

struct RegisteredCommand {
  const Module* module = nullptr;
  CommandSpec spec;
};

struct RegisteredComponent {
  const Module* module = nullptr;
  ComponentSpec spec;
};

class Registry {
 public:
  // kInvalidArgument naming the clash: two modules of one name, two commands of one name,
  // overlapping component prefixes, a command or option name Discord would refuse.
  static core::Result<std::unique_ptr<Registry>> create(
      std::vector<std::unique_ptr<Module>> modules);

  const std::vector<std::unique_ptr<Module>>& modules() const { return modules_; }
  const Module* module(const std::string& name) const;
  const RegisteredCommand* command(const std::string& name) const;
  const std::map<std::string, RegisteredCommand>& commands() const { return commands_; }
  // The component whose prefix starts `custom_id`, or null.
  const RegisteredComponent* component(const std::string& custom_id) const;
  std::vector<const EventSpec*> subscribers(const std::string& event_name) const;

  // The application commands Discord registers (model::commands_to_json serialises them).
  std::vector<model::ApplicationCommand> definitions() const;

 private:
  Registry() = default;
  std::vector<std::unique_ptr<Module>> modules_;
  std::map<std::string, RegisteredCommand> commands_;
  std::vector<RegisteredComponent> components_;
  std::multimap<std::string, std::pair<const Module*, EventSpec>> events_;
};

}  // namespace mikami::framework
