#include "mikami/rest_error_body.h"

#include <boost/json.hpp>

namespace mikami {

RestErrorBody parse_rest_error_body(std::string_view body) {
  RestErrorBody parsed;
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return parsed;
  const auto& object = value.as_object();
  if (const auto* code = object.if_contains("code"); code && code->is_int64()) {
    parsed.code = code->as_int64();
  }
  if (const auto* message = object.if_contains("message"); message && message->is_string()) {
    parsed.message = std::string(message->as_string());
  }
  if (const auto* retry = object.if_contains("retry_after"); retry && retry->is_number()) {
    const double seconds = retry->to_number<double>(ec);
    if (!ec && seconds >= 0 && seconds < 1e7) {
      parsed.retry_after = std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
    }
  }
  if (const auto* global = object.if_contains("global"); global && global->is_bool()) {
    parsed.global = global->as_bool();
  }
  return parsed;
}

}  // namespace mikami
