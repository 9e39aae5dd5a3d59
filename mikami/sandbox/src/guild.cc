#include "guild.h"

#include <tuple>

#include "timestamps.h"

namespace mikami::sandbox {

namespace json = boost::json;

namespace {

json::value optional_string(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

}  // namespace

Guild::Guild() : id("1"), name("Sandbox"), owner_id("2"), bot_id("1000") {
  const std::string joined = "2024-01-01T00:00:00.000000+00:00";
  for (const auto& [user_id, username, bot] :
       std::vector<std::tuple<std::string, std::string, bool>>{{"1", "member", false},
                                                               {"2", "owner", false},
                                                               {"3", "alice", false},
                                                               {"4", "bob", false},
                                                               {"5", "carol", false},
                                                               {"6", "dave", false},
                                                               {"7", "erin", false},
                                                               {"8", "mallory", false},
                                                               {"9", "trudy", false},
                                                               {"1000", "mikami", true}}) {
    users[user_id] = User{user_id, username, bot};
  }
  // Discord's default @everyone permissions (view channels, send messages, ...).
  roles[id] = Role{id, "@everyone", 0, false, 0, "104324673", false, false};
  roles["20"] = Role{"20", "Moderator", 0x3498DB, true, 3, "1099511639046", false, true};
  roles["21"] = Role{"21", "Regular", 0x2ECC71, false, 1, "0", false, false};
  roles["22"] = Role{"22", "Mikami", 0x9B59B6, false, 4, "8", true, false};
  roles["23"] = Role{"23", "Muted", 0x95A5A6, false, 2, "0", false, false};
  auto member = [&](const std::string& user_id, std::vector<std::string> member_roles) {
    members[user_id] = Member{user_id, std::nullopt, std::move(member_roles), joined, {}};
  };
  member("1", {"21"});
  member("2", {});
  member("3", {"20", "21"});
  member("4", {"21"});
  member("5", {});
  member("6", {});
  member("7", {"23"});
  member("1000", {"22"});
  channels["110"] = Channel{"110", channel_type::kCategory, "Text Channels", {}, 0, {}, false, 0};
  channels["100"] =
      Channel{"100", channel_type::kText, "general", "General chat", 0, "110", false, 0};
  channels["101"] =
      Channel{"101", channel_type::kText, "mod-log", std::nullopt, 1, "110", false, 0};
  channels["102"] = Channel{
      "102", channel_type::kAnnouncement, "announcements", std::nullopt, 2, "110", false, 0};
  channels["111"] = Channel{"111", channel_type::kVoice, "Lounge", {}, 0, {}, false, 0};
  bans["9"] = Ban{"9", "spam"};
}

json::object Guild::user_json(const std::string& user_id) const {
  auto it = users.find(user_id);
  const std::string username = it == users.end() ? "unknown" : it->second.username;
  json::object user{{"id", user_id},
                    {"username", username},
                    {"discriminator", "0"},
                    {"global_name", nullptr},
                    {"avatar", nullptr}};
  if (it != users.end() && it->second.bot) user["bot"] = true;
  return user;
}

json::object Guild::member_json(const Member& member) const {
  json::array member_roles;
  for (const auto& role : member.roles) member_roles.emplace_back(role);
  return {{"user", user_json(member.user_id)},
          {"nick", optional_string(member.nick)},
          {"avatar", nullptr},
          {"roles", std::move(member_roles)},
          {"joined_at", member.joined_at},
          {"premium_since", nullptr},
          {"deaf", false},
          {"mute", false},
          {"flags", 0},
          {"pending", false},
          {"communication_disabled_until", optional_string(member.communication_disabled_until)}};
}

json::object Guild::role_json(const Role& role) const {
  json::object out{{"id", role.id},
                   {"name", role.name},
                   {"color", role.color},
                   {"hoist", role.hoist},
                   {"icon", nullptr},
                   {"unicode_emoji", nullptr},
                   {"position", role.position},
                   {"permissions", role.permissions},
                   {"managed", role.managed},
                   {"mentionable", role.mentionable},
                   {"flags", 0}};
  if (role.managed) out["tags"] = json::object{{"bot_id", bot_id}};
  return out;
}

json::object Guild::channel_json(const Channel& channel) const {
  json::object out{{"id", channel.id},
                   {"type", channel.type},
                   {"guild_id", id},
                   {"name", channel.name},
                   {"position", channel.position},
                   {"permission_overwrites", json::array{}},
                   {"parent_id", optional_string(channel.parent_id)},
                   {"nsfw", channel.nsfw}};
  if (channel.type == channel_type::kText || channel.type == channel_type::kAnnouncement) {
    out["topic"] = optional_string(channel.topic);
    out["last_message_id"] = nullptr;
    out["rate_limit_per_user"] = channel.rate_limit_per_user;
  } else if (channel.type == channel_type::kVoice) {
    out["bitrate"] = 64000;
    out["user_limit"] = 0;
    out["rtc_region"] = nullptr;
    out["rate_limit_per_user"] = channel.rate_limit_per_user;
  }
  return out;
}

json::object Guild::ban_json(const Ban& ban) const {
  return {{"reason", optional_string(ban.reason)}, {"user", user_json(ban.user_id)}};
}

json::object Guild::message_json(const Message& message) const {
  // The time is the id's (ms since Discord's epoch in the top 42 bits).
  const auto ms = static_cast<std::int64_t>(std::stoull(message.id) >> 22) + 1'420'070'400'000;
  return {{"id", message.id},
          {"type", 0},
          {"channel_id", message.channel_id},
          {"author", user_json(message.author_id)},
          {"content", message.content},
          {"timestamp", format_iso8601(SystemTime(std::chrono::milliseconds(ms)))},
          {"edited_timestamp", nullptr},
          {"tts", false},
          {"mention_everyone", false},
          {"mentions", json::array{}},
          {"mention_roles", json::array{}},
          {"attachments", json::array{}},
          {"embeds", message.embeds.is_array() ? message.embeds : json::array{}},
          {"pinned", false}};
}

json::object Guild::audit_entry_json(const AuditLogEntry& entry) const {
  json::object out{{"id", entry.id},
                   {"guild_id", id},
                   {"action_type", entry.action_type},
                   {"user_id", entry.user_id},
                   {"target_id", entry.target_id},
                   {"changes", entry.changes}};
  if (entry.reason) out["reason"] = *entry.reason;
  if (!entry.options.empty()) out["options"] = entry.options;
  return out;
}

json::object Guild::guild_json() const {
  json::array role_list;
  for (const auto& [role_id, role] : roles) role_list.push_back(role_json(role));
  return {{"id", id},
          {"name", name},
          {"icon", nullptr},
          {"description", nullptr},
          {"owner_id", owner_id},
          {"afk_channel_id", nullptr},
          {"afk_timeout", 300},
          {"system_channel_id", "100"},
          {"verification_level", 0},
          {"default_message_notifications", 0},
          {"explicit_content_filter", 0},
          {"mfa_level", 0},
          {"nsfw_level", 0},
          {"premium_tier", 0},
          {"preferred_locale", "en-US"},
          {"features", json::array{}},
          {"emojis", json::array{}},
          {"stickers", json::array{}},
          {"roles", std::move(role_list)}};
}

json::object Guild::guild_create_json() const {
  json::array channel_list, member_list;
  for (const auto& [channel_id, channel] : channels) channel_list.push_back(channel_json(channel));
  for (const auto& [user_id, member] : members) member_list.push_back(member_json(member));
  json::object out = guild_json();
  out["channels"] = std::move(channel_list);
  out["threads"] = json::array{};
  out["members"] = std::move(member_list);
  out["member_count"] = members.size();
  out["presences"] = json::array{};
  out["voice_states"] = json::array{};
  out["stage_instances"] = json::array{};
  out["guild_scheduled_events"] = json::array{};
  out["large"] = false;
  out["unavailable"] = false;
  out["joined_at"] = "2024-01-01T00:00:00.000000+00:00";
  return out;
}

}  // namespace mikami::sandbox
