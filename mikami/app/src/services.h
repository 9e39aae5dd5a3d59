// What the running bot offers the pipeline and handlers (framework::BotServices): the
// gateway heartbeat latency per shard, a REST round trip, the guild cache of each shard the
// process runs (fed from the gateway; what it lacks is fetched over REST by RestFetcher and
// kept), and the bot's own user id (READY's; after a resumed start, GET /users/@me).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "mikami/cache/guild_cache.h"
#include "mikami/framework/context.h"
#include "mikami/rest_client.h"
#include "mikami/shard_manager.h"

namespace mikami::app {

// The cache's on-demand fetches over REST: GET /guilds/{id} (roles, owner), /channels/{id}
// (overwrites) and /guilds/{id}/members/{user}. A 404 is kNotFound, other failures
// kUnavailable. Thread safe (the REST client is).
class RestFetcher final : public cache::CacheFetcher {
 public:
  explicit RestFetcher(RestClient& rest) : rest_(rest) {}
  core::Result<model::Guild> fetch_guild(model::GuildId guild) override;
  core::Result<model::Channel> fetch_channel(model::ChannelId channel) override;
  core::Result<model::Member> fetch_member(model::GuildId guild, model::UserId user) override;

 private:
  RestClient& rest_;
};

class Services final : public framework::BotServices {
 public:
  Services(RestClient& rest, cache::CacheOptions cache_options);

  // Before the shards start: one cache per shard `shards` runs, shard ids
  // [first_shard, first_shard + shards->shard_count()) of a bot of `total_shards`.
  void attach(ShardManager& shards, int first_shard, int total_shards);
  int first_shard() const { return first_shard_; }
  void set_bot_user(model::UserId id);
  // The cache of shard `shard_id`; null for a shard this process does not run.
  cache::GuildCache* shard_cache(int shard_id);
  const std::vector<std::unique_ptr<cache::GuildCache>>& caches() const { return caches_; }
  std::uint64_t fetches() const;

  std::optional<std::chrono::microseconds> gateway_latency(model::GuildId guild) override;
  std::optional<std::chrono::microseconds> rest_round_trip() override;
  cache::GuildCache* guild_cache(model::GuildId guild) override;
  core::Result<model::UserId> bot_user() override;
  RestClient* rest() override { return &rest_; }
  // GET /applications/@me: the application after a resumed start.
  core::Result<model::ApplicationId> application_id();

 private:
  int shard_of(model::GuildId guild) const;

  RestClient& rest_;
  RestFetcher fetcher_;
  cache::CacheOptions cache_options_;
  // Set by attach() before any event, read-only afterwards.
  int first_shard_ = 0;
  int total_shards_ = 1;
  std::vector<std::unique_ptr<cache::GuildCache>> caches_;  // index: shard id - first_shard_
  ShardManager* shards_ = nullptr;
  std::mutex mutex_;
  model::UserId bot_user_;  // guarded by mutex_
};

}  // namespace mikami::app
