#include "control_api.h"

#include <optional>
#include <string>

#include "console_api.h"
#include "timestamps.h"

namespace mikami::sandbox {
namespace {

// Events one dispatch command may ask for; the sandbox's single thread sends them at once.
constexpr std::int64_t kMaxDispatchCount = 10'000;

// A bounded integer field: nullopt (and `error` naming the field and its range) when it is
// not a number in [min, max]; `fallback` when absent. One client must not tie up the only
// thread (dispatch of 2 million events) or park every response (latency of 2e9 ms).
std::optional<std::int64_t> bounded(const json::object& body, std::string_view key,
                                    std::int64_t fallback, std::int64_t min, std::int64_t max,
                                    std::string& error) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr) return fallback;
  boost::system::error_code ec;
  const auto n = v->to_number<std::int64_t>(ec);
  if (!ec && n >= min && n <= max) return n;
  error = "\"" + std::string(key) + "\" must be an integer from " + std::to_string(min) + " to " +
          std::to_string(max);
  return std::nullopt;
}

Response out_of_range(const std::string& error) {
  return json_response(http::status::bad_request, {{"message", error}});
}

bool flag(const json::object& body, std::string_view key, bool fallback) {
  const json::value* v = body.if_contains(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

}  // namespace

Response ControlApi::handle(const Request& request) {
  if (auto console = handle_console(context_, gateway_, request)) return std::move(*console);
  const auto parts = split_path(request.target());
  if (parts.size() != 2) return empty_response(http::status::not_found);
  const std::string& what = parts[1];
  if (what == "stats" && request.method() == http::verb::get) {
    const auto invalid = context_.limiter.invalid_requests(SteadyClock::now());
    return json_response(http::status::ok, context_.stats.to_json(invalid));
  }
  if (what == "audit_log" && request.method() == http::verb::get) {
    json::array entries;
    for (const AuditLogEntry& e : context_.guild.audit_log) {
      json::object entry = context_.guild.audit_entry_json(e);
      entry["reason_header"] = e.reason_header ? json::value(*e.reason_header) : nullptr;
      entries.push_back(std::move(entry));
    }
    return json_response(http::status::ok, entries);
  }
  if (what == "messages" && request.method() == http::verb::get) {
    // Every kept message of ?channel= (oldest first), with its content and embeds.
    const auto params = query_params(request.target());
    const auto channel = params.find("channel");
    json::array out;
    for (const auto& [id, m] : context_.guild.messages) {
      if (channel == params.end() || m.channel_id == channel->second) {
        out.push_back(context_.guild.message_json(m));
      }
    }
    return json_response(http::status::ok, out);
  }
  if (what == "bans" && request.method() == http::verb::get) {
    json::array out;
    for (const auto& [id, ban] : context_.guild.bans) out.push_back(context_.guild.ban_json(ban));
    return json_response(http::status::ok, out);
  }
  if (what == "dm_channels" && request.method() == http::verb::get) {
    json::object out;
    for (const auto& [user, channel] : context_.guild.dm_channels) out[user] = channel;
    return json_response(http::status::ok, out);
  }
  if (request.method() != http::verb::post) {
    return empty_response(http::status::method_not_allowed);
  }
  const auto parsed = parse_body(request.body());
  if (!parsed || !parsed->is_object()) {
    return json_response(http::status::bad_request, {{"message", "body must be a JSON object"}});
  }
  const json::object& body = parsed->as_object();
  if (what == "shutdown") {
    context_.stopping = true;
    return empty_response(http::status::no_content);
  }
  if (what == "dispatch") return dispatch(body);
  if (what == "join") return join(body);
  if (what == "moderate") return rest_.act_by_hand(body);
  if (what == "messages") return rest_.seed_messages(body);
  if (what == "fault") return fault(body);
  return empty_response(http::status::not_found);
}

Response ControlApi::dispatch(const json::object& body) {
  std::string error;
  const auto bounded_count = bounded(body, "count", 1, 0, kMaxDispatchCount, error);
  if (!bounded_count) return out_of_range(error);
  const std::int64_t count = *bounded_count;
  const json::value* channel_value = body.if_contains("channel_id");
  const std::string channel = channel_value != nullptr && channel_value->is_string()
                                  ? std::string(channel_value->as_string())
                                  : "100";
  const Guild& guild = context_.guild;
  for (std::int64_t i = 0; i < count; ++i) {
    // Ids come from one counter, so they strictly increase.
    json::object d{{"id", context_.next_id()},
                   {"channel_id", channel},
                   {"guild_id", guild.id},
                   {"content", "event " + std::to_string(i)},
                   {"author", guild.user_json("1")}};
    gateway_.dispatch_to_all("MESSAGE_CREATE", d);
  }
  return empty_response(http::status::no_content);
}

Response ControlApi::join(const json::object& body) {
  const json::value* who_value = body.if_contains("user");
  const std::string who =
      who_value != nullptr && who_value->is_string() ? std::string(who_value->as_string()) : "";
  Guild& guild = context_.guild;
  std::string user_id;
  for (const auto& [id, user] : guild.users) {
    if (id == who || user.username == who) user_id = id;
  }
  if (user_id.empty()) {
    return json_response(http::status::bad_request,
                         {{"message", "\"user\" must name a user the sandbox knows"}});
  }
  if (guild.members.contains(user_id) || guild.bans.contains(user_id)) {
    return json_response(
        http::status::bad_request,
        {{"message",
          who + (guild.bans.contains(user_id) ? " is banned" : " is already a member")}});
  }
  Member& member = guild.members[user_id];
  member = Member{user_id, std::nullopt, {}, format_iso8601(std::chrono::system_clock::now()), {}};
  json::object d = guild.member_json(member);
  d["guild_id"] = guild.id;
  gateway_.dispatch_to_all("GUILD_MEMBER_ADD", d);
  return empty_response(http::status::no_content);
}

Response ControlApi::fault(const json::object& body) {
  const json::value* kind_value = body.if_contains("kind");
  const std::string kind =
      kind_value != nullptr && kind_value->is_string() ? std::string(kind_value->as_string()) : "";
  SandboxFaults& faults = context_.faults;
  std::string error;
  // Every number a fault takes, bounded before anything changes.
  const auto code =
      bounded(body, "code", kind == "close" ? 4000 : 0, kind == "close" ? 1000 : 0, 4999, error);
  const auto every_ms = bounded(body, "every_ms", 0, 0, 3'600'000, error);
  const auto count = bounded(body, "count", 1, 0, 1'000'000, error);
  const auto retry_after_ms = bounded(body, "retry_after_ms", 1000, 1, 600'000, error);
  const auto ms = bounded(body, "ms", 0, 0, 60'000, error);
  if (!error.empty()) return out_of_range(error);
  if (kind == "close") {
    gateway_.close_all(static_cast<std::uint16_t>(*code));
  } else if (kind == "reset") {
    gateway_.reset_all();
  } else if (kind == "reconnect") {
    gateway_.reconnect_all();
  } else if (kind == "invalid_session") {
    gateway_.invalid_session_all(flag(body, "resumable", false));
  } else if (kind == "stop_acks") {
    gateway_.stop_acks();
  } else if (kind == "acks") {
    faults.heartbeat_acks = flag(body, "enabled", true);
  } else if (kind == "ack_delay") {
    faults.ack_delay_ms = static_cast<int>(*ms);
  } else if (kind == "periodic_drop") {
    gateway_.set_periodic_drop(static_cast<int>(*every_ms), static_cast<int>(*code));
  } else if (kind == "rest_429") {
    faults.rest_429 = static_cast<int>(*count);
    faults.rest_429_retry_after_ms = static_cast<int>(*retry_after_ms);
  } else if (kind == "rest_5xx") {
    faults.rest_5xx = static_cast<int>(*count);
  } else if (kind == "latency") {
    faults.latency_ms = static_cast<int>(*ms);
  } else if (kind == "clear") {
    faults = SandboxFaults{};
    gateway_.set_periodic_drop(0, 0);
    gateway_.restore_acks();
  } else {
    return json_response(http::status::bad_request, {{"message", "unknown fault kind"}});
  }
  return empty_response(http::status::no_content);
}

}  // namespace mikami::sandbox
