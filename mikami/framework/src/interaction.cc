#include "mikami/framework/interaction.h"

#include <boost/json.hpp>

namespace mikami::framework {
namespace {

namespace json = boost::json;

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::uint64_t bits(const json::object& o, std::string_view key) {
  const std::string s = text(o, key);
  if (s.empty()) return 0;
  try {
    return std::stoull(s);
  } catch (...) {
    return 0;
  }
}

std::vector<std::string> string_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v != nullptr && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

// Walks subcommand groups and subcommands down to the leaf options.
void read_options(const json::array& options, Interaction& out) {
  for (const json::value& v : options) {
    const json::object* option = v.if_object();
    if (option == nullptr) continue;
    const json::value* type = option->if_contains("type");
    const int t = type != nullptr && type->is_int64() ? static_cast<int>(type->as_int64()) : 0;
    if (t == static_cast<int>(OptionType::kSubCommand) ||
        t == static_cast<int>(OptionType::kSubCommandGroup)) {
      out.subcommand_path.push_back(text(*option, "name"));
      if (const json::value* inner = option->if_contains("options"); inner && inner->is_array()) {
        read_options(inner->as_array(), out);
      }
      continue;
    }
    InteractionOption parsed;
    parsed.name = text(*option, "name");
    parsed.type = static_cast<OptionType>(t);
    const json::value* value = option->if_contains("value");
    if (value != nullptr) {
      if (value->is_string()) {
        parsed.value = std::string(value->as_string());
      } else if (value->is_bool()) {
        parsed.value = value->as_bool();
      } else if (value->is_int64()) {
        if (parsed.type == OptionType::kNumber) {
          parsed.value = static_cast<double>(value->as_int64());
        } else {
          parsed.value = value->as_int64();
        }
      } else if (value->is_double()) {
        parsed.value = value->as_double();
      }
    }
    const json::value* focused = option->if_contains("focused");
    parsed.focused = focused != nullptr && focused->is_bool() && focused->as_bool();
    out.options.push_back(std::move(parsed));
  }
}

}  // namespace

core::Result<Interaction> parse_interaction(std::string_view text_json) {
  boost::system::error_code ec;
  json::value root = json::parse(text_json, ec);
  if (ec) return core::fail(core::ErrorCode::kInvalidArgument, "interaction: not a JSON object");
  return parse_interaction(root);
}

core::Result<Interaction> parse_interaction(const json::value& root) {
  if (!root.is_object()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "interaction: not a JSON object");
  }
  const json::object& o = root.as_object();
  Interaction out;
  out.id = text(o, "id");
  out.token = text(o, "token");
  out.application_id = text(o, "application_id");
  for (const char* required : {"id", "token", "application_id"}) {
    if (text(o, required).empty()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        std::string("interaction: missing field ") + required);
    }
  }
  const json::value* type = o.if_contains("type");
  if (type == nullptr || !type->is_int64()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "interaction: missing field type");
  }
  out.type = static_cast<InteractionType>(type->as_int64());
  out.guild_id = text(o, "guild_id");
  out.channel_id = text(o, "channel_id");
  out.app_permissions = bits(o, "app_permissions");
  const json::object* user = nullptr;
  if (const json::value* member = o.if_contains("member"); member && member->is_object()) {
    out.in_guild = true;
    const json::object& m = member->as_object();
    out.member_permissions = bits(m, "permissions");
    out.member_role_ids = string_list(m, "roles");
    if (const json::value* u = m.if_contains("user"); u && u->is_object()) user = &u->as_object();
  } else if (const json::value* u = o.if_contains("user"); u && u->is_object()) {
    user = &u->as_object();
  }
  if (user == nullptr) {
    return core::fail(core::ErrorCode::kInvalidArgument, "interaction: missing field member.user");
  }
  out.user_id = text(*user, "id");
  out.username = text(*user, "username");
  if (const json::value* data = o.if_contains("data"); data && data->is_object()) {
    const json::object& d = data->as_object();
    out.command_name = text(d, "name");
    out.custom_id = text(d, "custom_id");
    if (const json::value* options = d.if_contains("options"); options && options->is_array()) {
      read_options(options->as_array(), out);
    }
    const json::value* resolved = d.if_contains("resolved");
    const json::value* members =
        resolved && resolved->is_object() ? resolved->as_object().if_contains("members") : nullptr;
    if (members != nullptr && members->is_object()) {
      for (const auto& [id, member] : members->as_object()) {
        if (!member.is_object()) continue;
        ResolvedMember r;
        r.role_ids = string_list(member.as_object(), "roles");
        r.permissions = bits(member.as_object(), "permissions");
        out.resolved_members.emplace(std::string(id), std::move(r));
      }
    }
  }
  return out;
}

}  // namespace mikami::framework
