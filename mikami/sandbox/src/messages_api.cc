// Messages kept per channel: GET the list (newest first, limit/before/after), DELETE one,
// bulk delete (2 to 100 ids, none older than 14 days, as Discord), and DM channel creation.
#include <algorithm>
#include <chrono>
#include <set>

#include "form_errors.h"
#include "guild_api.h"

namespace mikami::sandbox {
namespace {

constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;
constexpr std::int64_t kBulkDeleteMaxAgeMs = 14LL * 24 * 3600 * 1000;

std::int64_t age_ms(const std::string& id) {
  const auto created = static_cast<std::int64_t>(std::stoull(id) >> 22) + kDiscordEpochMs;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count() -
         created;
}

bool is_id(const json::value& v) {
  if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 20) return false;
  return std::all_of(v.as_string().begin(), v.as_string().end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool GuildApi::known_channel(const std::string& channel_id) const {
  if (guild_.channels.contains(channel_id)) return true;
  return std::any_of(guild_.dm_channels.begin(), guild_.dm_channels.end(),
                     [&](const auto& dm) { return dm.second == channel_id; });
}

const Message& GuildApi::store_message(const std::string& channel_id, const std::string& author_id,
                                       std::string content, json::value embeds, std::string id) {
  if (id.empty()) id = next_id_();
  Message& message = guild_.messages[id];
  message = Message{id, channel_id, author_id, std::move(content), std::move(embeds)};
  // Bounded: the channel's oldest go first.
  std::size_t kept = 0;
  for (auto it = guild_.messages.rbegin(); it != guild_.messages.rend(); ++it) {
    if (it->second.channel_id == channel_id) ++kept;
  }
  for (auto it = guild_.messages.begin();
       kept > kMaxMessagesPerChannel && it != guild_.messages.end();) {
    if (it->second.channel_id == channel_id) {
      it = guild_.messages.erase(it);
      --kept;
    } else {
      ++it;
    }
  }
  return guild_.messages.at(id);
}

Response GuildApi::list_messages(const std::string& channel_id, const Request& request) {
  if (!known_channel(channel_id)) return unknown("Channel", 10003);
  const auto params = query_params(request.target());
  FormErrors errors;
  const auto limit =
      static_cast<std::size_t>(int_param(errors, "limit", params, 1, 100).value_or(50));
  if (!errors.empty()) return errors.response();
  const auto before = params.find("before");
  const auto after = params.find("after");
  SnowflakeLess less;
  json::array out;
  // Newest first, as Discord answers.
  for (auto it = guild_.messages.rbegin(); it != guild_.messages.rend() && out.size() < limit;
       ++it) {
    const Message& m = it->second;
    if (m.channel_id != channel_id) continue;
    if (before != params.end() && !less(m.id, before->second)) continue;
    if (after != params.end() && !less(after->second, m.id)) continue;
    out.push_back(guild_.message_json(m));
  }
  return json_response(http::status::ok, out);
}

Response GuildApi::delete_message(const std::string& channel_id, const std::string& message_id) {
  if (!known_channel(channel_id)) return unknown("Channel", 10003);
  auto it = guild_.messages.find(message_id);
  if (it == guild_.messages.end() || it->second.channel_id != channel_id) {
    return unknown("Message", 10008);
  }
  const std::string author = it->second.author_id;
  guild_.messages.erase(it);
  emit_("MESSAGE_DELETE",
        json::object{{"id", message_id}, {"channel_id", channel_id}, {"guild_id", guild_.id}});
  // Discord logs deleting someone else's message.
  if (author != actor_) {
    audit(audit_action::kMessageDelete, author, {},
          json::object{{"channel_id", channel_id}, {"count", "1"}});
  }
  return empty_response(http::status::no_content);
}

Response GuildApi::bulk_delete(const std::string& channel_id, const json::object& body) {
  if (!guild_.channels.contains(channel_id)) return unknown("Channel", 10003);
  const json::value* ids = body.if_contains("messages");
  FormErrors errors;
  if (ids == nullptr || !ids->is_array()) {
    errors.add("messages", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.response();
  }
  const json::array& list = ids->as_array();
  if (list.size() < 2 || list.size() > 100) {
    errors.add("messages", "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length.");
    return errors.response();
  }
  std::set<std::string> unique;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!is_id(list[i])) {
      errors.add("messages." + std::to_string(i), "NUMBER_TYPE_COERCE", "Value is not snowflake.");
      continue;
    }
    const std::string id(list[i].as_string());
    if (!unique.insert(id).second) {
      errors.add("messages", "MESSAGE_BULK_DELETE_DUPLICATE", "Duplicate message ids.");
    }
  }
  if (!errors.empty()) return errors.response();
  for (const std::string& id : unique) {
    if (age_ms(id) > kBulkDeleteMaxAgeMs) {
      return discord_error(http::status::bad_request,
                           "You can only bulk delete messages that are under 14 days old.", 50034);
    }
  }
  json::array deleted;
  for (const std::string& id : unique) {
    auto it = guild_.messages.find(id);
    if (it == guild_.messages.end() || it->second.channel_id != channel_id) continue;  // ignored
    guild_.messages.erase(it);
    deleted.push_back(json::value(id));
  }
  emit_("MESSAGE_DELETE_BULK",
        json::object{{"ids", deleted}, {"channel_id", channel_id}, {"guild_id", guild_.id}});
  audit(audit_action::kMessageBulkDelete, channel_id, {},
        json::object{{"count", std::to_string(deleted.size())}});
  return empty_response(http::status::no_content);
}

Response GuildApi::create_dm(const json::object& body) {
  const json::value* recipient = body.if_contains("recipient_id");
  if (recipient == nullptr || !is_id(*recipient)) {
    FormErrors errors;
    errors.add("recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.response();
  }
  const std::string user_id(recipient->as_string());
  if (!guild_.users.contains(user_id)) return unknown("User", 10013);
  auto [it, created] = guild_.dm_channels.try_emplace(user_id, "");
  if (created) it->second = next_id_();
  return json_response(http::status::ok,
                       json::object{{"id", it->second},
                                    {"type", 1},
                                    {"last_message_id", nullptr},
                                    {"recipients", json::array{guild_.user_json(user_id)}}});
}

}  // namespace mikami::sandbox
