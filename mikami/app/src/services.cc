#include "services.h"

#include <boost/json.hpp>

namespace mikami::app {
namespace {

namespace json = boost::json;

// GET `path` and parse its body with `parse`.
template <class Parse>
auto fetch(RestClient& rest, const std::string& path, Parse parse)
    -> decltype(parse(std::declval<const json::value&>())) {
  RestResponse response = rest.request(Method::kGet, path, "").get();
  if (response.status == 404) {
    return core::fail(core::ErrorCode::kNotFound, "GET " + path + ": not found");
  }
  if (response.status != 200) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "GET " + path + ": HTTP " + std::to_string(response.status) +
                          (response.error.empty() ? "" : " (" + response.error + ")"));
  }
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec) return core::fail(core::ErrorCode::kUnavailable, "GET " + path + ": not JSON");
  return parse(body);
}

}  // namespace

core::Result<model::Guild> RestFetcher::fetch_guild(model::GuildId guild) {
  return fetch(rest_, "/guilds/" + guild.to_string(),
               [](const json::value& v) { return model::parse_guild(v); });
}

core::Result<model::Channel> RestFetcher::fetch_channel(model::ChannelId channel) {
  return fetch(rest_, "/channels/" + channel.to_string(),
               [](const json::value& v) { return model::parse_channel(v); });
}

core::Result<model::Member> RestFetcher::fetch_member(model::GuildId guild, model::UserId user) {
  return fetch(rest_, "/guilds/" + guild.to_string() + "/members/" + user.to_string(),
               [](const json::value& v) { return model::parse_member(v); });
}

Services::Services(RestClient& rest, cache::CacheOptions cache_options)
    : rest_(rest), fetcher_(rest), cache_options_(std::move(cache_options)) {
  cache_options_.fetcher = &fetcher_;
}

void Services::attach(ShardManager& shards, int first_shard, int total_shards) {
  shards_ = &shards;
  first_shard_ = first_shard;
  total_shards_ = total_shards;
  caches_.clear();
  for (int i = 0; i < shards.shard_count(); ++i) {
    caches_.push_back(std::make_unique<cache::GuildCache>(cache_options_));
  }
}

void Services::set_bot_user(model::UserId id) {
  std::lock_guard lock(mutex_);
  bot_user_ = id;
}

cache::GuildCache* Services::shard_cache(int shard_id) {
  const int index = shard_id - first_shard_;
  if (index < 0 || index >= static_cast<int>(caches_.size())) return nullptr;
  return caches_[static_cast<std::size_t>(index)].get();
}

std::uint64_t Services::fetches() const {
  std::uint64_t total = 0;
  for (const auto& c : caches_) total += c->stats().fetches;
  return total;
}

int Services::shard_of(model::GuildId guild) const {
  if (!guild.is_set()) return first_shard_;  // DMs arrive on shard 0; any shard answers
  return ShardManager::shard_for_guild(guild.value(), total_shards_);
}

std::optional<std::chrono::microseconds> Services::gateway_latency(model::GuildId guild) {
  if (shards_ == nullptr) return std::nullopt;
  return shards_->heartbeat_latency(shard_of(guild));
}

std::optional<std::chrono::microseconds> Services::rest_round_trip() {
  const auto start = std::chrono::steady_clock::now();
  RestResponse response = rest_.request(Method::kGet, "/gateway/bot", "").get();
  if (response.status != 200) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

cache::GuildCache* Services::guild_cache(model::GuildId guild) {
  return shard_cache(shard_of(guild));
}

core::Result<model::UserId> Services::bot_user() {
  {
    std::lock_guard lock(mutex_);
    if (bot_user_.is_set()) return bot_user_;
  }
  // A resumed start: READY is not replayed.
  auto user = fetch(rest_, "/users/@me", [](const json::value& v) { return model::parse_user(v); });
  if (!user) return core::fail(user.error());
  set_bot_user(user->id);
  return user->id;
}

core::Result<model::ApplicationId> Services::application_id() {
  return fetch(rest_, "/applications/@me", [](const json::value& v) {
    const json::value* id = v.is_object() ? v.as_object().if_contains("id") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return core::Result<model::ApplicationId>(
          core::fail(core::ErrorCode::kUnavailable, "GET /applications/@me: no id"));
    }
    return model::ApplicationId::parse(id->as_string());
  });
}

}  // namespace mikami::app
