#include "mikami/model/guild.h"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

namespace {

using detail::Need;

auto channel_of(GuildId guild) {
  return [guild](const json::value& v) {
    auto channel = parse_channel(v);
    if (channel && !channel->guild_id.is_set()) channel->guild_id = guild;
    return channel;
  };
}

core::Result<ReadyEvent> parse_ready(const json::value& d) {
  detail::Fields f(d, "READY");
  ReadyEvent e;
  f.child(
      "user", e.user, [](const json::value& u) { return parse_user(u); }, Need::kRequired);
  f.list("guilds", e.guilds, [](const json::value& g) -> core::Result<GuildId> {
    detail::Fields gf(g, "guild");
    GuildId id;
    gf.id("id", id, Need::kRequired);
    return gf.finish(std::move(id));
  });
  f.string("session_id", e.session_id, Need::kRequired);
  f.string("resume_gateway_url", e.resume_gateway_url);
  if (const json::value* app = f.get("application"); app && f.ok()) {
    detail::Fields af(*app, "READY.application");
    af.id("id", e.application_id);
    if (!af.ok()) return af.finish(std::move(e));
  }
  return f.finish(std::move(e));
}

core::Result<GuildDeleteEvent> parse_guild_delete(const json::value& d) {
  detail::Fields f(d, "GUILD_DELETE");
  GuildDeleteEvent e;
  f.id("id", e.id, Need::kRequired);
  f.boolean("unavailable", e.unavailable);
  return f.finish(std::move(e));
}

core::Result<MemberAddEvent> parse_member_event(const json::value& d, std::string_view what) {
  detail::Fields f(d, what);
  MemberAddEvent e;
  f.id("guild_id", e.guild_id, Need::kRequired);
  if (!f.ok()) return f.finish(std::move(e));
  auto member = parse_member(d);
  if (!member) return core::fail(member.error().with_context(what));
  if (!member->user)
    return core::fail(core::ErrorCode::kInvalidArgument, std::string(what) + ".user: missing");
  e.member = std::move(*member);
  return e;
}

core::Result<MemberRemoveEvent> parse_member_remove(const json::value& d) {
  detail::Fields f(d, "GUILD_MEMBER_REMOVE");
  MemberRemoveEvent e;
  f.id("guild_id", e.guild_id, Need::kRequired);
  f.child(
      "user", e.user, [](const json::value& u) { return parse_user(u); }, Need::kRequired);
  return f.finish(std::move(e));
}

core::Result<MembersChunkEvent> parse_members_chunk(const json::value& d) {
  detail::Fields f(d, "GUILD_MEMBERS_CHUNK");
  MembersChunkEvent e;
  f.id("guild_id", e.guild_id, Need::kRequired);
  f.list("members", e.members, [](const json::value& m) { return parse_member(m); });
  f.integer("chunk_index", e.chunk_index, Need::kRequired);
  f.integer("chunk_count", e.chunk_count, Need::kRequired);
  f.ids("not_found", e.not_found);
  f.string("nonce", e.nonce);
  if (f.ok() && (e.chunk_count < 1 || e.chunk_index < 0 || e.chunk_index >= e.chunk_count)) {
    f.fail("chunk_index", "outside 0..chunk_count-1");
  }
  return f.finish(std::move(e));
}

core::Result<RoleEvent> parse_role_event(const json::value& d, std::string_view what) {
  detail::Fields f(d, what);
  RoleEvent e;
  f.id("guild_id", e.guild_id, Need::kRequired);
  f.child(
      "role", e.role, [](const json::value& r) { return parse_role(r); }, Need::kRequired);
  return f.finish(std::move(e));
}

core::Result<RoleDeleteEvent> parse_role_delete(const json::value& d) {
  detail::Fields f(d, "GUILD_ROLE_DELETE");
  RoleDeleteEvent e;
  f.id("guild_id", e.guild_id, Need::kRequired);
  f.id("role_id", e.role_id, Need::kRequired);
  return f.finish(std::move(e));
}

core::Result<PresenceEvent> parse_presence(const json::value& d) {
  detail::Fields f(d, "PRESENCE_UPDATE");
  PresenceEvent e;
  f.id("guild_id", e.guild_id);
  if (const json::value* user = f.get("user"); user && f.ok()) {
    detail::Fields uf(*user, "PRESENCE_UPDATE.user");
    uf.id("id", e.user_id, Need::kRequired);
    if (!uf.ok()) return uf.finish(std::move(e));
  } else if (f.ok()) {
    f.fail("user", "missing");
  }
  f.string("status", e.status);
  return f.finish(std::move(e));
}

// Errors of the shared parsers name the object ("member.roles"); prefix the event.
core::Result<Event> failed(const core::Error& error, std::string_view event_name) {
  if (error.message().starts_with(event_name)) return core::fail(error);
  return core::fail(error.with_context(event_name));
}

template <class T>
core::Result<Event> lift(core::Result<T> r, std::string_view event_name) {
  if (!r) return failed(r.error(), event_name);
  return Event(std::move(*r));
}

}  // namespace

