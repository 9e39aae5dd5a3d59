#include "console_api.h"

#include <algorithm>
#include <cctype>
#include <random>

#include "commands_api.h"
#include "form_errors.h"
#include "timestamps.h"
#include "typed_line.h"

namespace mikami::sandbox {
namespace {

constexpr std::uint64_t kAllPermissions = (std::uint64_t{1} << 51) - 1;
constexpr std::uint64_t kAdministrator = 1 << 3;
constexpr std::uint64_t kViewChannel = 1 << 10;
constexpr std::uint64_t kReadMessageHistory = 1 << 16;
constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;

std::string field(const json::object& body, std::string_view key, std::string fallback) {
  const json::value* v = body.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : fallback;
}

std::optional<std::string> find_user(const Guild& guild, const std::string& who) {
  std::string key = who;
  if (!key.empty() && key.front() == '@') key.erase(0, 1);
  if (guild.users.contains(key)) return key;
  for (const auto& [id, user] : guild.users) {
    if (user.username == key) return id;
  }
  return std::nullopt;
}

std::optional<std::string> find_channel(const Guild& guild, const std::string& which) {
  std::string key = which;
  if (!key.empty() && key.front() == '#') key.erase(0, 1);
  if (guild.channels.contains(key)) return key;
  for (const auto& [id, channel] : guild.channels) {
    if (channel.name == key) return id;
  }
  return std::nullopt;
}

// A snowflake whose timestamp is now, as Discord's interaction ids have.
std::string time_snowflake(std::int64_t counter) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return std::to_string(((ms - kDiscordEpochMs) << 22) | (counter & 0x3FFFFF));
}

std::string new_token(std::int64_t counter) {
  static std::mt19937_64 random{std::random_device{}()};
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string token = "aW50ZXJhY3Rpb246" + std::to_string(counter) + "_";
  for (int i = 0; i < 48; ++i) token += kAlphabet[random() % (sizeof kAlphabet - 1)];
  return token;
}

void remember(ConsoleState& state, InteractionRecord record) {
  while (state.order.size() >= ConsoleState::kMaxInteractions) {
    auto old = state.interactions.find(state.order.front());
    if (old != state.interactions.end()) {
      state.by_token.erase(old->second.token);
      state.interactions.erase(old);
    }
    state.order.pop_front();
  }
  state.order.push_back(record.id);
  state.by_token[record.token] = record.id;
  const std::string id = record.id;
  state.interactions.emplace(id, std::move(record));
}

Response interact(Context& context, Gateway& gateway, const json::object& body) {
  const Guild& guild = context.guild;
  const std::string line = field(body, "line", "");
  const std::string who = field(body, "user", "1");
  const auto user_id = find_user(guild, who);
  if (!user_id || !guild.members.contains(*user_id)) {
    return json_response(http::status::bad_request,
                         {{"message", "no member '" + who + "' in the guild"}});
  }
  const auto channel_id = find_channel(guild, field(body, "channel", "100"));
  if (!channel_id) {
    return json_response(http::status::bad_request, {{"message", "no such channel"}});
  }
  ConsoleState& state = context.console;
  // The guild's and the global commands; copied into one list only when both exist (this
  // runs for every typed line, and benchmarks type a thousand a second).
  const auto guild_commands = state.commands.find(guild.id);
  const auto global_commands = state.commands.find("");
  const bool has_guild = guild_commands != state.commands.end();
  const bool has_global = global_commands != state.commands.end();
  json::array merged;
  if (has_guild && has_global) {
    merged = guild_commands->second;
    for (const auto& c : global_commands->second) merged.push_back(c);
  }
  const json::array& commands = has_guild && has_global ? merged
                                : has_guild             ? guild_commands->second
                                : has_global            ? global_commands->second
                                                        : merged;
  auto permissions = [&guild](const std::string& id) { return member_permissions(guild, id); };
  auto data = parse_typed_line(line, commands, guild, permissions);
  if (auto* error = std::get_if<TypedLineError>(&data)) {
    return json_response(http::status::bad_request, {{"message", error->message}});
  }
  const std::int64_t counter = state.next_interaction++;
  InteractionRecord record;
  record.id = time_snowflake(counter);
  record.token = new_token(counter);
  record.line = line;
  record.user_id = *user_id;
  json::object member = guild.member_json(guild.members.at(*user_id));
  member["permissions"] = member_permissions(guild, *user_id);
  const Channel& channel = guild.channels.at(*channel_id);
  json::object interaction{{"id", record.id},
                           {"application_id", guild.bot_id},
                           {"type", 2},
                           {"data", std::move(std::get<json::object>(data))},
                           {"guild_id", guild.id},
                           {"channel_id", channel.id},
                           {"channel", guild.channel_json(channel)},
                           {"member", std::move(member)},
                           {"token", record.token},
                           {"version", 1},
                           {"app_permissions", member_permissions(guild, guild.bot_id)},
                           {"locale", "en-US"},
                           {"guild_locale", "en-US"},
                           {"entitlements", json::array{}},
                           {"authorizing_integration_owners", {{"0", guild.id}}},
                           {"context", 0}};
  record.dispatched_at = SteadyClock::now();
  record.dispatched = interaction;
  const std::string id = record.id;
  remember(state, std::move(record));
  gateway.dispatch_to_all("INTERACTION_CREATE", interaction);
  return json_response(http::status::ok, {{"id", id}});
}

json::object record_json(const InteractionRecord& record) {
  json::object out{{"id", record.id},
                   {"line", record.line},
                   {"user_id", record.user_id},
                   {"callback_type", record.callback_type},
                   {"responses", record.responses}};
  if (record.first_response_at) {
    out["first_response_us"] = std::chrono::duration_cast<std::chrono::microseconds>(
                                   *record.first_response_at - record.dispatched_at)
                                   .count();
  }
  return out;
}

}  // namespace

