// Discord's JSON error body, as REST answers carry it: {"code": 50035, "message": "Invalid
// Form Body", "errors": {...}} for a refused request and {"message": ..., "retry_after": 1.5,
// "global": false} on a 429. The body is whatever the server sent: it is parsed, never
// trusted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mikami {

struct RestErrorBody {
  std::int64_t code = 0;  // Discord's error code; 0 when absent or not an integer
  std::string message;    // empty when absent or not a string
  // The body's retry_after (fractional seconds, more precise than the Retry-After header):
  // only when it is a number with 0 <= seconds < 1e7.
  std::optional<std::chrono::microseconds> retry_after;
  bool global = false;  // "global": true
};

// Never fails: a body that is not a JSON object, or lacks a field, gives that field's default.
RestErrorBody parse_rest_error_body(std::string_view body);

}  // namespace mikami
