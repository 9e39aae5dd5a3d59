// What a handler sees: the interaction (typed options by name), the store, the registry
// (for /help and /module) and the bot's services (latencies, role positions). A context
// lives for one handler call on one worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mikami/bot_store.h"
#include "mikami/framework/interaction.h"
#include "mikami/framework/registry.h"

namespace mikami::framework {

// What the running bot can tell handlers; the app implements it over its shards and REST
// client, tests over whatever they need. Thread safe.
class BotServices {
 public:
  virtual ~BotServices() = default;
  // The gateway heartbeat latency of the shard serving `guild_id`; nullopt before the
  // first acknowledged heartbeat.
  virtual std::optional<std::chrono::microseconds> gateway_latency(const std::string& guild_id) = 0;
  // One REST round trip to Discord (a request that changes nothing); nullopt on failure.
  virtual std::optional<std::chrono::microseconds> rest_round_trip() = 0;
  // The position of the highest of `role_ids` in the guild (0 for none, -1 when unknown),
  // and the guild's owner, for the role hierarchy check. Defaults: unknown.
  virtual int top_role_position(const std::string& guild_id,
                                const std::vector<std::string>& role_ids) {
    (void)guild_id;
    (void)role_ids;
    return -1;
  }
  virtual std::vector<std::string> bot_role_ids(const std::string& guild_id) {
    (void)guild_id;
    return {};
  }
};

class CommandContext {
 public:
  CommandContext(const Interaction& interaction, const RegisteredCommand* command, BotStore& store,
                 const Registry& registry, BotServices& services)
      : interaction_(interaction),
        command_(command),
        store_(store),
        registry_(registry),
        services_(services) {}

  const Interaction& interaction() const { return interaction_; }
  // The command being run (null for components).
  const RegisteredCommand* command() const { return command_; }
  BotStore& store() { return store_; }
  const Registry& registry() const { return registry_; }
  BotServices& services() { return services_; }

  // "enable" for /module enable, "group sub" for a subcommand in a group, "" for none.
  std::string subcommand() const;
  // Leaf option values by name; nullopt when absent (validation already checked types).
  std::optional<std::string> string(const std::string& name) const;
  std::optional<std::int64_t> integer(const std::string& name) const;
  std::optional<double> number(const std::string& name) const;
  std::optional<bool> boolean(const std::string& name) const;
  // User, channel, role and mentionable options hold ids.
  std::optional<std::string> id(const std::string& name) const { return string(name); }

 private:
  const InteractionOption* find(const std::string& name) const;

  const Interaction& interaction_;
  const RegisteredCommand* command_;
  BotStore& store_;
  const Registry& registry_;
  BotServices& services_;
};

class AutocompleteContext : public CommandContext {
 public:
  using CommandContext::CommandContext;
  // The option being typed and what has been typed so far.
  std::string focused_option() const;
  std::string focused_text() const;
};

}  // namespace mikami::framework
