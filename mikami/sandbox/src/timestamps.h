// ISO 8601 timestamps as Discord writes and accepts them ("2024-05-01T12:00:00.000000+00:00",
// "2024-05-01T12:00:00.000Z").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mikami::sandbox {

using SystemTime = std::chrono::system_clock::time_point;

// Accepts YYYY-MM-DDTHH:MM:SS, optional fraction, then Z, +HH:MM or -HH:MM (none: UTC).
std::optional<SystemTime> parse_iso8601(std::string_view text);
// UTC with microseconds and "+00:00", as Discord writes them.
std::string format_iso8601(SystemTime time);

}  // namespace mikami::sandbox