core::Result<Guild> parse_guild(const json::value& v) {
  detail::Fields f(v, "guild");
  Guild g;
  f.id("id", g.id, Need::kRequired);
  f.boolean("unavailable", g.unavailable);
  if (g.unavailable) return f.finish(std::move(g));
  f.string("name", g.name);
  f.id("owner_id", g.owner_id);
  f.string("icon", g.icon);
  f.string("preferred_locale", g.preferred_locale);
  f.boolean("large", g.large);
  f.integer("member_count", g.member_count);
  f.list("roles", g.roles, [](const json::value& r) { return parse_role(r); });
  f.list("channels", g.channels, channel_of(g.id));
  f.list("threads", g.threads, channel_of(g.id));
  f.list("members", g.members, [](const json::value& m) { return parse_member(m); });
  return f.finish(std::move(g));
}

core::Result<Event> parse_event(std::string_view name, const json::value& d) {
  auto channel = [&](ChannelEvent::Kind kind) -> core::Result<Event> {
    auto c = parse_channel(d);
    if (!c) return failed(c.error(), name);
    return Event(ChannelEvent{kind, std::move(*c)});
  };
  if (name == "READY") return lift(parse_ready(d), name);
  if (name == "GUILD_CREATE" || name == "GUILD_UPDATE") {
    auto g = parse_guild(d);
    if (!g) return failed(g.error(), name);
    if (name == "GUILD_CREATE") return Event(GuildCreateEvent{std::move(*g)});
    return Event(GuildUpdateEvent{std::move(*g)});
  }
  if (name == "GUILD_DELETE") return lift(parse_guild_delete(d), name);
  if (name == "CHANNEL_CREATE" || name == "CHANNEL_UPDATE" || name == "THREAD_CREATE" ||
      name == "THREAD_UPDATE") {
    return channel(ChannelEvent::Kind::kUpsert);
  }
  if (name == "CHANNEL_DELETE" || name == "THREAD_DELETE") {
    return channel(ChannelEvent::Kind::kDelete);
  }
  if (name == "GUILD_MEMBER_ADD" || name == "GUILD_MEMBER_UPDATE") {
    return lift(parse_member_event(d, name), name);
  }
  if (name == "GUILD_MEMBER_REMOVE") return lift(parse_member_remove(d), name);
  if (name == "GUILD_MEMBERS_CHUNK") return lift(parse_members_chunk(d), name);
  if (name == "GUILD_ROLE_CREATE" || name == "GUILD_ROLE_UPDATE") {
    return lift(parse_role_event(d, name), name);
  }
  if (name == "GUILD_ROLE_DELETE") return lift(parse_role_delete(d), name);
  if (name == "PRESENCE_UPDATE") return lift(parse_presence(d), name);
  if (name == "MESSAGE_CREATE") {
    auto m = parse_message(d);
    if (!m) return failed(m.error(), name);
    return Event(MessageCreateEvent{std::move(*m)});
  }
  if (name == "INTERACTION_CREATE") {
    auto i = parse_interaction(d);
    if (!i) return failed(i.error(), name);
    return Event(InteractionCreateEvent{std::move(*i)});
  }
  return Event(OtherEvent{});
}

core::Result<Event> parse_event_text(std::string_view name, std::string_view d_text) {
  // The parsed tree lives only until the typed event is built: a monotonic arena on a
  // per-thread buffer makes its many small allocations one bump each, and the per-thread
  // parser keeps its internal stack between events.
  constexpr std::size_t kArenaBytes = 64 * 1024;
  thread_local const std::unique_ptr<unsigned char[]> buffer(new unsigned char[kArenaBytes]);
  thread_local json::parser parser;
  json::monotonic_resource arena(buffer.get(), kArenaBytes);
  parser.reset(&arena);
  boost::system::error_code ec;
  parser.write(d_text.data(), d_text.size(), ec);
  if (ec) {
    parser.reset();
    return core::fail(core::ErrorCode::kInvalidArgument,
                      std::string(name) + ": not JSON: " + ec.message());
  }
  const json::value d = parser.release();
  parser.reset();  // the parser must not keep a pointer to this call's arena
  return parse_event(name, d);
}

}  // namespace mikami::model
