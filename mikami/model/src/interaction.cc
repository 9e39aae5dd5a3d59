#include "mikami/model/interaction.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

namespace {

core::Result<OptionValue> option_value(const json::value& v, CommandOptionType type, bool focused) {
  auto bad = [&](std::string_view expected) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "value: expected " + std::string(expected));
  };
  // While typing, Discord sends what is in the box, as a string, whatever the option's type.
  if (focused && v.is_string()) return OptionValue(std::string(v.get_string()));
  switch (type) {
    case CommandOptionType::kSubCommand:
    case CommandOptionType::kSubCommandGroup:
      return bad("no value for a sub-command");
    case CommandOptionType::kString:
      if (!v.is_string()) return bad("a string");
      return OptionValue(std::string(v.get_string()));
    case CommandOptionType::kInteger:
      if (v.is_int64()) return OptionValue(v.get_int64());
      if (v.is_uint64() && v.get_uint64() <= std::uint64_t(INT64_MAX)) {
        return OptionValue(std::int64_t(v.get_uint64()));
      }
      // Discord may send 3.0 for 3. The range is checked before the conversion, which is
      // undefined for a double past int64's.
      if (v.is_double() && detail::is_discord_integer(v.get_double())) {
        return OptionValue(std::int64_t(v.get_double()));
      }
      return bad("an integer");
    case CommandOptionType::kNumber:
      if (v.is_double()) {
        // A literal past the range of a double reads as infinity.
        if (!std::isfinite(v.get_double())) return bad("a number in the range of a double");
        return OptionValue(v.get_double());
      }
      if (v.is_int64()) return OptionValue(double(v.get_int64()));
      if (v.is_uint64()) return OptionValue(double(v.get_uint64()));
      return bad("a number");
    case CommandOptionType::kBoolean:
      if (!v.is_bool()) return bad("a boolean");
      return OptionValue(v.get_bool());
    case CommandOptionType::kUser:
    case CommandOptionType::kChannel:
    case CommandOptionType::kRole:
    case CommandOptionType::kMentionable:
    case CommandOptionType::kAttachment: {
      auto id = detail::snowflake_from(v);
      if (!id) return bad("a snowflake");
      return OptionValue(Snowflake(*id));
    }
  }
  return bad("a known option type");
}

core::Result<InteractionOption> parse_option(const json::value& v) {
  detail::Fields f(v, "option");
  InteractionOption option;
  f.string("name", option.name, detail::Need::kRequired);
  std::uint8_t type = 0;
  f.integer("type", type, detail::Need::kRequired);
  if (f.ok() && (type < 1 || type > 11)) f.fail("type", "unknown option type");
  option.type = CommandOptionType(type);
  f.boolean("focused", option.focused);
  if (const json::value* value = f.get("value"); value && f.ok()) {
    auto parsed = option_value(*value, option.type, option.focused);
    if (!parsed) {
      f.fail("value", parsed.error().message());
    } else {
      option.value = std::move(*parsed);
    }
  }
  f.list("options", option.options, parse_option);
  return f.finish(std::move(option));
}

// A resolved map: {"<id>": object, ...}.
template <class Key, class T, class Parse>
void resolved_map(detail::Fields& f, std::string_view key, std::unordered_map<Key, T>& out,
                  Parse parse) {
  const json::value* v = f.get(key);
  if (!v || !f.ok()) return;
  const json::object* o = v->if_object();
  if (!o) return f.fail(key, "expected an object keyed by id");
  out.reserve(o->size());
  for (const auto& entry : *o) {
    auto id = parse_snowflake(entry.key());
    if (!id) return f.fail(key, id.error().message());
    auto parsed = parse(entry.value());
    if (!parsed) return f.fail(key, parsed.error().message());
    out.emplace(Key(*id), std::move(*parsed));
  }
}

core::Result<Attachment> parse_attachment(const json::value& v) {
  detail::Fields f(v, "attachment");
  Attachment a;
  f.id("id", a.id, detail::Need::kRequired);
  f.string("filename", a.filename);
  f.string("content_type", a.content_type);
  f.integer("size", a.size);
  f.string("url", a.url);
  return f.finish(std::move(a));
}

core::Result<Resolved> parse_resolved(const json::value& v) {
  detail::Fields f(v, "resolved");
  Resolved r;
  resolved_map(f, "users", r.users, [](const json::value& u) { return parse_user(u); });
  resolved_map(f, "members", r.members, [](const json::value& m) { return parse_member(m); });
  resolved_map(f, "roles", r.roles, [](const json::value& x) { return parse_role(x); });
  resolved_map(f, "channels", r.channels, [](const json::value& c) { return parse_channel(c); });
  resolved_map(f, "attachments", r.attachments, parse_attachment);
  return f.finish(std::move(r));
}

