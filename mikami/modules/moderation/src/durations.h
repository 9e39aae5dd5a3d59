// Durations as moderators type them ("10m", "2h", "7d", "1h30m") and as replies show them
// ("1 hour 30 minutes"). Private to the module.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mikami::modules::moderation {

// One or more <number><unit> parts, units s, m, h, d, w; nullopt for anything else, zero,
// or more than ten years (which no action takes).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// "10 minutes", "1 day 2 hours", "45 seconds": the two largest non-zero units.
std::string describe_duration(std::chrono::seconds duration);

// UTC, "2026-12-02 03:10 UTC".
std::string describe_time(std::chrono::system_clock::time_point when);

// ISO 8601 as Discord accepts it, "2026-12-02T03:10:00.000Z".
std::string iso8601(std::chrono::system_clock::time_point when);

}  // namespace mikami::modules::moderation
