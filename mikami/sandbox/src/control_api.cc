#include "control_api.h"

#include "console_api.h"

namespace mikami::sandbox {
namespace {

std::int64_t number(const json::object& body, std::string_view key, std::int64_t fallback) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr) return fallback;
  boost::system::error_code ec;
  const auto n = v->to_number<std::int64_t>(ec);
  return ec ? fallback : n;
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
  if (what == "fault") return fault(body);
  return empty_response(http::status::not_found);
}

Response ControlApi::dispatch(const json::object& body) {
  const auto count = number(body, "count", 1);
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

Response ControlApi::fault(const json::object& body) {
  const json::value* kind_value = body.if_contains("kind");
  const std::string kind =
      kind_value != nullptr && kind_value->is_string() ? std::string(kind_value->as_string()) : "";
  SandboxFaults& faults = context_.faults;
  if (kind == "close") {
    gateway_.close_all(static_cast<std::uint16_t>(number(body, "code", 4000)));
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
  } else if (kind == "periodic_drop") {
    gateway_.set_periodic_drop(static_cast<int>(number(body, "every_ms", 0)),
                               static_cast<int>(number(body, "code", 0)));
  } else if (kind == "rest_429") {
    faults.rest_429 = static_cast<int>(number(body, "count", 1));
    faults.rest_429_retry_after_ms = static_cast<int>(number(body, "retry_after_ms", 1000));
  } else if (kind == "rest_5xx") {
    faults.rest_5xx = static_cast<int>(number(body, "count", 1));
  } else if (kind == "latency") {
    faults.latency_ms = static_cast<int>(number(body, "ms", 0));
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