// Text inputs inside a modal submit's action rows.
void collect_modal_values(const std::vector<Component>& components, std::vector<ModalValue>& out) {
  for (const Component& c : components) {
    if (c.type == ComponentType::kTextInput) out.push_back({c.custom_id, c.value});
    collect_modal_values(c.components, out);
  }
}

core::Result<InteractionData> parse_data(const json::value& v) {
  detail::Fields f(v, "data");
  InteractionData data;
  f.id("id", data.id);
  f.string("name", data.name);
  f.integer("type", data.command_type);
  f.list("options", data.options, parse_option);
  f.id("guild_id", data.guild_id);
  f.id("target_id", data.target_id);
  f.string("custom_id", data.custom_id);
  f.integer("component_type", data.component_type);
  f.list("values", data.values, [](const json::value& x) -> core::Result<std::string> {
    if (!x.is_string()) return core::fail(core::ErrorCode::kInvalidArgument, "expected a string");
    return std::string(x.get_string());
  });
  std::vector<Component> modal_rows;
  f.list("components", modal_rows, [](const json::value& c) { return parse_component(c); });
  collect_modal_values(modal_rows, data.modal_values);
  f.child("resolved", data.resolved, parse_resolved);
  return f.finish(std::move(data));
}

// The options one level down when `level` is a lone sub-command or group, else nullptr.
const std::vector<InteractionOption>* descend(const std::vector<InteractionOption>& level) {
  if (level.size() != 1) return nullptr;
  const CommandOptionType type = level[0].type;
  if (type != CommandOptionType::kSubCommand && type != CommandOptionType::kSubCommandGroup) {
    return nullptr;
  }
  return &level[0].options;
}

}  // namespace

std::vector<std::string_view> InteractionData::subcommand_path() const {
  std::vector<std::string_view> path;
  for (const auto* level = &options; const auto* next = descend(*level); level = next) {
    path.push_back((*level)[0].name);
  }
  return path;
}

const std::vector<InteractionOption>& InteractionData::leaf_options() const {
  const std::vector<InteractionOption>* level = &options;
  while (const auto* next = descend(*level)) level = next;
  return *level;
}

const InteractionOption* InteractionData::option(std::string_view option_name) const {
  for (const InteractionOption& o : leaf_options()) {
    if (o.name == option_name) return &o;
  }
  return nullptr;
}

const InteractionOption* InteractionData::focused_option() const {
  for (const InteractionOption& o : leaf_options()) {
    if (o.focused) return &o;
  }
  return nullptr;
}

const User* Interaction::invoker() const {
  if (member && member->user) return &*member->user;
  if (user) return &*user;
  return nullptr;
}

std::optional<Permissions> Interaction::invoker_permissions() const {
  if (member) return member->permissions;
  return std::nullopt;
}

core::Result<Interaction> parse_interaction(const json::value& v) {
  detail::Fields f(v, "interaction");
  Interaction i;
  f.id("id", i.id, detail::Need::kRequired);
  f.id("application_id", i.application_id, detail::Need::kRequired);
  f.integer("type", i.type, detail::Need::kRequired);
  if (f.ok() && (static_cast<int>(i.type) < 1 || static_cast<int>(i.type) > 5)) {
    f.fail("type", "unknown interaction type");
  }
  f.child("data", i.data, parse_data);
  f.id("guild_id", i.guild_id);
  f.id("channel_id", i.channel_id);
  f.child("channel", i.channel, [](const json::value& c) { return parse_channel(c); });
  f.child("member", i.member, [](const json::value& m) { return parse_member(m); });
  f.child("user", i.user, [](const json::value& u) { return parse_user(u); });
  f.string("token", i.token, detail::Need::kRequired);
  f.integer("version", i.version);
  f.child("message", i.message, [](const json::value& m) { return parse_message(m); });
  f.permissions("app_permissions", i.app_permissions);
  f.string("locale", i.locale);
  f.string("guild_locale", i.guild_locale);
  f.integer("context", i.context);
  if (f.ok() && i.type != InteractionType::kPing) {
    if (!i.data) f.fail("data", "missing");
    if (!i.invoker()) f.fail("member", "missing (and no user): the interaction has no invoker");
  }
  return f.finish(std::move(i));
}

core::Result<Interaction> parse_interaction_text(std::string_view json_text) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kInvalidArgument, "interaction: not JSON: " + ec.message());
  }
  return parse_interaction(v);
}

}  // namespace mikami::model