std::string member_permissions(const Guild& guild, const std::string& user_id) {
  if (user_id == guild.owner_id) return std::to_string(kAllPermissions);
  auto member = guild.members.find(user_id);
  if (member == guild.members.end()) return "0";
  auto bits = [&guild](const std::string& role_id) -> std::uint64_t {
    auto role = guild.roles.find(role_id);
    return role == guild.roles.end() ? 0 : std::stoull(role->second.permissions);
  };
  std::uint64_t permissions = bits(guild.id);
  for (const auto& role : member->second.roles) permissions |= bits(role);
  if (permissions & kAdministrator) return std::to_string(kAllPermissions);
  const auto& until = member->second.communication_disabled_until;
  if (until && parse_iso8601(*until) && *parse_iso8601(*until) > std::chrono::system_clock::now()) {
    permissions &= kViewChannel | kReadMessageHistory;
  }
  return std::to_string(permissions);
}

std::optional<Response> handle_console(Context& context, Gateway& gateway, const Request& request) {
  const auto parts = split_path(request.target());
  if (parts.size() < 2) return std::nullopt;
  const std::string& what = parts[1];
  ConsoleState& state = context.console;
  const bool get = request.method() == http::verb::get;
  if (what == "interact" && parts.size() == 2 && request.method() == http::verb::post) {
    const auto body = parse_body(request.body());
    if (!body || !body->is_object()) {
      return json_response(http::status::bad_request, {{"message", "body must be a JSON object"}});
    }
    return interact(context, gateway, body->as_object());
  }
  // The same INTERACTION_CREATE once more, as a gateway resume replays it: the bot must not
  // act on it twice (its second callback is refused with 40060, as on Discord).
  if (what == "redeliver" && parts.size() == 3 && request.method() == http::verb::post) {
    auto it = state.interactions.find(parts[2]);
    if (it == state.interactions.end()) {
      return json_response(http::status::not_found, {{"message", "unknown interaction"}});
    }
    gateway.dispatch_to_all("INTERACTION_CREATE", it->second.dispatched);
    return json_response(http::status::ok, {{"id", parts[2]}});
  }
  if (what == "interactions" && parts.size() == 3 && get) {
    auto it = state.interactions.find(parts[2]);
    if (it == state.interactions.end()) {
      return json_response(http::status::not_found, {{"message", "unknown interaction"}});
    }
    return json_response(http::status::ok, record_json(it->second));
  }
  if (what == "interaction_latencies" && parts.size() == 2 && get) {
    json::array latencies;
    for (auto us : state.latencies_us) latencies.push_back(us);
    state.latencies_us.clear();
    return json_response(http::status::ok, {{"latencies_us", std::move(latencies)}});
  }
  if (what == "commands" && parts.size() == 2 && get) {
    json::object commands;
    for (const auto& [scope, list] : state.commands)
      commands[scope.empty() ? "global" : scope] = list;
    return json_response(http::status::ok,
                         {{"puts", state.command_puts}, {"commands", std::move(commands)}});
  }
  if (what == "members" && parts.size() == 2 && get) {
    json::array members;
    for (const auto& [id, member] : context.guild.members) {
      members.push_back(json::object{{"id", id},
                                     {"username", context.guild.users.at(id).username},
                                     {"permissions", member_permissions(context.guild, id)}});
    }
    return json_response(http::status::ok, members);
  }
  return std::nullopt;
}

