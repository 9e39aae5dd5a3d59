// The REST routes on the guild's state: members (get, list, modify incl. timeouts, role
// add/remove, kick), roles, bans and channels. Answers are Discord's: the object or a 204,
// 404 {"message": "Unknown Member", "code": 10007} and friends, 400 Invalid Form Body naming
// the field, 403 Missing Permissions for what a bot may never do (time out, kick or ban the
// owner or an administrator). Every change is also dispatched on the gateway
// (GUILD_MEMBER_UPDATE, GUILD_BAN_ADD, CHANNEL_UPDATE, ...).
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "guild.h"
#include "http_util.h"
#include "routes.h"

namespace mikami::sandbox {

class GuildApi {
 public:
  using Emit = std::function<void(std::string_view type, boost::json::value data)>;
  using NextId = std::function<std::string()>;

  GuildApi(Guild& guild, NextId next_id, Emit emit)
      : guild_(guild), next_id_(std::move(next_id)), emit_(std::move(emit)) {}

  // Whether `endpoint` is one of these routes.
  static bool serves(Endpoint endpoint);

  // `body` is the parsed JSON body (an empty object when there was none). `actor`: who acts,
  // for the audit log (empty: the bot; the console's moderation by hand names a person).
  Response handle(const RouteMatch& route, const Request& request, const json::value& body,
                  const std::string& actor = "");

  // A message posted to `channel_id` (any channel, DMs included), kept for GET and deletes;
  // a channel keeps its last kMaxMessagesPerChannel.
  const Message& store_message(const std::string& channel_id, const std::string& author_id,
                               std::string content, json::value embeds, std::string id = "");
  static constexpr std::size_t kMaxMessagesPerChannel = 1000;

 private:
  // members_api.cc
  Response get_guild();
  Response get_member(const std::string& user_id);
  Response list_members(const Request& request);
  Response modify_member(const std::string& user_id, const json::object& body);
  Response member_role(const std::string& user_id, const std::string& role_id, bool add);
  Response remove_member(const std::string& user_id);
  // roles_api.cc
  Response list_roles();
  Response create_role(const json::object& body);
  Response modify_role(const std::string& role_id, const json::object& body);
  Response delete_role(const std::string& role_id);
  // bans_api.cc
  Response list_bans(const Request& request);
  Response get_ban(const std::string& user_id);
  Response create_ban(const std::string& user_id, const Request& request, const json::object& body);
  Response remove_ban(const std::string& user_id);
  // messages_api.cc
  Response list_messages(const std::string& channel_id, const Request& request);
  Response delete_message(const std::string& channel_id, const std::string& message_id);
  Response bulk_delete(const std::string& channel_id, const json::object& body);
  Response create_dm(const json::object& body);
  bool known_channel(const std::string& channel_id) const;
  // channels_api.cc
  Response get_channel(const std::string& channel_id);
  Response modify_channel(const std::string& channel_id, const json::object& body);
  Response delete_channel(const std::string& channel_id);
  Response list_channels();
  Response create_channel(const json::object& body);

  bool is_administrator(const Member& member) const;
  void emit_member_update(const Member& member);
  // Records an audit-log entry by the current actor with the request's reason and
  // dispatches GUILD_AUDIT_LOG_ENTRY_CREATE.
  void audit(int action_type, const std::string& target_id, json::array changes = {},
             json::object options = {});

  // Of the request being handled (one at a time: the sandbox has one thread).
  std::string actor_;
  std::optional<std::string> reason_header_;

  Guild& guild_;
  NextId next_id_;
  Emit emit_;
};

// Discord's error answers used by several routes.
Response unknown(std::string_view what, int code);  // 404 "Unknown <what>"
Response missing_permissions();                     // 403, code 50013

}  // namespace mikami::sandbox
