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
      return true;
    default:
      return false;
  }
}

Response GuildApi::handle(const RouteMatch& route, const Request& request,
                          const json::value& body) {
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
      endpoint == Endpoint::kModifyChannel || endpoint == Endpoint::kCreateGuildChannel;
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

void GuildApi::emit_member_update(const Member& member) {
  json::object data = guild_.member_json(member);
  data["guild_id"] = guild_.id;
  emit_("GUILD_MEMBER_UPDATE", std::move(data));
}

}  // namespace mikami::sandbox
