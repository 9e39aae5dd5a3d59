// The rate-limit facts of one REST response, parsed from its headers (and, for a 429, its
// JSON body) by whoever speaks HTTP. The scheduler consumes this struct and never sees HTTP.
// Header reference: https://discord.com/developers/docs/topics/rate-limits#header-format
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

// X-RateLimit-Scope of a 429: "user" (this bot's per-route limit), "shared" (a limit shared
// by everyone on the resource; does not count as an invalid request), "global".
enum class RateLimitScope : std::uint8_t { kNone, kUser, kShared, kGlobal };

std::string_view to_string(RateLimitScope scope);

struct RateLimitHeaders {
  std::optional<std::string> bucket;                        // X-RateLimit-Bucket
  std::optional<std::int64_t> limit;                        // X-RateLimit-Limit
  std::optional<std::int64_t> remaining;                    // X-RateLimit-Remaining
  std::optional<std::chrono::microseconds> reset_after_us;  // X-RateLimit-Reset-After
  // The 429 body's fractional `retry_after` when the caller parsed it, else the
  // Retry-After header (whole seconds).
  std::optional<std::chrono::microseconds> retry_after_us;
  bool global = false;  // X-RateLimit-Global: true, or the body's "global": true
  RateLimitScope scope = RateLimitScope::kNone;  // X-RateLimit-Scope
};

// Returns the value of a response header by case-insensitive name, or nullopt.
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// Parses the rate-limit headers of one response. Absent headers stay absent. Fails with
// kInvalidArgument naming the header when a present value is malformed (a negative or
// non-numeric count, an unparsable duration, an unknown scope); the caller should then
// complete the permit with default-constructed headers, which the scheduler treats as
// "nothing learned".
core::Result<RateLimitHeaders> parse_rate_limit_headers(const HeaderLookup& lookup);

// Parses a non-negative decimal number of seconds ("1", "0.25", "64.57") exactly, to
// microseconds (digits past the sixth decimal are truncated). nullopt when malformed.
std::optional<std::chrono::microseconds> parse_seconds(std::string_view text);

}  // namespace mikami
