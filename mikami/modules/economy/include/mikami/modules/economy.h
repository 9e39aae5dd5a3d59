// The economy module: wallets per member per guild, /daily, /pay, /leaderboard, admin /eco,
// and provably fair bets (/bet, /fair) on the AutoBets engine, in process, through its
// public library API (autobets/engine.h, autobets/store.h, autobets/open_store.h). Every
// coin lives in the AutoBets ledger; the module keeps no state of its own, so switching it
// off in a guild (/module disable name:economy) loses nothing. Commands and replies:
// mikami/docs/economy.md.
//
// Idempotency: a command's effect is keyed by what must not happen twice. /daily by the
// member and the UTC day ("daily:2026-12-02"), so racing claims, a redelivered interaction
// and a restart all find the one credit; /pay, /bet and /eco by the interaction id, so a
// redelivered interaction is answered with the first result and never acts twice.
#pragma once

#include <memory>
#include <string>

#include "autobets/model.h"
#include "core/clock.h"
#include "core/status.h"
#include "mikami/framework/module.h"

namespace mikami::modules {

struct EconomyOptions {
  // The AutoBets database: a SQLite file (created with `limits` when missing) or a
  // postgresql:// URL of an existing database.
  std::string database;
  autobets::Limits limits;
  autobets::Amount daily_amount = 100;
  std::string currency = "coins";
  core::Clock* clock = &core::SystemClock::instance();  // must outlive the module
};

// Opens the database and starts its engine (which reconciles it first). A SQLite file without
// AutoBets' tables (the bot's store made before the economy existed) gets them, once, in one
// transaction. Fails naming the database when it cannot be created or opened, when it holds
// an AutoBets schema of another version (left untouched), or tables of AutoBets' names. The module
// must outlive nothing it hands out: it is destroyed after the router.
core::Result<std::unique_ptr<framework::Module>> make_economy_module(EconomyOptions options);

// The AutoBets user id of a member of a guild: "discord:<guild id>:<user id>".
std::string economy_account(std::string_view guild_id, std::string_view user_id);

}  // namespace mikami::modules
