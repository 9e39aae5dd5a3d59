// What the sandbox keeps for the console and benchmarks: the application commands a bot
// registered (global and per guild), and the interactions the sandbox created from typed
// lines with every response the bot gave them (callback, edits of @original, follow-ups).
// Owned by the one sandbox thread, like the rest of the Context.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace mikami::sandbox {

struct InteractionRecord {
  std::string id;
  std::string token;
  std::string line;  // what was typed, e.g. "/module disable name:economy"
  std::string user_id;
  std::chrono::steady_clock::time_point dispatched_at;
  std::optional<std::chrono::steady_clock::time_point> first_response_at;
  int callback_type = 0;  // 0 until the interaction callback arrives
  boost::json::array responses;
  boost::json::object dispatched;  // the INTERACTION_CREATE's `d`, for redelivery
};

struct ConsoleState {
  // Registered commands: "" for global ones, otherwise the guild id. Each command as the
  // bot sent it, plus the id, application_id and version the sandbox gave it.
  std::map<std::string, boost::json::array> commands;
  std::int64_t command_puts = 0;  // PUTs of commands (tests check that a sync was skipped)
  std::int64_t next_command_id = 1;

  std::unordered_map<std::string, InteractionRecord> interactions;  // by id
  std::unordered_map<std::string, std::string> by_token;            // token -> id
  std::deque<std::string> order;                                    // oldest first
  std::int64_t next_interaction = 1;
  // First-response latencies (microseconds) not yet read by GET
  // /_sandbox/interaction_latencies.
  std::vector<std::int64_t> latencies_us;

  static constexpr std::size_t kMaxInteractions = 50'000;
};

}  // namespace mikami::sandbox
