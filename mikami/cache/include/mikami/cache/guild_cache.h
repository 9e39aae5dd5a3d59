// The state of one shard's guilds: guilds, roles, channels (threads included) and members,
// kept from READY, GUILD_CREATE and the update/delete events; the "shard ready" signal when
// every guild READY listed has arrived; member chunk requests; permissions computed from
// what is cached, with whatever is missing fetched on demand through a CacheFetcher.
//
// Thread safety: one writer (the shard's event loop calls apply/ingest) and any number of
// readers on other threads; readers get copies. Fetches run without the lock held.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "mikami/cache/member_chunks.h"
#include "mikami/cache/permissions.h"
#include "mikami/model/guild.h"

namespace mikami::cache {

// Called when the cache lacks something a query needs (after a resumed restart the cache
// starts empty: GUILD_CREATE is not replayed; without the members intent op 8 is refused).
// The bot implements it over REST (GET /guilds/{id}, /channels/{id},
// /guilds/{id}/members/{user}). Called from the querying thread, without the cache's lock;
// implementations must be thread safe. An error is passed to the caller, never replaced by
// a guess.
class CacheFetcher {
 public:
  virtual ~CacheFetcher() = default;
  // The guild with its roles and owner (members and channels may be empty).
  virtual core::Result<model::Guild> fetch_guild(GuildId guild) = 0;
  virtual core::Result<model::Channel> fetch_channel(ChannelId channel) = 0;
  virtual core::Result<model::Member> fetch_member(GuildId guild, UserId user) = 0;
};

enum class MemberCaching : std::uint8_t {
  kAll,     // every member seen
  kNone,    // only the bot's own member
  kCapped,  // at most max_members over all guilds (plus the bot's own); oldest evicted first
};

struct CacheOptions {
  MemberCaching members = MemberCaching::kAll;
  std::size_t max_members = 0;  // kCapped only
  // Called once per READY, after the last of its guilds arrived (or at READY when it lists
  // none). Called on the writer's thread, without the lock held.
  std::function<void()> on_shard_ready{};
  // Called when the last chunk of a request made with request_members arrived.
  std::function<void(const ChunkCompletion&)> on_members_chunked{};
  CacheFetcher* fetcher = nullptr;  // not owned; must outlive the cache; may be null
};

struct CacheStats {
  std::size_t guilds = 0;
  std::size_t unavailable_guilds = 0;
  std::size_t channels = 0;
  std::size_t roles = 0;
  std::size_t members = 0;
  std::uint64_t events = 0;
  std::uint64_t malformed = 0;  // dispatches ingest() dropped
  std::uint64_t members_evicted = 0;
  std::uint64_t fetches = 0;
};

class GuildCache {
 public:
  explicit GuildCache(CacheOptions options = {});
  GuildCache(const GuildCache&) = delete;
  GuildCache& operator=(const GuildCache&) = delete;

  // Writer side. Applies one typed event.
  void apply(const model::Event& event);
  // Applies a dispatch from its parsed `d` (DispatchAction::data). A malformed payload is
  // counted (stats().malformed), changes nothing and is returned as the error.
  core::Status ingest(std::string_view event_name, const boost::json::value& d);
  // The same from the text of `d`.
  core::Status ingest_text(std::string_view event_name, std::string_view d_text);
  // The op 8 payload for a member request whose chunks this cache will store and track.
  std::string request_members(const ChunkRequest& request, std::string* nonce = nullptr);

  // Readers. Each returns a copy, or nullopt when not cached.
  std::optional<model::Guild> guild(GuildId id) const;  // roles included; no members/channels
  std::optional<model::Channel> channel(ChannelId id) const;
  std::optional<model::Role> role(GuildId guild, RoleId id) const;
  std::optional<model::Member> member(GuildId guild, UserId user) const;
  std::vector<ChannelId> guild_channels(GuildId guild) const;
  bool is_unavailable(GuildId guild) const;
  UserId current_user() const;
  bool shard_ready() const;
  std::vector<GuildId> pending_guilds() const;  // listed by READY, not yet arrived
  CacheStats stats() const;

  // Cache first, else the fetcher (the result is cached, members within the policy).
  // kNotFound when missing and there is no fetcher; the fetcher's error otherwise.
  core::Result<model::Member> get_member(GuildId guild, UserId user);
  core::Result<model::Channel> get_channel(ChannelId id);
  core::Result<model::Guild> get_guild(GuildId id);

  // The member's permissions in the channel (for a thread: from its parent's overwrites),
  // computed with channel_permissions; timeouts judged at `now_ms` (Unix milliseconds).
  core::Result<Permissions> permissions_in(GuildId guild, ChannelId channel, UserId user,
                                           std::int64_t now_ms);
  // Guild-level permissions (base_permissions).
  core::Result<Permissions> guild_permissions(GuildId guild, UserId user, std::int64_t now_ms);
  // Role hierarchy through the cache (can_act_on).
  core::Result<bool> can_act_on(GuildId guild, UserId actor, UserId target, std::int64_t now_ms);

 private:
  struct GuildState {
    model::Guild info{};  // members, channels and threads kept apart
    std::unordered_map<RoleId, model::Role> roles{};
    std::unordered_set<ChannelId> channels{};
    std::unordered_map<UserId, model::Member> members{};
  };
  struct Context {
    model::Guild guild{};
    std::vector<model::Role> roles{};
    MemberContext member{};
  };

  core::Status ingest_parsed(core::Result<model::Event> event);
  void on_ready(const model::ReadyEvent& e);
  bool on_guild_create(const model::Guild& g);
  void on_guild_update(const model::Guild& g);
  void on_guild_delete(const model::GuildDeleteEvent& e);
  void on_channel(const model::ChannelEvent& e);
  void put_member(GuildState& guild, const model::Member& member);
  void remove_member(GuildState& guild, UserId user);
  void put_guild_info(GuildState& state, const model::Guild& g);
  void drop_guild(GuildId id);
  core::Result<Context> context(GuildId guild, UserId user, std::int64_t now_ms);

  CacheOptions options_{};
  mutable std::shared_mutex mutex_;
  std::unordered_map<GuildId, GuildState> guilds_{};          // guarded by mutex_
  std::unordered_map<ChannelId, model::Channel> channels_{};  // guarded by mutex_
  std::unordered_set<GuildId> pending_{};                     // guarded by mutex_
  bool ready_ = false;                                        // guarded by mutex_
  UserId self_{};                                             // guarded by mutex_
  std::size_t member_count_ = 0;
  std::size_t self_members_ =
      0;  // guarded by mutex_; the bot's own, never evicted // guarded by mutex_
  std::deque<std::pair<GuildId, UserId>> member_order_{};  // guarded by mutex_ (kCapped)
  MemberChunkTracker chunks_{};                            // guarded by mutex_
  CacheStats counters_{};                                  // guarded by mutex_
};

}  // namespace mikami::cache
