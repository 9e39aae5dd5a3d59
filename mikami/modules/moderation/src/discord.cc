#include "discord.h"

#include <boost/json.hpp>

#include "durations.h"

namespace mikami::modules::moderation {
namespace {

namespace json = boost::json;

std::string field(const json::value& v, std::string_view key) {
  if (!v.is_object()) return "";
  const json::value* f = v.as_object().if_contains(key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : "";
}

}  // namespace

Answer Discord::call(Method method, const std::string& path, const std::string& body,
                     const std::string& reason) {
  RestRequestOptions options;
  options.audit_log_reason = reason;
  auto promise = std::make_shared<std::promise<RestResponse>>();
  auto future = promise->get_future();
  rest_.request(method, path, body, std::move(options),
                [promise](RestResponse response) { promise->set_value(std::move(response)); });
  const RestResponse response = future.get();
  Answer answer;
  answer.status = response.status;
  answer.body = response.body;
  if (response.status == 0) {
    answer.error =
        response.error.empty() ? std::string(to_string(response.failure)) : response.error;
    return answer;
  }
  if (!answer.ok()) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(response.body, ec);
    answer.error = ec ? "HTTP " + std::to_string(response.status) : field(parsed, "message");
    if (!ec && parsed.is_object()) {
      if (const json::value* code = parsed.as_object().if_contains("code");
          code != nullptr && code->is_int64()) {
        answer.code = static_cast<int>(code->as_int64());
      }
    }
  }
  return answer;
}

Answer Discord::kick(const std::string& guild, const std::string& user, const std::string& reason) {
  return call(Method::kDelete, "/guilds/" + guild + "/members/" + user, "", reason);
}

Answer Discord::ban(const std::string& guild, const std::string& user, std::int64_t delete_seconds,
                    const std::string& reason) {
  return call(Method::kPut, "/guilds/" + guild + "/bans/" + user,
              json::serialize(json::object{{"delete_message_seconds", delete_seconds}}), reason);
}

Answer Discord::unban(const std::string& guild, const std::string& user,
                      const std::string& reason) {
  return call(Method::kDelete, "/guilds/" + guild + "/bans/" + user, "", reason);
}

Answer Discord::timeout(const std::string& guild, const std::string& user,
                        std::optional<std::chrono::system_clock::time_point> until,
                        const std::string& reason) {
  json::object body{{"communication_disabled_until",
                     until ? json::value(iso8601(*until)) : json::value(nullptr)}};
  return call(Method::kPatch, "/guilds/" + guild + "/members/" + user, json::serialize(body),
              reason);
}

Answer Discord::get_member(const std::string& guild, const std::string& user) {
  return call(Method::kGet, "/guilds/" + guild + "/members/" + user, "");
}

Answer Discord::get_ban(const std::string& guild, const std::string& user) {
  return call(Method::kGet, "/guilds/" + guild + "/bans/" + user, "");
}

Answer Discord::post(const std::string& channel, const std::string& content) {
  json::object body{{"content", content}, {"allowed_mentions", {{"parse", json::array{}}}}};
  return call(Method::kPost, "/channels/" + channel + "/messages", json::serialize(body));
}

bool Discord::direct_message(const std::string& user, const std::string& content) {
  const Answer dm = call(Method::kPost, "/users/@me/channels",
                         json::serialize(json::object{{"recipient_id", user}}));
  if (!dm.ok()) return false;
  boost::system::error_code ec;
  const std::string channel = field(json::parse(dm.body, ec), "id");
  if (ec || channel.empty()) return false;
  return post(channel, content).ok();
}

std::optional<std::vector<Discord::ListedMessage>> Discord::recent_messages(
    const std::string& channel, int limit, std::string& error) {
  const Answer answer =
      call(Method::kGet, "/channels/" + channel + "/messages?limit=" + std::to_string(limit), "");
  if (!answer.ok()) {
    error = answer.error;
    return std::nullopt;
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(answer.body, ec);
  if (ec || !parsed.is_array()) {
    error = "Discord's message list was not JSON";
    return std::nullopt;
  }
  std::vector<ListedMessage> out;
  for (const json::value& m : parsed.as_array()) {
    const json::value* author = m.is_object() ? m.as_object().if_contains("author") : nullptr;
    out.push_back({field(m, "id"), author != nullptr ? field(*author, "id") : ""});
  }
  return out;
}

Answer Discord::bulk_delete(const std::string& channel, const std::vector<std::string>& ids,
                            const std::string& reason) {
  json::array list;
  for (const auto& id : ids) list.push_back(json::value(id));
  return call(Method::kPost, "/channels/" + channel + "/messages/bulk-delete",
              json::serialize(json::object{{"messages", list}}), reason);
}

Answer Discord::delete_message(const std::string& channel, const std::string& id,
                               const std::string& reason) {
  return call(Method::kDelete, "/channels/" + channel + "/messages/" + id, "", reason);
}

}  // namespace mikami::modules::moderation
