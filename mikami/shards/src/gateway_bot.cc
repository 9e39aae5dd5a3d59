#include "mikami/gateway_bot.h"

#include <boost/json.hpp>

#include "mikami/rest_client.h"

namespace mikami {
namespace json = boost::json;
namespace {

core::Error invalid(std::string what) {
  return core::Error(core::ErrorCode::kInvalidArgument, "GET /gateway/bot: " + std::move(what));
}

// A non-negative integer field; Discord sends integers, but tolerate 5.0.
core::Result<std::int64_t> count_field(const json::object& object, std::string_view key,
                                       std::string_view where) {
  const json::value* value = object.if_contains(key);
  if (value == nullptr)
    return core::fail(invalid(std::string(where) + std::string(key) + " is missing"));
  boost::system::error_code ec;
  auto n = value->to_number<std::int64_t>(ec);
  if (ec || n < 0 || n > 1'000'000'000) {
    return core::fail(invalid(std::string(where) + std::string(key) + " is not a count"));
  }
  return n;
}

}  // namespace

core::Result<GatewayBotInfo> parse_gateway_bot(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return core::fail(invalid("the body is not JSON (" + ec.message() + ")"));
  const json::object* object = root.if_object();
  if (object == nullptr) return core::fail(invalid("the body is not a JSON object"));
  GatewayBotInfo info;
  const json::value* url = object->if_contains("url");
  if (url == nullptr || !url->is_string() || url->as_string().empty()) {
    return core::fail(invalid("url is missing or not a string"));
  }
  info.url = std::string(url->as_string());
  auto shards = count_field(*object, "shards", "");
  if (!shards) return core::fail(shards.error());
  if (*shards < 1) return core::fail(invalid("shards is 0"));
  info.shards = static_cast<int>(*shards);
  const json::value* limit_value = object->if_contains("session_start_limit");
  const json::object* limit = limit_value ? limit_value->if_object() : nullptr;
  if (limit == nullptr) return core::fail(invalid("session_start_limit is missing"));
  constexpr std::string_view kWhere = "session_start_limit.";
  auto total = count_field(*limit, "total", kWhere);
  if (!total) return core::fail(total.error());
  auto remaining = count_field(*limit, "remaining", kWhere);
  if (!remaining) return core::fail(remaining.error());
  auto reset_after = count_field(*limit, "reset_after", kWhere);
  if (!reset_after) return core::fail(reset_after.error());
  auto concurrency = count_field(*limit, "max_concurrency", kWhere);
  if (!concurrency) return core::fail(concurrency.error());
  if (*concurrency < 1) return core::fail(invalid("session_start_limit.max_concurrency is 0"));
  info.session_start_limit =
      SessionStartLimit{static_cast<int>(*total), static_cast<int>(*remaining),
                        std::chrono::milliseconds(*reset_after), static_cast<int>(*concurrency)};
  return info;
}

core::Result<GatewayBotInfo> fetch_gateway_bot(RestClient& rest) {
  RestResponse response = rest.request(Method::kGet, "/gateway/bot", "").get();
  if (response.status == 200) return parse_gateway_bot(response.body);
  if (response.status == 401) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "GET /gateway/bot: 401 Unauthorized (the bot token was refused)");
  }
  if (response.status == 0) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "GET /gateway/bot: no response (" + response.error + ")");
  }
  return core::fail(core::ErrorCode::kUnavailable,
                    "GET /gateway/bot: HTTP " + std::to_string(response.status));
}

}  // namespace mikami
