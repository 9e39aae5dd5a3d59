#include "mikami/model/channel.h"

#include "fields.h"

namespace mikami::model {

core::Result<PermissionOverwrite> parse_permission_overwrite(const boost::json::value& json) {
  detail::Fields f(json, "overwrite");
  PermissionOverwrite ow;
  f.id("id", ow.id, detail::Need::kRequired);
  std::uint8_t type = 0;
  f.integer("type", type, detail::Need::kRequired);
  if (f.ok() && type > 1) f.fail("type", "expected 0 (role) or 1 (member)");
  ow.type = OverwriteType(type);
  f.permissions("allow", ow.allow);
  f.permissions("deny", ow.deny);
  return f.finish(std::move(ow));
}

core::Result<Channel> parse_channel(const boost::json::value& json) {
  detail::Fields f(json, "channel");
  Channel channel;
  f.id("id", channel.id, detail::Need::kRequired);
  f.integer("type", channel.type, detail::Need::kRequired);
  f.id("guild_id", channel.guild_id);
  f.string("name", channel.name);
  f.string("topic", channel.topic);
  f.integer("position", channel.position);
  f.id("parent_id", channel.parent_id);
  f.list("permission_overwrites", channel.permission_overwrites,
         [](const auto& v) { return parse_permission_overwrite(v); });
  f.boolean("nsfw", channel.nsfw);
  f.integer("rate_limit_per_user", channel.rate_limit_per_user);
  f.id("owner_id", channel.owner_id);
  f.permissions("permissions", channel.permissions);
  if (const auto* meta = f.get("thread_metadata"); meta && f.ok()) {
    detail::Fields m(*meta, "channel.thread_metadata");
    m.boolean("archived", channel.archived);
    m.boolean("locked", channel.locked);
    if (!m.ok()) return m.finish(std::move(channel));
  }
  return f.finish(std::move(channel));
}

}  // namespace mikami::model
