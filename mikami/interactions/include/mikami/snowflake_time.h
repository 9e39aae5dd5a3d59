// When a Discord object was created, read from its id: a snowflake's top 42 bits are
// milliseconds since Discord's epoch (2015-01-01T00:00:00Z).
// Reference: https://discord.com/developers/docs/reference#snowflakes
//
// An interaction's 3 s and 15 min count from its creation on Discord's side, not from when
// Mikami received it: an INTERACTION_CREATE replayed after a RESUME may already be dead.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"

namespace mikami {

// The creation time encoded in `id`; nullopt when `id` is not a decimal 64-bit snowflake.
std::optional<core::Clock::WallTime> snowflake_time(std::string_view id);

// The monotonic instant `created` (a wall time) corresponds to on `clock`, never later than
// now: a creation time ahead of the local wall clock (clock skew) counts as now.
core::Clock::TimePoint monotonic_instant(const core::Clock& clock, core::Clock::WallTime created);

}  // namespace mikami
