// Guild bans: GET the list (limit/before/after), GET one, PUT (ban, which also removes the
// member), DELETE (unban).
#include <chrono>
#include <iterator>

#include "form_errors.h"
#include "guild_api.h"

namespace mikami::sandbox {

Response GuildApi::list_bans(const Request& request) {
  const auto params = query_params(request.target());
  FormErrors errors;
  const auto limit =
      static_cast<std::size_t>(int_param(errors, "limit", params, 1, 1000).value_or(1000));
  if (!errors.empty()) return errors.response();
  std::vector<const Ban*> picked;
  if (auto before = params.find("before"); before != params.end()) {
    // The `limit` bans just before `before`, still in ascending order.
    for (auto it = guild_.bans.begin(); it != guild_.bans.lower_bound(before->second); ++it) {
      picked.push_back(&it->second);
    }
    if (picked.size() > limit)
      picked.erase(picked.begin(), picked.end() - static_cast<std::ptrdiff_t>(limit));
  } else {
    auto after = params.find("after");
    auto it = after == params.end() ? guild_.bans.begin() : guild_.bans.upper_bound(after->second);
    for (; it != guild_.bans.end() && picked.size() < limit; ++it) picked.push_back(&it->second);
  }
  json::array out;
  for (const Ban* ban : picked) out.push_back(guild_.ban_json(*ban));
  return json_response(http::status::ok, out);
}

Response GuildApi::get_ban(const std::string& user_id) {
  auto it = guild_.bans.find(user_id);
  if (it == guild_.bans.end()) return unknown("Ban", 10026);
  return json_response(http::status::ok, guild_.ban_json(it->second));
}

Response GuildApi::create_ban(const std::string& user_id, const Request& request,
                              const json::object& body) {
  (void)request;  // the reason header was read by handle()
  FormErrors errors;
  errors.int_field(body, "delete_message_seconds", 0, 604'800);
  errors.int_field(body, "delete_message_days", 0, 7);
  if (!errors.empty()) return errors.response();
  if (!guild_.users.contains(user_id)) return unknown("User", 10013);
  if (user_id == guild_.owner_id) return missing_permissions();
  if (auto member = guild_.members.find(user_id); member != guild_.members.end()) {
    if (is_administrator(member->second)) return missing_permissions();
    guild_.members.erase(member);
    emit_("GUILD_MEMBER_REMOVE",
          json::object{{"guild_id", guild_.id}, {"user", guild_.user_json(user_id)}});
  }
  Ban ban{user_id, std::nullopt};
  // The reason comes from the audit-log header (URL-encoded), or the deprecated body field.
  if (reason_header_) {
    ban.reason = percent_decode(*reason_header_);
  } else if (const json::value* reason = body.if_contains("reason");
             reason != nullptr && reason->is_string()) {
    ban.reason = std::string(reason->as_string());
  }
  // Discord deletes the member's messages of the last delete_message_seconds.
  if (const json::value* seconds = body.if_contains("delete_message_seconds");
      seconds != nullptr && seconds->to_number<std::int64_t>() > 0) {
    const auto cutoff_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() -
                           1'420'070'400'000 - seconds->to_number<std::int64_t>() * 1000;
    for (auto it = guild_.messages.begin(); it != guild_.messages.end();) {
      const bool recent = static_cast<std::int64_t>(std::stoull(it->first) >> 22) >= cutoff_ms;
      it = it->second.author_id == user_id && recent ? guild_.messages.erase(it) : std::next(it);
    }
  }
  guild_.bans[user_id] = ban;
  emit_("GUILD_BAN_ADD",
        json::object{{"guild_id", guild_.id}, {"user", guild_.user_json(user_id)}});
  audit(audit_action::kMemberBanAdd, user_id);
  return empty_response(http::status::no_content);
}

Response GuildApi::remove_ban(const std::string& user_id) {
  auto it = guild_.bans.find(user_id);
  if (it == guild_.bans.end()) return unknown("Ban", 10026);
  guild_.bans.erase(it);
  emit_("GUILD_BAN_REMOVE",
        json::object{{"guild_id", guild_.id}, {"user", guild_.user_json(user_id)}});
  audit(audit_action::kMemberBanRemove, user_id);
  return empty_response(http::status::no_content);
}

}  // namespace mikami::sandbox
