// What a handler sees: the interaction (the model's, typed options by name), the store, the
// registry (for /help and /module) and the bot's services (latencies, the guild cache). A context
// lives for one handler call on one worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/bot_store.h"
#include "mikami/cache/guild_cache.h"
#include "mikami/framework/registry.h"
#include "mikami/model/interaction.h"
#include "mikami/rest_client.h"

namespace mikami::framework {

// What the running bot can tell handlers and the pipeline; the app implements it over its
// shards, caches and REST client, tests over whatever they need. Thread safe.
class BotServices {
 public:
  virtual ~BotServices() = default;
  // The gateway heartbeat latency of the shard serving `guild` (any shard for none);
  // nullopt before the first acknowledged heartbeat.
  virtual std::optional<std::chrono::microseconds> gateway_latency(model::GuildId guild) = 0;
  // One REST round trip to Discord (a request that changes nothing); nullopt on failure.
  virtual std::optional<std::chrono::microseconds> rest_round_trip() = 0;
  // The cache of the shard serving `guild`, which fetches what it lacks over REST and keeps
  // it. Null when the bot keeps none: the checks that need it then refuse, never guess.
  virtual cache::GuildCache* guild_cache(model::GuildId guild) {
    (void)guild;
    return nullptr;
  }
  // The bot's own user id (from READY, else fetched); an error when it cannot be known.
  virtual core::Result<model::UserId> bot_user() {
    return core::fail(core::ErrorCode::kUnavailable, "the bot's user is not known");
  }
  // The REST client, for handlers that act on Discord (a kick, a ban, a message in another
  // channel). Null when the bot has none: such handlers then refuse.
  virtual RestClient* rest() { return nullptr; }
};

class CommandContext {
 public:
  CommandContext(const model::Interaction& interaction, const RegisteredCommand* command,
                 BotStore& store, const Registry& registry, BotServices& services)
      : interaction_(interaction),
        command_(command),
        store_(store),
        registry_(registry),
        services_(services) {}

  const model::Interaction& interaction() const { return interaction_; }
  // The invoker (member.user in guilds, user in DMs).
  model::UserId user_id() const;
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
  // User, channel, role, mentionable and attachment options hold ids (the entities are in
  // interaction().data->resolved).
  std::optional<model::Snowflake> id(const std::string& name) const;

 private:
  const model::InteractionOption* find(const std::string& name) const;

  const model::Interaction& interaction_;
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
