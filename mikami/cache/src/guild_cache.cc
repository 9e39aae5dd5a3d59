#include "mikami/cache/guild_cache.h"

#include <algorithm>
#include <mutex>

namespace mikami::cache {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

core::Error not_cached(std::string_view what) {
  return core::Error(core::ErrorCode::kNotFound,
                     std::string(what) + " is not cached and no fetcher is configured");
}

}  // namespace

GuildCache::GuildCache(CacheOptions options) : options_(std::move(options)) {}

core::Status GuildCache::ingest_text(std::string_view event_name, std::string_view d_text) {
  return ingest_parsed(model::parse_event_text(event_name, d_text));
}

core::Status GuildCache::ingest(std::string_view event_name, const boost::json::value& d) {
  return ingest_parsed(model::parse_event(event_name, d));
}

core::Status GuildCache::ingest_parsed(core::Result<model::Event> event) {
  if (!event) {
    std::unique_lock lock(mutex_);
    ++counters_.malformed;
    return core::fail(event.error());
  }
  apply(*event);
  return core::ok_status();
}

void GuildCache::apply(const model::Event& event) {
  bool became_ready = false;
  std::optional<ChunkCompletion> chunked;
  {
    std::unique_lock lock(mutex_);
    ++counters_.events;
    std::visit(
        Overloaded{
            [&](const model::ReadyEvent& e) {
              on_ready(e);
              became_ready = ready_;
            },
            [&](const model::GuildCreateEvent& e) { became_ready = on_guild_create(e.guild); },
            [&](const model::GuildUpdateEvent& e) { on_guild_update(e.guild); },
            [&](const model::GuildDeleteEvent& e) { on_guild_delete(e); },
            [&](const model::ChannelEvent& e) { on_channel(e); },
            [&](const model::MemberAddEvent& e) {
              if (auto it = guilds_.find(e.guild_id); it != guilds_.end()) {
                put_member(it->second, e.member);
              }
            },
            [&](const model::MemberRemoveEvent& e) {
              if (auto it = guilds_.find(e.guild_id); it != guilds_.end()) {
                remove_member(it->second, e.user.id);
              }
            },
            [&](const model::MembersChunkEvent& e) {
              if (auto it = guilds_.find(e.guild_id); it != guilds_.end()) {
                for (const model::Member& m : e.members) put_member(it->second, m);
              }
              chunked = chunks_.on_chunk(e);
            },
            [&](const model::RoleEvent& e) {
              if (auto it = guilds_.find(e.guild_id); it != guilds_.end()) {
                it->second.roles[e.role.id] = e.role;
              }
            },
            [&](const model::RoleDeleteEvent& e) {
              if (auto it = guilds_.find(e.guild_id); it != guilds_.end()) {
                it->second.roles.erase(e.role_id);
                for (auto& [id, member] : it->second.members) std::erase(member.roles, e.role_id);
              }
            },
            [&](const model::MessageCreateEvent& e) {
              // A message carries its author's partial member: refresh what is cached.
              const model::Message& m = e.message;
              if (!m.member || !m.guild_id.is_set()) return;
              auto it = guilds_.find(m.guild_id);
              if (it == guilds_.end()) return;
              auto member = it->second.members.find(m.author.id);
              if (member == it->second.members.end()) return;
              member->second.roles = m.member->roles;
              member->second.nick = m.member->nick;
              member->second.communication_disabled_until_ms =
                  m.member->communication_disabled_until_ms;
            },
            [&](const auto&) {},  // presences, interactions, others: nothing cached
        },
        event);
  }
  if (became_ready && options_.on_shard_ready) options_.on_shard_ready();
  if (chunked && options_.on_members_chunked) options_.on_members_chunked(*chunked);
}

void GuildCache::on_ready(const model::ReadyEvent& e) {
  // A new session: what was cached may be stale; the guilds arrive again.
  guilds_.clear();
  channels_.clear();
  member_order_.clear();
  member_count_ = 0;
  self_members_ = 0;
  self_ = e.user.id;
  pending_.clear();
  pending_.insert(e.guilds.begin(), e.guilds.end());
  for (GuildId id : e.guilds) {
    GuildState& state = guilds_[id];
    state.info.id = id;
    state.info.unavailable = true;
  }
  ready_ = pending_.empty();
}

