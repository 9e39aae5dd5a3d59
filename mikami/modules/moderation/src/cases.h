// The module's tables in the bot store, and the only code that touches them: cases (per
// guild numbers, keyed by what caused them so nothing is recorded twice) and temporary bans.
//
// A case is opened (status "pending", keyed by the interaction id) before Discord is called
// and completed ("done" or "failed") after, as a ledger is written before the balance: a
// crash in between leaves a pending case that start-up resolves. Keys: the interaction id
// for commands, "audit:<entry id>" for actions taken by hand in Discord, "expire:<guild>:
// <user>:<case>" for the unban ending a temporary ban.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/bot_store.h"

namespace mikami::modules::moderation {

struct Case {
  std::string guild_id;
  std::int64_t number = 0;  // per guild, from 1
  std::string action;       // warn, timeout, untimeout, kick, ban, unban, purge
  std::string target_id;    // a user, or the channel of a purge
  std::string target_name;  // as known when the case was made (may be empty)
  std::string moderator_id;
  std::string moderator_name;
  std::string reason;                 // empty: none given
  std::int64_t duration_seconds = 0;  // timeouts and temporary bans; 0: none
  std::string details;                // what else the action did ("deleted 12 messages")
  std::string status = "pending";     // pending, done, failed
  std::string error;                  // why it failed
  std::string key;
  std::string source = "command";  // command, discord (taken by hand), bot (an expiry)
  std::int64_t created_ms = 0;
};

struct TempBan {
  std::string guild_id;
  std::string user_id;
  std::int64_t expires_ms = 0;
  std::int64_t case_number = 0;
};

std::vector<Migration> case_migrations();

class Cases {
 public:
  explicit Cases(BotStore& store) : store_(store) {}

  // Writes `c` as the guild's next case unless a case of its key exists; returns the case
  // of that key and whether this call made it.
  core::Result<std::pair<Case, bool>> open(const Case& c);
  core::Status complete(const Case& c, const std::string& status, const std::string& error,
                        const std::string& details);
  core::Result<std::optional<Case>> get(const std::string& guild_id, std::int64_t number);
  core::Status set_reason(const std::string& guild_id, std::int64_t number,
                          const std::string& reason);
  // The target's cases (not failed ones), newest first.
  core::Result<std::vector<Case>> history(const std::string& guild_id, const std::string& target_id,
                                          int limit);
  // Pending cases made before `before_ms`, oldest first.
  core::Result<std::vector<Case>> pending(std::int64_t before_ms);

  core::Status add_temp_ban(const TempBan& ban);
  core::Status remove_temp_ban(const std::string& guild_id, const std::string& user_id);
  core::Result<std::vector<TempBan>> expired_temp_bans(std::int64_t now_ms);

 private:
  BotStore& store_;
};

std::int64_t now_ms();

}  // namespace mikami::modules::moderation
