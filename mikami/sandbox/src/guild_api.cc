#include "guild_api.h"

#include "form_errors.h"

namespace mikami::sandbox {

Response unknown(std::string_view what, int code) {
  return discord_error(http::status::not_found, "Unknown " + std::string(what), code);
}

Response missing_permissions() {
  return discord_error(http::status::forbidden, "Missing Permissions", 50013);
}

bool GuildApi::serves(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kGetGuild:
    case Endpoint::kGetMember:
    case Endpoint::kListMembers:
    case Endpoint::kModifyMember:
    case Endpoint::kAddMemberRole:
    case Endpoint::kRemoveMemberRole:
    case Endpoint::kRemoveMember:
    case Endpoint::kListRoles:
    case Endpoint::kCreateRole:
    case Endpoint::kModifyRole:
    case Endpoint::kDeleteRole:
    case Endpoint::kListBans:
    case Endpoint::kGetBan:
    case Endpoint::kCreateBan:
    case Endpoint::kRemoveBan:
    case Endpoint::kGetChannel:
    case Endpoint::kModifyChannel:
    case Endpoint::kDeleteChannel:
    case Endpoint::kListGuildChannels:
    case Endpoint::kCreateGuildChannel:
    case Endpoint::kListMessages:
    case Endpoint::kDeleteMessage:
    case Endpoint::kBulkDeleteMessages:
    case Endpoint::kCreateDm:
      return true;
    default:
      return false;
  }
}

Response GuildApi::handle(const RouteMatch& route, const Request& request, const json::value& body,
                          const std::string& actor) {
  actor_ = actor.empty() ? guild_.bot_id : actor;
  reason_header_.reset();
  if (auto header = request.find("X-Audit-Log-Reason"); header != request.end()) {
    reason_header_ = std::string(header->value());
  }
  auto param = [&](const char* name) -> std::string {
    auto it = route.params.find(name);
    return it == route.params.end() ? "" : it->second;
  };
  if (route.params.contains("guild") && param("guild") != guild_.id) {
    return unknown("Guild", 10004);
  }
  const Endpoint endpoint = route.spec->endpoint;
  const bool takes_body =
      endpoint == Endpoint::kModifyMember || endpoint == Endpoint::kCreateRole ||
      endpoint == Endpoint::kModifyRole || endpoint == Endpoint::kCreateBan ||
      endpoint == Endpoint::kModifyChannel || endpoint == Endpoint::kCreateGuildChannel ||
      endpoint == Endpoint::kBulkDeleteMessages || endpoint == Endpoint::kCreateDm;
  if (takes_body && !body.is_object()) {
    FormErrors errors;
    errors.add("", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return errors.response();
  }
  static const json::object kEmpty;
  const json::object& object = body.is_object() ? body.as_object() : kEmpty;
  switch (endpoint) {
    case Endpoint::kGetGuild:
      return get_guild();
    case Endpoint::kGetMember:
      return get_member(param("user"));
    case Endpoint::kListMembers:
      return list_members(request);
    case Endpoint::kModifyMember:
      return modify_member(param("user"), object);
    case Endpoint::kAddMemberRole:
      return member_role(param("user"), param("role"), true);
    case Endpoint::kRemoveMemberRole:
      return member_role(param("user"), param("role"), false);
    case Endpoint::kRemoveMember:
      return remove_member(param("user"));
    case Endpoint::kListRoles:
      return list_roles();
    case Endpoint::kCreateRole:
      return create_role(object);
    case Endpoint::kModifyRole:
      return modify_role(param("role"), object);
    case Endpoint::kDeleteRole:
      return delete_role(param("role"));
    case Endpoint::kListBans:
      return list_bans(request);
    case Endpoint::kGetBan:
      return get_ban(param("user"));
    case Endpoint::kCreateBan:
      return create_ban(param("user"), request, object);
    case Endpoint::kRemoveBan:
      return remove_ban(param("user"));
    case Endpoint::kGetChannel:
      return get_channel(param("channel"));
    case Endpoint::kModifyChannel:
      return modify_channel(param("channel"), object);
    case Endpoint::kDeleteChannel:
      return delete_channel(param("channel"));
    case Endpoint::kListGuildChannels:
      return list_channels();
    case Endpoint::kCreateGuildChannel:
      return create_channel(object);
    case Endpoint::kListMessages:
      return list_messages(param("channel"), request);
    case Endpoint::kDeleteMessage:
      return delete_message(param("channel"), param("message"));
    case Endpoint::kBulkDeleteMessages:
      return bulk_delete(param("channel"), object);
    case Endpoint::kCreateDm:
      return create_dm(object);
    default:
      return discord_error(http::status::not_found, "404: Not Found", 0);
  }
}

bool GuildApi::is_administrator(const Member& member) const {
  if (member.user_id == guild_.owner_id) return true;
  for (const auto& role_id : member.roles) {
    auto it = guild_.roles.find(role_id);
    if (it == guild_.roles.end()) continue;
    std::uint64_t permissions = 0;
    try {
      permissions = std::stoull(it->second.permissions);
    } catch (...) {
      continue;
    }
    if (permissions & 0x8) return true;  // ADMINISTRATOR
  }
  return false;
}

void GuildApi::audit(int action_type, const std::string& target_id, json::array changes,
                     json::object options) {
  AuditLogEntry entry;
  entry.id = next_id_();
  entry.action_type = action_type;
  entry.user_id = actor_;
  entry.target_id = target_id;
  entry.reason_header = reason_header_;
  if (reason_header_) entry.reason = percent_decode(*reason_header_);
  entry.changes = std::move(changes);
  entry.options = std::move(options);
  guild_.audit_log.push_back(entry);
  emit_("GUILD_AUDIT_LOG_ENTRY_CREATE", guild_.audit_entry_json(entry));
}

void GuildApi::emit_member_update(const Member& member) {
  json::object data = guild_.member_json(member);
  data["guild_id"] = guild_.id;
  emit_("GUILD_MEMBER_UPDATE", std::move(data));
}

}  // namespace mikami::sandbox