bool GuildCache::on_guild_create(const model::Guild& g) {
  if (g.unavailable) {
    guilds_[g.id].info.id = g.id;
    guilds_[g.id].info.unavailable = true;
    return false;
  }
  GuildState& state = guilds_[g.id];
  for (ChannelId id : state.channels) channels_.erase(id);
  state.channels.clear();
  put_guild_info(state, g);
  // One rehash up front instead of a dozen while a large guild's members arrive.
  // (Only as many as the member policy keeps: bounded caching must stay bounded.)
  std::size_t incoming = g.members.size();
  if (options_.members == MemberCaching::kNone) incoming = 0;
  if (options_.members == MemberCaching::kCapped) {
    incoming = std::min(incoming, options_.max_members);
  }
  state.members.reserve(state.members.size() + incoming);
  state.channels.reserve(g.channels.size() + g.threads.size());
  channels_.reserve(channels_.size() + g.channels.size() + g.threads.size());
  for (const auto* list : {&g.channels, &g.threads}) {
    for (const model::Channel& c : *list) {
      channels_[c.id] = c;
      state.channels.insert(c.id);
    }
  }
  for (const model::Member& m : g.members) put_member(state, m);
  const bool was_pending = pending_.erase(g.id) > 0;
  if (was_pending && pending_.empty() && !ready_) {
    ready_ = true;
    return true;
  }
  return false;
}

void GuildCache::put_guild_info(GuildState& state, const model::Guild& g) {
  state.info = g;
  state.info.channels.clear();
  state.info.threads.clear();
  state.info.members.clear();
  state.info.roles.clear();
  state.roles.clear();
  for (const model::Role& r : g.roles) state.roles[r.id] = r;
}

void GuildCache::on_guild_update(const model::Guild& g) {
  auto it = guilds_.find(g.id);
  if (it == guilds_.end()) return;
  put_guild_info(it->second, g);
}

void GuildCache::on_guild_delete(const model::GuildDeleteEvent& e) {
  if (e.unavailable) {
    // An outage: the guild is still ours and its state stays until it comes back.
    if (auto it = guilds_.find(e.id); it != guilds_.end()) it->second.info.unavailable = true;
    return;
  }
  drop_guild(e.id);
  pending_.erase(e.id);
}

void GuildCache::drop_guild(GuildId id) {
  auto it = guilds_.find(id);
  if (it == guilds_.end()) return;
  for (ChannelId c : it->second.channels) channels_.erase(c);
  member_count_ -= it->second.members.size();
  self_members_ -= it->second.members.contains(self_);
  guilds_.erase(it);
}

void GuildCache::on_channel(const model::ChannelEvent& e) {
  const model::Channel& c = e.channel;
  auto guild = c.guild_id.is_set() ? guilds_.find(c.guild_id) : guilds_.end();
  if (e.kind == model::ChannelEvent::Kind::kDelete) {
    channels_.erase(c.id);
    if (guild != guilds_.end()) guild->second.channels.erase(c.id);
    return;
  }
  if (guild == guilds_.end()) return;  // DMs and unknown guilds are not cached
  channels_[c.id] = c;
  guild->second.channels.insert(c.id);
}

void GuildCache::put_member(GuildState& guild, const model::Member& member) {
  const UserId user = member.user_id();
  if (!user.is_set()) return;
  auto existing = guild.members.find(user);
  if (existing != guild.members.end()) {
    existing->second = member;
    return;
  }
  if (options_.members == MemberCaching::kNone && user != self_) return;
  if (options_.members == MemberCaching::kCapped && user != self_) {
    if (options_.max_members == 0) return;
    while (member_count_ - self_members_ >= options_.max_members && !member_order_.empty()) {
      auto [g, u] = member_order_.front();
      member_order_.pop_front();
      auto state = guilds_.find(g);
      if (state == guilds_.end() || u == self_) continue;
      if (state->second.members.erase(u) > 0) {
        --member_count_;
        ++counters_.members_evicted;
      }
    }
    member_order_.emplace_back(guild.info.id, user);
  }
  guild.members.emplace(user, member);
  ++member_count_;
  self_members_ += user == self_;
  // Removed members leave stale entries behind; keep the queue within a bound.
  if (member_order_.size() > 2 * options_.max_members + 64) {
    std::deque<std::pair<GuildId, UserId>> live;
    for (auto [g, u] : member_order_) {
      auto state = guilds_.find(g);
      if (state != guilds_.end() && state->second.members.contains(u)) live.emplace_back(g, u);
    }
    member_order_ = std::move(live);
  }
}

