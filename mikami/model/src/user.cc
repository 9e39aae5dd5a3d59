#include "mikami/model/user.h"

#include <charconv>
#include <chrono>

#include "fields.h"

namespace mikami::model {

namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  auto [ptr, ec] = std::from_chars(text.data() + at, text.data() + at + count, out);
  return ec == std::errc() && ptr == text.data() + at + count;
}

}  // namespace

core::Result<std::int64_t> parse_timestamp_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int year, month, day, hour, minute, second;
  auto bad = [&] {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "not an ISO 8601 timestamp: \"" + std::string(text.substr(0, 40)) + "\"");
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':' ||
      !digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day) ||
      !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute) || !digits(text, 17, 2, second)) {
    return bad();
  }
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (text[at] == '.') {
    ++at;
    int scale = 100;
    std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      millis += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == start) return bad();
  }
  int offset_minutes = 0;
  if (at < text.size() && text[at] == 'Z' && at + 1 == text.size()) {
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int oh, om;
    if (!digits(text, at + 1, 2, oh) || !digits(text, at + 4, 2, om)) return bad();
    offset_minutes = (oh * 60 + om) * (text[at] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return bad();
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute - offset_minutes) * 60'000 + second * 1000LL + millis;
}

core::Result<User> parse_user(const boost::json::value& json) {
  detail::Fields f(json, "user");
  User user;
  f.id("id", user.id, detail::Need::kRequired);
  f.string("username", user.username);
  f.string("global_name", user.global_name);
  f.string("discriminator", user.discriminator);
  f.string("avatar", user.avatar);
  f.boolean("bot", user.bot);
  f.boolean("system", user.system);
  return f.finish(std::move(user));
}

core::Result<Member> parse_member(const boost::json::value& json) {
  detail::Fields f(json, "member");
  Member member;
  f.child("user", member.user, [](const auto& v) { return parse_user(v); });
  f.string("nick", member.nick);
  f.ids("roles", member.roles);
  f.string("joined_at", member.joined_at);
  f.timestamp_ms("communication_disabled_until", member.communication_disabled_until_ms);
  f.boolean("pending", member.pending);
  f.boolean("deaf", member.deaf);
  f.boolean("mute", member.mute);
  f.permissions("permissions", member.permissions);
  return f.finish(std::move(member));
}

core::Result<Role> parse_role(const boost::json::value& json) {
  detail::Fields f(json, "role");
  Role role;
  f.id("id", role.id, detail::Need::kRequired);
  f.string("name", role.name);
  f.integer("color", role.color);
  f.boolean("hoist", role.hoist);
  f.integer("position", role.position);
  f.permissions("permissions", role.permissions, detail::Need::kRequired);
  f.boolean("managed", role.managed);
  f.boolean("mentionable", role.mentionable);
  if (const auto* tags = f.get("tags"); tags && f.ok()) {
    detail::Fields t(*tags, "role.tags");
    t.id("bot_id", role.bot_id);
    if (!t.ok()) return t.finish(std::move(role));
  }
  return f.finish(std::move(role));
}

}  // namespace mikami::model
