// Channels: GET/PATCH/DELETE /channels/{id}, GET/POST /guilds/{id}/channels.
#include <algorithm>
#include <cctype>

#include "form_errors.h"
#include "guild_api.h"

namespace mikami::sandbox {
namespace {

constexpr std::size_t kMaxChannels = 500;

bool has_topic(int type) {
  return type == channel_type::kText || type == channel_type::kAnnouncement;
}

// Discord writes text channel names in lower case with dashes for spaces.
std::string text_channel_name(std::string name) {
  for (char& c : name) {
    if (c == ' ') c = '-';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

}  // namespace

Response GuildApi::get_channel(const std::string& channel_id) {
  auto it = guild_.channels.find(channel_id);
  if (it == guild_.channels.end()) return unknown("Channel", 10003);
  return json_response(http::status::ok, guild_.channel_json(it->second));
}

Response GuildApi::modify_channel(const std::string& channel_id, const json::object& body) {
  auto it = guild_.channels.find(channel_id);
  if (it == guild_.channels.end()) return unknown("Channel", 10003);
  Channel updated = it->second;
  FormErrors errors;
  if (const json::value* name = body.if_contains("name")) {
    if (name->is_null()) {
      errors.add("name", "BASE_TYPE_REQUIRED", "This field is required");
    } else if (auto text = errors.string_field(body, "name", 1, 100)) {
      updated.name = has_topic(updated.type) ? text_channel_name(*text) : *text;
    }
  }
  if (const json::value* topic = body.if_contains("topic");
      topic != nullptr && has_topic(updated.type)) {
    if (topic->is_null()) {
      updated.topic.reset();
    } else if (auto text = errors.string_field(body, "topic", 0, 1024)) {
      updated.topic = *text;
    }
  }
  if (auto nsfw = errors.bool_field(body, "nsfw")) updated.nsfw = *nsfw;
  if (auto slowmode = errors.int_field(body, "rate_limit_per_user", 0, 21'600)) {
    updated.rate_limit_per_user = static_cast<int>(*slowmode);
  }
  if (auto position = errors.int_field(body, "position", 0, 1'000'000)) {
    updated.position = static_cast<int>(*position);
  }
  if (const json::value* parent = body.if_contains("parent_id")) {
    if (parent->is_null()) {
      updated.parent_id.reset();
    } else {
      auto category = parent->is_string() ? guild_.channels.find(std::string(parent->as_string()))
                                          : guild_.channels.end();
      if (category == guild_.channels.end() || category->second.type != channel_type::kCategory ||
          updated.type == channel_type::kCategory) {
        errors.add("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Not a category.");
      } else {
        updated.parent_id = category->first;
      }
    }
  }
  if (!errors.empty()) return errors.response();
  it->second = std::move(updated);
  emit_("CHANNEL_UPDATE", guild_.channel_json(it->second));
  return json_response(http::status::ok, guild_.channel_json(it->second));
}

Response GuildApi::delete_channel(const std::string& channel_id) {
  auto it = guild_.channels.find(channel_id);
  if (it == guild_.channels.end()) return unknown("Channel", 10003);
  json::object deleted = guild_.channel_json(it->second);
  const bool category = it->second.type == channel_type::kCategory;
  guild_.channels.erase(it);
  if (category) {
    // Its channels stay, without a parent.
    for (auto& [id, channel] : guild_.channels) {
      if (channel.parent_id == channel_id) {
        channel.parent_id.reset();
        emit_("CHANNEL_UPDATE", guild_.channel_json(channel));
      }
    }
  }
  emit_("CHANNEL_DELETE", deleted);
  return json_response(http::status::ok, deleted);
}

Response GuildApi::list_channels() {
  json::array out;
  for (const auto& [id, channel] : guild_.channels) out.push_back(guild_.channel_json(channel));
  return json_response(http::status::ok, out);
}

Response GuildApi::create_channel(const json::object& body) {
  FormErrors errors;
  Channel channel;
  if (!body.contains("name") || body.at("name").is_null()) {
    errors.add("name", "BASE_TYPE_REQUIRED", "This field is required");
  }
  auto name = errors.string_field(body, "name", 1, 100);
  if (const json::value* type = body.if_contains("type"); type != nullptr && !type->is_null()) {
    boost::system::error_code ec;
    const auto value = type->to_number<std::int64_t>(ec);
    if (ec || (value != channel_type::kText && value != channel_type::kVoice &&
               value != channel_type::kCategory && value != channel_type::kAnnouncement)) {
      errors.add("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5}.");
    } else {
      channel.type = static_cast<int>(value);
    }
  }
  if (name) channel.name = has_topic(channel.type) ? text_channel_name(*name) : *name;
  if (auto topic = errors.string_field(body, "topic", 0, 1024); topic && has_topic(channel.type)) {
    channel.topic = *topic;
  }
  if (auto nsfw = errors.bool_field(body, "nsfw")) channel.nsfw = *nsfw;
  if (auto slowmode = errors.int_field(body, "rate_limit_per_user", 0, 21'600)) {
    channel.rate_limit_per_user = static_cast<int>(*slowmode);
  }
  if (auto position = errors.int_field(body, "position", 0, 1'000'000)) {
    channel.position = static_cast<int>(*position);
  }
  if (const json::value* parent = body.if_contains("parent_id");
      parent != nullptr && !parent->is_null()) {
    auto category = parent->is_string() ? guild_.channels.find(std::string(parent->as_string()))
                                        : guild_.channels.end();
    if (category == guild_.channels.end() || category->second.type != channel_type::kCategory ||
        channel.type == channel_type::kCategory) {
      errors.add("parent_id", "CHANNEL_PARENT_INVALID_TYPE", "Not a category.");
    } else {
      channel.parent_id = category->first;
    }
  }
  if (!errors.empty()) return errors.response();
  if (guild_.channels.size() >= kMaxChannels) {
    return discord_error(http::status::bad_request,
                         "Maximum number of guild channels reached (500)", 30013);
  }
  channel.id = next_id_();
  const Channel& stored = guild_.channels[channel.id] = channel;
  emit_("CHANNEL_CREATE", guild_.channel_json(stored));
  return json_response(http::status::created, guild_.channel_json(stored));
}

}  // namespace mikami::sandbox
