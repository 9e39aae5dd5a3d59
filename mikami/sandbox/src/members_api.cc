// Guild members: GET one, GET the list (limit/after), PATCH (nick, roles, timeout), role
// add/remove, kick.
#include <algorithm>
#include <chrono>

#include "form_errors.h"
#include "guild_api.h"
#include "timestamps.h"

namespace mikami::sandbox {
namespace {

constexpr auto kMaxTimeout = std::chrono::days(28);

bool is_snowflake(std::string_view text) {
  return !text.empty() && text.size() <= 20 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Response GuildApi::get_guild() { return json_response(http::status::ok, guild_.guild_json()); }

Response GuildApi::get_member(const std::string& user_id) {
  auto it = guild_.members.find(user_id);
  if (it == guild_.members.end()) return unknown("Member", 10007);
  return json_response(http::status::ok, guild_.member_json(it->second));
}

Response GuildApi::list_members(const Request& request) {
  const auto params = query_params(request.target());
  FormErrors errors;
  const auto limit = int_param(errors, "limit", params, 1, 1000);
  std::string after = "0";
  if (auto it = params.find("after"); it != params.end()) {
    if (!is_snowflake(it->second)) {
      errors.add("after", "NUMBER_TYPE_COERCE", "Value \"" + it->second + "\" is not snowflake.");
    } else {
      after = it->second;
    }
  }
  if (!errors.empty()) return errors.response();
  json::array out;
  for (auto it = guild_.members.upper_bound(after);
       it != guild_.members.end() && out.size() < static_cast<std::size_t>(limit.value_or(1));
       ++it) {
    out.push_back(guild_.member_json(it->second));
  }
  return json_response(http::status::ok, out);
}

Response GuildApi::modify_member(const std::string& user_id, const json::object& body) {
  auto it = guild_.members.find(user_id);
  if (it == guild_.members.end()) return unknown("Member", 10007);
  Member updated = it->second;
  FormErrors errors;
  if (const json::value* nick = body.if_contains("nick")) {
    if (nick->is_null() || (nick->is_string() && nick->as_string().empty())) {
      updated.nick.reset();
    } else if (auto text = errors.string_field(body, "nick", 1, 32)) {
      updated.nick = *text;
    }
  }
  if (const json::value* roles = body.if_contains("roles")) {
    updated.roles.clear();
    if (!roles->is_null() && !roles->is_array()) {
      errors.add("roles", "BASE_TYPE_ARRAY", "Must be an array.");
    } else if (roles->is_array()) {
      const auto& list = roles->as_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string path = "roles." + std::to_string(i);
        if (!list[i].is_string() || !is_snowflake(list[i].as_string())) {
          const std::string shown =
              list[i].is_string() ? std::string(list[i].as_string()) : json::serialize(list[i]);
          errors.add(path, "NUMBER_TYPE_COERCE", "Value \"" + shown + "\" is not snowflake.");
          continue;
        }
        std::string role_id(list[i].as_string());
        if (!guild_.roles.contains(role_id) || role_id == guild_.id) {
          errors.add(path, "INVALID_ROLE", "Unknown role " + role_id + ".");
          continue;
        }
        if (std::find(updated.roles.begin(), updated.roles.end(), role_id) == updated.roles.end())
          updated.roles.push_back(role_id);
      }
    }
  }
  bool timeout_changed = false;
  if (const json::value* until = body.if_contains("communication_disabled_until")) {
    timeout_changed = true;
    if (until->is_null()) {
      updated.communication_disabled_until.reset();
    } else if (!until->is_string()) {
      errors.add("communication_disabled_until", "DATE_TIME_TYPE_PARSE",
                 "Could not parse " + json::serialize(*until) + ". Should be ISO8601.");
    } else if (auto when = parse_iso8601(until->as_string()); !when) {
      errors.add("communication_disabled_until", "DATE_TIME_TYPE_PARSE",
                 "Could not parse " + std::string(until->as_string()) + ". Should be ISO8601.");
    } else if (*when > std::chrono::system_clock::now() + kMaxTimeout) {
      // Discord refuses timeouts that end more than 28 days from now.
      errors.add("communication_disabled_until", "COMMUNICATION_DISABLED_UNTIL_TOO_LONG",
                 "Timeouts can be at most 28 days long.");
    } else {
      updated.communication_disabled_until = format_iso8601(*when);
    }
  }
  if (!errors.empty()) return errors.response();
  for (const char* voice : {"mute", "deaf"}) {
    const json::value* v = body.if_contains(voice);
    if (v != nullptr && !v->is_null()) {
      // Nobody is ever in a voice channel here.
      return discord_error(http::status::bad_request, "Target user is not connected to voice.",
                           40032);
    }
  }
  if (const json::value* channel = body.if_contains("channel_id");
      channel != nullptr && !channel->is_null()) {
    return discord_error(http::status::bad_request, "Target user is not connected to voice.",
                         40032);
  }
  if (timeout_changed && updated.communication_disabled_until && is_administrator(it->second)) {
    return missing_permissions();  // the owner and administrators cannot be timed out
  }
  const std::optional<std::string> before = it->second.communication_disabled_until;
  it->second = std::move(updated);
  emit_member_update(it->second);
  if (timeout_changed && before != it->second.communication_disabled_until) {
    auto value = [](const std::optional<std::string>& v) {
      return v ? json::value(*v) : json::value(nullptr);
    };
    audit(audit_action::kMemberUpdate, user_id,
          json::array{json::object{{"key", "communication_disabled_until"},
                                   {"old_value", value(before)},
                                   {"new_value", value(it->second.communication_disabled_until)}}});
  }
  return json_response(http::status::ok, guild_.member_json(it->second));
}

Response GuildApi::member_role(const std::string& user_id, const std::string& role_id, bool add) {
  auto member = guild_.members.find(user_id);
  if (member == guild_.members.end()) return unknown("Member", 10007);
  auto role = guild_.roles.find(role_id);
  if (role == guild_.roles.end() || role_id == guild_.id) return unknown("Role", 10011);
  if (role->second.managed) return missing_permissions();  // a bot's own role is Discord's
  auto& roles = member->second.roles;
  auto at = std::find(roles.begin(), roles.end(), role_id);
  if (add && at == roles.end()) {
    roles.push_back(role_id);
    emit_member_update(member->second);
  } else if (!add && at != roles.end()) {
    roles.erase(at);
    emit_member_update(member->second);
  }
  return empty_response(http::status::no_content);
}

Response GuildApi::remove_member(const std::string& user_id) {
  auto it = guild_.members.find(user_id);
  if (it == guild_.members.end()) return unknown("Member", 10007);
  if (user_id == guild_.owner_id) return missing_permissions();
  if (is_administrator(it->second)) return missing_permissions();
  guild_.members.erase(it);
  emit_("GUILD_MEMBER_REMOVE",
        json::object{{"guild_id", guild_.id}, {"user", guild_.user_json(user_id)}});
  audit(audit_action::kMemberKick, user_id);
  return empty_response(http::status::no_content);
}

}  // namespace mikami::sandbox
