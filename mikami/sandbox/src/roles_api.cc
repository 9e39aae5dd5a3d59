// Guild roles: GET the list, POST a role, PATCH one, DELETE one.
#include <algorithm>

#include "form_errors.h"
#include "guild_api.h"

namespace mikami::sandbox {
namespace {

constexpr std::size_t kMaxRoles = 250;
constexpr std::int64_t kMaxColor = 0xFFFFFF;

bool is_permissions(std::string_view text) {
  return !text.empty() && text.size() <= 20 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Reads the fields POST and PATCH share into `role`.
void read_role_fields(FormErrors& errors, const json::object& body, Role& role) {
  if (const json::value* name = body.if_contains("name"); name != nullptr && !name->is_null()) {
    if (auto text = errors.string_field(body, "name", 1, 100)) role.name = *text;
  }
  if (const json::value* permissions = body.if_contains("permissions");
      permissions != nullptr && !permissions->is_null()) {
    if (!permissions->is_string() || !is_permissions(permissions->as_string())) {
      errors.add("permissions", "BASE_TYPE_STRING", "Must be a string of decimal digits.");
    } else {
      role.permissions = std::string(permissions->as_string());
    }
  }
  if (auto color = errors.int_field(body, "color", 0, kMaxColor)) role.color = *color;
  if (auto hoist = errors.bool_field(body, "hoist")) role.hoist = *hoist;
  if (auto mentionable = errors.bool_field(body, "mentionable")) role.mentionable = *mentionable;
}

}  // namespace

Response GuildApi::list_roles() {
  std::vector<const Role*> sorted;
  for (const auto& [id, role] : guild_.roles) sorted.push_back(&role);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Role* a, const Role* b) { return a->position < b->position; });
  json::array out;
  for (const Role* role : sorted) out.push_back(guild_.role_json(*role));
  return json_response(http::status::ok, out);
}

Response GuildApi::create_role(const json::object& body) {
  Role role;
  role.name = "new role";
  role.permissions = guild_.roles.at(guild_.id).permissions;  // @everyone's by default
  FormErrors errors;
  read_role_fields(errors, body, role);
  if (!errors.empty()) return errors.response();
  if (guild_.roles.size() >= kMaxRoles) {
    return discord_error(http::status::bad_request, "Maximum number of guild roles reached (250)",
                         30005);
  }
  // A new role goes just above @everyone.
  for (auto& [id, other] : guild_.roles) {
    if (id != guild_.id) ++other.position;
  }
  role.id = next_id_();
  role.position = 1;
  const Role& stored = guild_.roles[role.id] = role;
  emit_("GUILD_ROLE_CREATE",
        json::object{{"guild_id", guild_.id}, {"role", guild_.role_json(stored)}});
  return json_response(http::status::ok, guild_.role_json(stored));
}

Response GuildApi::modify_role(const std::string& role_id, const json::object& body) {
  auto it = guild_.roles.find(role_id);
  if (it == guild_.roles.end()) return unknown("Role", 10011);
  Role updated = it->second;
  FormErrors errors;
  read_role_fields(errors, body, updated);
  if (!errors.empty()) return errors.response();
  if (role_id == guild_.id && updated.name != it->second.name) {
    return discord_error(http::status::bad_request, "Invalid Role", 50028);
  }
  it->second = std::move(updated);
  emit_("GUILD_ROLE_UPDATE",
        json::object{{"guild_id", guild_.id}, {"role", guild_.role_json(it->second)}});
  return json_response(http::status::ok, guild_.role_json(it->second));
}

Response GuildApi::delete_role(const std::string& role_id) {
  auto it = guild_.roles.find(role_id);
  if (it == guild_.roles.end()) return unknown("Role", 10011);
  if (role_id == guild_.id || it->second.managed) {
    return discord_error(http::status::bad_request, "Invalid Role", 50028);
  }
  guild_.roles.erase(it);
  for (auto& [user_id, member] : guild_.members) {
    auto at = std::find(member.roles.begin(), member.roles.end(), role_id);
    if (at != member.roles.end()) member.roles.erase(at);
  }
  emit_("GUILD_ROLE_DELETE", json::object{{"guild_id", guild_.id}, {"role_id", role_id}});
  return empty_response(http::status::no_content);
}

}  // namespace mikami::sandbox
