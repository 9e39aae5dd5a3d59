#include "mikami/snowflake_time.h"

#include <charconv>
#include <cstdint>

namespace mikami {

namespace {
constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;
}

std::optional<core::Clock::WallTime> snowflake_time(std::string_view id) {
  std::uint64_t value = 0;
  const char* end = id.data() + id.size();
  auto [ptr, ec] = std::from_chars(id.data(), end, value);
  if (id.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  const auto ms = static_cast<std::int64_t>(value >> 22) + kDiscordEpochMs;
  return core::Clock::WallTime(std::chrono::milliseconds(ms));
}

core::Clock::TimePoint monotonic_instant(const core::Clock& clock, core::Clock::WallTime created) {
  const auto now = clock.now();
  const auto age = clock.wall_now() - created;
  if (age <= core::Clock::WallTime::duration::zero()) return now;
  return now - std::chrono::duration_cast<core::Clock::Duration>(age);
}

}  // namespace mikami
