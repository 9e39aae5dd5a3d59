// What the economy's handlers share: the AutoBets store and engine (both thread safe for
// what the handlers call), the options, and the words replies are made of. Internal to the
// module.
#pragma once

#include <memory>
#include <string>

#include "autobets/engine.h"
#include "autobets/store.h"
#include "mikami/framework/command.h"
#include "mikami/framework/context.h"
#include "mikami/modules/economy.h"

namespace mikami::modules::economy {

// The names every handler file uses.
using autobets::Amount;
using autobets::ReplyCode;
using framework::CommandContext;
using framework::CommandSpec;
using framework::OptionType;
using framework::Reply;

struct Bank {
  EconomyOptions options;
  std::unique_ptr<autobets::Store> store;    // outlives the engine
  std::unique_ptr<autobets::Engine> engine;  // destroyed first (declared last)

  // "1,234 coins".
  std::string coins(autobets::Amount amount) const;
  // The invoker's account in the interaction's guild.
  std::string account(const framework::CommandContext& ctx) const;
  std::string account(const framework::CommandContext& ctx, std::uint64_t user) const;
  // The balance of `account` (0 when it has none); throws when the store cannot be read
  // (the pipeline answers "something went wrong" with an error id and logs it).
  autobets::Amount balance(const std::string& account) const;
};

// A private reply: what only the invoker should see.
framework::Reply private_reply(std::string text);
// A private reply declining the command; `why` names the refusal for analytics
// (framework::Reply::refusal), e.g. "insufficient_balance".
framework::Reply refusal(std::string why, std::string text);
framework::Reply public_reply(std::string text);
// The display name of a member named by option `option` (resolved with the interaction).
std::string resolved_name(const framework::CommandContext& ctx, const std::string& option);
// Whether the user named by option `option` is a bot.
bool resolved_bot(const framework::CommandContext& ctx, const std::string& option);

// The commands, one group per file.
std::vector<framework::CommandSpec> wallet_commands(std::shared_ptr<Bank> bank);
std::vector<framework::ComponentSpec> wallet_components(std::shared_ptr<Bank> bank);
std::vector<framework::CommandSpec> bet_commands(std::shared_ptr<Bank> bank);

}  // namespace mikami::modules::economy
