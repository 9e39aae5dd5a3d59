// The state every part of the sandbox shares. One io_context on one thread owns it, so
// nothing here needs a lock (docs/conventions.md: state has one owner).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "console_state.h"
#include "guild.h"
#include "mikami/sandbox.h"
#include "rate_limiter.h"
#include "stats.h"

namespace mikami::sandbox {

inline RateLimitConfig limit_config(const SandboxOptions& o) {
  using std::chrono::milliseconds;
  return RateLimitConfig{o.bucket_limit,          milliseconds(o.bucket_window_ms),
                         o.global_limit,          milliseconds(o.global_window_ms),
                         o.channel_rename_limit,  milliseconds(o.channel_rename_window_ms),
                         o.invalid_request_limit, milliseconds(o.invalid_request_window_ms)};
}

struct Context {
  explicit Context(const SandboxOptions& o)
      : options(o), faults(o.faults), limiter(limit_config(o)) {
    add_members(guild, o.extra_members);
  }

  // Message, role, channel and interaction ids: strictly increasing snowflakes dated now,
  // as Discord's are (a message's age, an interaction's deadline are read from its id).
  std::string next_id() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count() -
                    kDiscordEpochMs;
    next_snowflake = std::max(next_snowflake + 1, ms << 22);
    return std::to_string(next_snowflake);
  }
  static constexpr std::int64_t kDiscordEpochMs = 1'420'070'400'000;

  SandboxOptions options;
  SandboxFaults faults;  // in effect now: start-up flags, then POST /_sandbox/fault
  Stats stats;
  RateLimiter limiter;
  Guild guild;
  ConsoleState console;  // registered commands and console interactions
  std::int64_t next_snowflake = 0;
  // Interactions that got their callback, by id (ids grow with time): a second callback is
  // answered 40060. Kept only while a callback could still arrive (3 s).
  std::map<std::uint64_t, bool> acknowledged;
  std::string ws_url;     // set once listening
  bool stopping = false;  // POST /_sandbox/shutdown: stop after answering
};

}  // namespace mikami::sandbox
