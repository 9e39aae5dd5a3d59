#include <boost/json.hpp>
#include <cstdio>

#include "mikami/framework/checks.h"
#include "mikami/framework/context.h"
#include "mikami/modules/utility.h"

namespace mikami::modules {
namespace {

namespace json = boost::json;
using framework::CommandContext;
using framework::CommandSpec;
using framework::OptionSpec;
using framework::OptionType;
using framework::Reply;

std::string millis(std::optional<std::chrono::microseconds> value) {
  if (!value) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", static_cast<double>(value->count()) / 1000.0);
  return buffer;
}

bool enabled_here(CommandContext& ctx, const framework::Module& module) {
  if (!module.can_be_disabled() || !ctx.interaction().in_guild()) return true;
  auto enabled = ctx.store().module_enabled(ctx.interaction().guild_id.to_string(), module.name());
  if (!enabled) throw std::runtime_error(enabled.error().message());
  return enabled->value_or(module.enabled_by_default());
}

Reply ping(CommandContext& ctx) {
  const auto gateway = ctx.services().gateway_latency(ctx.interaction().guild_id);
  const auto rest = ctx.services().rest_round_trip();
  return Reply{"pong: gateway heartbeat " + millis(gateway) + ", REST round trip " + millis(rest),
               "", std::nullopt};
}

std::string usage(const std::string& prefix, const std::vector<OptionSpec>& options) {
  std::string out;
  for (const OptionSpec& o : options) {
    if (o.type == OptionType::kSubCommand || o.type == OptionType::kSubCommandGroup) continue;
    out += " " + std::string(o.required ? "" : "[") + o.name + ":" + (o.required ? "" : "]");
  }
  return prefix + out;
}

Reply help(CommandContext& ctx) {
  json::array fields;
  for (const auto& module : ctx.registry().modules()) {
    if (!enabled_here(ctx, *module)) continue;
    std::string lines;
    for (const auto& [name, command] : ctx.registry().commands()) {
      if (command.module != module.get()) continue;
      if (framework::check_user_permissions(command.spec, ctx.interaction())) continue;
      bool has_subs = false;
      for (const OptionSpec& o : command.spec.options) {
        if (o.type != OptionType::kSubCommand) continue;
        has_subs = true;
        lines += usage("/" + name + " " + o.name, o.options) + " - " + o.description + "\n";
      }
      if (!has_subs) {
        lines += usage("/" + name, command.spec.options) + " - " + command.spec.description + "\n";
      }
    }
    if (lines.empty()) continue;
    fields.push_back(json::object{{"name", module->name() + ": " + module->description()},
                                  {"value", lines.substr(0, 1024)},
                                  {"inline", false}});
  }
  json::array embeds{json::object{
      {"title", "Commands you can use here"}, {"color", 0x5865F2}, {"fields", std::move(fields)}}};
  return Reply{"", json::serialize(embeds), std::nullopt};
}

Reply module_command(CommandContext& ctx) {
  const std::string sub = ctx.subcommand();
  const std::string guild = ctx.interaction().guild_id.to_string();
  if (sub == "list") {
    std::string lines;
    for (const auto& module : ctx.registry().modules()) {
      lines += (enabled_here(ctx, *module) ? "on   " : "off  ") + module->name() + " - " +
               module->description() + (module->can_be_disabled() ? "" : " (always on)") + "\n";
    }
    return Reply{"Modules in this server:\n" + lines, "", std::nullopt};
  }
  const std::string name = ctx.string("name").value_or("");
  const framework::Module* module = ctx.registry().module(name);
  if (module == nullptr) {
    std::string known;
    for (const auto& m : ctx.registry().modules()) known += (known.empty() ? "" : ", ") + m->name();
    return Reply{"option name: no module named " + name + " (modules: " + known + ")", "", true, "",
                 "invalid_option"};
  }
  const bool enable = sub == "enable";
  if (!enable && !module->can_be_disabled()) {
    return Reply{"the " + name + " module cannot be disabled", "", true, "", "not_allowed"};
  }
  if (auto status = ctx.store().set_module_enabled(guild, name, enable); !status) {
    throw std::runtime_error(status.error().message());
  }
  return Reply{
      "the " + name + " module is now " + (enable ? "enabled" : "disabled") + " in this server", "",
      std::nullopt};
}

std::vector<framework::Choice> module_names(framework::AutocompleteContext& ctx) {
  std::vector<framework::Choice> out;
  const std::string typed = ctx.focused_text();
  for (const auto& m : ctx.registry().modules()) {
    if (m->name().starts_with(typed)) out.push_back({m->name(), m->name()});
  }
  return out;
}

class UtilityModule final : public framework::Module {
 public:
  std::string name() const override { return "utility"; }
  std::string description() const override { return "ping, help and module switches"; }
  bool can_be_disabled() const override { return false; }

  std::vector<CommandSpec> commands() const override {
    CommandSpec ping_spec;
    ping_spec.name = "ping";
    ping_spec.description = "Gateway heartbeat latency and a REST round trip";
    ping_spec.guild_only = false;
    ping_spec.handler = ping;

    CommandSpec help_spec;
    help_spec.name = "help";
    help_spec.description = "The commands you can use here";
    help_spec.guild_only = false;
    help_spec.ephemeral = true;
    help_spec.handler = help;

    OptionSpec name_option = framework::option(OptionType::kString, "name", "The module", true);
    name_option.autocomplete = true;
    CommandSpec module_spec;
    module_spec.name = "module";
    module_spec.description = "Switch the bot's modules in this server";
    module_spec.default_member_permissions = framework::Permission::kManageGuild;
    module_spec.ephemeral = true;
    module_spec.options = {
        framework::option(OptionType::kSubCommand, "list", "Every module and whether it is on"),
        framework::option(OptionType::kSubCommand, "enable", "Turn a module on in this server",
                          false, {name_option}),
        framework::option(OptionType::kSubCommand, "disable", "Turn a module off in this server",
                          false, {name_option}),
    };
    module_spec.handler = module_command;
    module_spec.autocomplete = module_names;
    return {ping_spec, help_spec, module_spec};
  }
};

}  // namespace

std::unique_ptr<framework::Module> make_utility_module() {
  return std::make_unique<UtilityModule>();
}

}  // namespace mikami::modules
