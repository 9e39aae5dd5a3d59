// Interaction ids for tests: Discord dates an interaction by its id's snowflake timestamp,
// and Mikami counts its 3 s from there, so a test's interaction must look created now.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mikami::testing {

// A snowflake created at `at` (wall time), with `increment` in its low 12 bits.
inline std::string snowflake_at(std::chrono::system_clock::time_point at, int increment = 0) {
  constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  return std::to_string((static_cast<std::uint64_t>(ms - kDiscordEpochMs) << 22) |
                        (static_cast<std::uint64_t>(increment) & 0xFFF));
}

// A snowflake created now.
inline std::string snowflake_now(int increment = 0) {
  return snowflake_at(std::chrono::system_clock::now(), increment);
}

}  // namespace mikami::testing
