// The sandbox's one guild, in memory: users, members, roles, channels and bans, seeded with
// a small consistent server, and their Discord JSON shapes. GUILD_CREATE and the REST routes
// both read it, so what a bot sees on the gateway matches what REST answers.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mikami::sandbox {

// Snowflakes (decimal strings) in numeric order.
struct SnowflakeLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  }
};

struct User {
  std::string id;
  std::string username;
  bool bot = false;
};

struct Member {
  std::string user_id;
  std::optional<std::string> nick;
  std::vector<std::string> roles;
  std::string joined_at;
  std::optional<std::string> communication_disabled_until;
};

struct Role {
  std::string id;
  std::string name;
  std::int64_t color = 0;
  bool hoist = false;
  int position = 0;
  std::string permissions = "0";
  bool managed = false;
  bool mentionable = false;
};

namespace channel_type {
constexpr int kText = 0;
constexpr int kVoice = 2;
constexpr int kCategory = 4;
constexpr int kAnnouncement = 5;
}  // namespace channel_type

struct Channel {
  std::string id;
  int type = channel_type::kText;
  std::string name;
  std::optional<std::string> topic;
  int position = 0;
  std::optional<std::string> parent_id;
  bool nsfw = false;
  int rate_limit_per_user = 0;
};

struct Ban {
  std::string user_id;
  std::optional<std::string> reason;
};

// A message in a channel (guild or DM). Its age, which decides whether it can be deleted
// in bulk, is read from its id.
struct Message {
  std::string id;
  std::string channel_id;
  std::string author_id;
  std::string content;
  boost::json::value embeds;  // as sent (an array or null)
};

// Discord's audit-log action types the sandbox records.
namespace audit_action {
constexpr int kMemberKick = 20;
constexpr int kMemberBanAdd = 22;
constexpr int kMemberBanRemove = 23;
constexpr int kMemberUpdate = 24;
constexpr int kMessageDelete = 72;
constexpr int kMessageBulkDelete = 73;
}  // namespace audit_action

struct AuditLogEntry {
  std::string id;
  int action_type = 0;
  std::string user_id;    // who acted: the bot for REST calls, a person for the console's
  std::string target_id;  // the member, or the channel of deleted messages
  std::optional<std::string> reason;  // decoded
  // The X-Audit-Log-Reason header exactly as received (still URL-encoded); nullopt: none.
  std::optional<std::string> reason_header;
  boost::json::array changes;   // [{"key", "old_value", "new_value"}]
  boost::json::object options;  // e.g. {"count": "12"} for a bulk delete
};

template <class T>
using SnowflakeMap = std::map<std::string, T, SnowflakeLess>;

class Guild {
 public:
  // The seeded guild: id "1" ("Sandbox"), owner "2"; see doc/sandbox.md for the members,
  // roles, channels and the one ban.
  Guild();

  std::string id;
  std::string name;
  std::string owner_id;
  std::string bot_id;
  SnowflakeMap<User> users;  // everyone the sandbox knows, members or not
  SnowflakeMap<Member> members;
  SnowflakeMap<Role> roles;  // the @everyone role has the guild's id
  SnowflakeMap<Channel> channels;
  SnowflakeMap<Ban> bans;
  SnowflakeMap<Message> messages;         // every channel's, DMs included
  SnowflakeMap<std::string> dm_channels;  // by recipient: the DM channel's id
  std::vector<AuditLogEntry> audit_log;   // oldest first

  boost::json::object message_json(const Message& message) const;
  boost::json::object audit_entry_json(const AuditLogEntry& entry) const;

  boost::json::object user_json(const std::string& user_id) const;
  boost::json::object member_json(const Member& member) const;
  boost::json::object role_json(const Role& role) const;
  boost::json::object channel_json(const Channel& channel) const;
  boost::json::object ban_json(const Ban& ban) const;
  // GET /guilds/{id}: the guild with its roles (no members or channels).
  boost::json::object guild_json() const;
  // GUILD_CREATE: guild_json() with channels, threads, members and the join state.
  boost::json::object guild_create_json() const;
};

// Adds `count` members (users 100001.., named member1.., with the Regular role).
void add_members(Guild& guild, int count);

}  // namespace mikami::sandbox