Response interaction_callback(Context& context, const RouteMatch& route, const json::value& body) {
  ConsoleState& state = context.console;
  auto it = state.interactions.find(route.params.at("interaction"));
  if (it == state.interactions.end()) return empty_response(http::status::no_content);
  InteractionRecord& record = it->second;
  if (record.token != route.params.at("token")) {
    return discord_error(http::status::not_found, "Unknown interaction", 10062);
  }
  if (record.callback_type != 0) {
    return discord_error(http::status::bad_request, "Interaction has already been acknowledged.",
                         40060);
  }
  const json::object* object = body.if_object();
  const json::value* type = object ? object->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_int64()) {
    FormErrors errors;
    errors.add("type", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.response();
  }
  record.callback_type = static_cast<int>(type->as_int64());
  const json::value* data = object->if_contains("data");
  record.responses.push_back(json::object{{"kind", "callback"},
                                          {"type", record.callback_type},
                                          {"data", data ? *data : json::value(nullptr)}});
  record.first_response_at = SteadyClock::now();
  state.latencies_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                   *record.first_response_at - record.dispatched_at)
                                   .count());
  if (state.latencies_us.size() > ConsoleState::kMaxInteractions) state.latencies_us.clear();
  return empty_response(http::status::no_content);
}

Response interaction_webhook(Context& context, const RouteMatch& route, const Request& request,
                             const json::value& body, Response message) {
  ConsoleState& state = context.console;
  auto id = state.by_token.find(route.params.at("token"));
  if (id == state.by_token.end()) return message;
  InteractionRecord& record = state.interactions.at(id->second);
  if (record.callback_type == 0) {
    return discord_error(http::status::not_found, "Unknown Webhook", 10015);
  }
  // /webhooks/{app}/{token} is a follow-up; .../messages/{id} an edit or delete.
  const auto parts = split_path(std::string_view(request.target().data(), request.target().size()));
  const bool follow_up = parts.size() <= 5;  // api, v10, webhooks, app, token
  std::string kind = "follow_up";
  std::string target;
  if (!follow_up) {
    target = parts.back();
    kind = request.method() == http::verb::delete_ ? "delete"
           : request.method() == http::verb::get   ? "get"
                                                   : "edit";
  } else if (request.method() != http::verb::post) {
    return message;
  }
  if (kind == "get") return message;
  json::object entry{{"kind", kind}, {"data", body}};
  if (!target.empty()) entry["message"] = target;
  record.responses.push_back(std::move(entry));
  if (kind == "delete") return empty_response(http::status::no_content);
  return message;
}

}  // namespace mikami::sandbox