void GuildCache::remove_member(GuildState& guild, UserId user) {
  if (guild.members.erase(user) == 0) return;
  --member_count_;
  self_members_ -= user == self_;
}

std::string GuildCache::request_members(const ChunkRequest& request, std::string* nonce) {
  std::unique_lock lock(mutex_);
  return chunks_.request(request, nonce);
}

std::optional<model::Guild> GuildCache::guild(GuildId id) const {
  std::shared_lock lock(mutex_);
  auto it = guilds_.find(id);
  if (it == guilds_.end() || (it->second.info.name.empty() && it->second.info.unavailable)) {
    return std::nullopt;
  }
  model::Guild g = it->second.info;
  g.roles.reserve(it->second.roles.size());
  for (const auto& [rid, role] : it->second.roles) g.roles.push_back(role);
  return g;
}

std::optional<model::Channel> GuildCache::channel(ChannelId id) const {
  std::shared_lock lock(mutex_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return std::nullopt;
  return it->second;
}

std::optional<model::Role> GuildCache::role(GuildId guild, RoleId id) const {
  std::shared_lock lock(mutex_);
  auto g = guilds_.find(guild);
  if (g == guilds_.end()) return std::nullopt;
  auto r = g->second.roles.find(id);
  if (r == g->second.roles.end()) return std::nullopt;
  return r->second;
}

std::optional<model::Member> GuildCache::member(GuildId guild, UserId user) const {
  std::shared_lock lock(mutex_);
  auto g = guilds_.find(guild);
  if (g == guilds_.end()) return std::nullopt;
  auto m = g->second.members.find(user);
  if (m == g->second.members.end()) return std::nullopt;
  return m->second;
}

std::vector<ChannelId> GuildCache::guild_channels(GuildId guild) const {
  std::shared_lock lock(mutex_);
  auto g = guilds_.find(guild);
  if (g == guilds_.end()) return {};
  return {g->second.channels.begin(), g->second.channels.end()};
}

bool GuildCache::is_unavailable(GuildId guild) const {
  std::shared_lock lock(mutex_);
  auto g = guilds_.find(guild);
  return g != guilds_.end() && g->second.info.unavailable;
}

UserId GuildCache::current_user() const {
  std::shared_lock lock(mutex_);
  return self_;
}

bool GuildCache::shard_ready() const {
  std::shared_lock lock(mutex_);
  return ready_;
}

std::vector<GuildId> GuildCache::pending_guilds() const {
  std::shared_lock lock(mutex_);
  return {pending_.begin(), pending_.end()};
}

CacheStats GuildCache::stats() const {
  std::shared_lock lock(mutex_);
  CacheStats s = counters_;
  s.guilds = guilds_.size();
  s.unavailable_guilds = 0;
  s.roles = 0;
  for (const auto& [id, g] : guilds_) {
    s.unavailable_guilds += g.info.unavailable;
    s.roles += g.roles.size();
  }
  s.channels = channels_.size();
  s.members = member_count_;
  return s;
}

core::Result<model::Member> GuildCache::get_member(GuildId guild, UserId user) {
  if (auto m = member(guild, user)) return *std::move(m);
  if (!options_.fetcher) return core::fail(not_cached("member " + user.to_string()));
  auto fetched = options_.fetcher->fetch_member(guild, user);
  if (!fetched) return fetched;
  if (!fetched->user) {
    fetched->user = model::User{};
    fetched->user->id = user;
  }
  std::unique_lock lock(mutex_);
  ++counters_.fetches;
  if (auto it = guilds_.find(guild); it != guilds_.end()) put_member(it->second, *fetched);
  return fetched;
}

core::Result<model::Channel> GuildCache::get_channel(ChannelId id) {
  if (auto c = channel(id)) return *std::move(c);
  if (!options_.fetcher) return core::fail(not_cached("channel " + id.to_string()));
  auto fetched = options_.fetcher->fetch_channel(id);
  if (!fetched) return fetched;
  std::unique_lock lock(mutex_);
  ++counters_.fetches;
  if (auto g = guilds_.find(fetched->guild_id); g != guilds_.end()) {
    channels_[id] = *fetched;
    g->second.channels.insert(id);
  }
  return fetched;
}

core::Result<model::Guild> GuildCache::get_guild(GuildId id) {
  // Also during an outage: what was cached before it is still the best knowledge.
  if (auto g = guild(id)) return *std::move(g);
  if (!options_.fetcher) return core::fail(not_cached("guild " + id.to_string()));
  auto fetched = options_.fetcher->fetch_guild(id);
  if (!fetched) return fetched;
  std::unique_lock lock(mutex_);
  ++counters_.fetches;
  GuildState& state = guilds_[id];
  const bool unavailable = state.info.unavailable && !state.info.name.empty();
  put_guild_info(state, *fetched);
  state.info.unavailable = unavailable;
  return fetched;
}

core::Result<GuildCache::Context> GuildCache::context(GuildId guild, UserId user,
                                                      std::int64_t now_ms) {
  auto g = get_guild(guild);
  if (!g) return core::fail(g.error());
  auto m = get_member(guild, user);
  if (!m) return core::fail(m.error());
  Context ctx;
  ctx.guild = std::move(*g);
  for (const model::Role& r : ctx.guild.roles) {
    if (r.id.value() == guild.value()) ctx.member.everyone = r.permissions;
  }
  for (RoleId id : m->roles) {
    auto it = std::find_if(ctx.guild.roles.begin(), ctx.guild.roles.end(),
                           [&](const model::Role& r) { return r.id == id; });
    if (it == ctx.guild.roles.end()) {
      return core::fail(core::ErrorCode::kNotFound,
                        "role " + id.to_string() + " of member " + user.to_string() +
                            " is not known in guild " + guild.to_string());
    }
    ctx.roles.push_back(*it);
  }
  ctx.member.guild_id = guild;
  ctx.member.owner_id = ctx.guild.owner_id;
  ctx.member.user_id = user;
  ctx.member.timed_out = m->timed_out_at(now_ms);
  return ctx;
}

core::Result<Permissions> GuildCache::guild_permissions(GuildId guild, UserId user,
                                                        std::int64_t now_ms) {
  auto ctx = context(guild, user, now_ms);
  if (!ctx) return core::fail(ctx.error());
  ctx->member.roles = ctx->roles;
  return base_permissions(ctx->member);
}

core::Result<Permissions> GuildCache::permissions_in(GuildId guild, ChannelId channel, UserId user,
                                                     std::int64_t now_ms) {
  // The guild first: a fetched channel is cached only under a known guild.
  auto ctx = context(guild, user, now_ms);
  if (!ctx) return core::fail(ctx.error());
  auto c = get_channel(channel);
  if (!c) return core::fail(c.error());
  const bool thread = c->is_thread();
  if (thread) {
    // A thread has no overwrites of its own: its parent's apply.
    c = get_channel(c->parent_id);
    if (!c) return core::fail(c.error().with_context("thread parent"));
  }
  ctx->member.roles = ctx->roles;
  return channel_permissions(ctx->member, c->permission_overwrites, thread);
}

core::Result<bool> GuildCache::can_act_on(GuildId guild, UserId actor, UserId target,
                                          std::int64_t now_ms) {
  auto a = context(guild, actor, now_ms);
  if (!a) return core::fail(a.error());
  auto t = context(guild, target, now_ms);
  if (!t) return core::fail(t.error());
  a->member.roles = a->roles;
  t->member.roles = t->roles;
  return cache::can_act_on(a->member, t->member);
}

}  // namespace mikami::cache
