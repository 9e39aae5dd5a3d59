// /bet dice|coin|limbo on the AutoBets games, and /fair: the seed commitment, the client
// seed, rotation (which reveals the server seed) and verification of a bet.
#include <cmath>

#include "autobets/audit.h"
#include "autobets/fairness.h"
#include "autobets/games.h"
#include "bank.h"

namespace mikami::modules::economy {
namespace {

// What a wager record says, for people: "Rolled 63.21 (over 49.50 wins)".
std::string outcome_text(const autobets::LedgerRecord& r) {
  using autobets::format_hundredths;
  if (r.game == "dice") {
    return "Rolled " + format_hundredths(r.outcome) + " (" + r.params + " wins)";
  }
  if (r.game == "coin") {
    return std::string(r.outcome == 0 ? "Heads" : "Tails") + " (you called " + r.params + ")";
  }
  return "Crashed at " + format_hundredths(r.outcome) + "x (target " + r.params + "x)";
}

std::string result_text(const Bank& bank, const autobets::LedgerRecord& r) {
  return r.payout > 0 ? "you won " + bank.coins(r.payout - r.amount)
                      : "you lost " + bank.coins(r.amount);
}

Reply bet(Bank& bank, CommandContext& ctx) {
  const std::string game = ctx.subcommand();
  const Amount amount = ctx.integer("amount").value_or(0);
  std::string params;
  if (game == "dice") {
    const double target = ctx.number("target").value_or(50.0);
    params = ctx.string("direction").value_or("over") + " " +
             autobets::format_hundredths(std::llround(target * 100));
  } else if (game == "coin") {
    params = ctx.string("side").value_or("heads");
  } else {
    params =
        autobets::format_hundredths(std::llround(ctx.number("multiplier").value_or(2.0) * 100));
  }
  autobets::WagerRequest request;
  request.user = bank.account(ctx);
  request.idempotency_key = "bet:" + ctx.interaction().id.to_string();
  request.amount = amount;
  request.game = game;
  request.params = params;
  const autobets::Reply reply = bank.engine->wager(request);
  switch (reply.code) {
    case ReplyCode::kOk: {
      const autobets::LedgerRecord& r = *reply.record;
      return public_reply(outcome_text(r) + ": " + result_text(bank, r) +
                          ". Balance: " + bank.coins(r.balance_after) + ". Bet #" +
                          std::to_string(r.seq) + ", nonce " + std::to_string(r.nonce) + ".");
    }
    case ReplyCode::kUnknownUser:
    case ReplyCode::kInsufficientBalance:
      return refusal("insufficient_balance", "You have " + bank.coins(bank.balance(request.user)) +
                                                 "; you cannot bet " + bank.coins(amount) + ".");
    case ReplyCode::kAmountNotPositive:
    case ReplyCode::kAmountBelowMinimum:
    case ReplyCode::kAmountAboveMaximum:
    case ReplyCode::kInvalidParams:
    case ReplyCode::kPayoutAboveMaximum: {
      std::string why = reply.message;
      if (!why.empty() && why.back() == '.') why.pop_back();
      return refusal("bet_not_allowed", "That bet is not allowed: " + why + ".");
    }
    default:
      throw std::runtime_error("bet: " + reply.message);
  }
}

Reply fair_show(Bank& bank, CommandContext& ctx) {
  auto snapshot = bank.store->load(bank.account(ctx));
  if (!snapshot) throw std::runtime_error("fair: " + snapshot.error().message());
  if (!*snapshot) {
    return refusal("no_wallet",
                   "You have no seeds yet: they come with your wallet (/daily, or /fair rotate).");
  }
  const auto& s = **snapshot;
  return private_reply("Server seed commitment (SHA-256): " + s.account.commitment +
                       "\nClient seed: " + s.seed.client_seed +
                       "\nNext nonce: " + std::to_string(s.account.next_nonce) +
                       "\nNext server seed commitment: " + s.next_seed.commitment);
}

Reply fair_rotate(Bank& bank, CommandContext& ctx, std::optional<std::string> client_seed) {
  auto revealed = bank.engine->rotate_seed(bank.account(ctx), client_seed);
  if (!revealed && revealed.error().code() == core::ErrorCode::kInvalidArgument) {
    return refusal("invalid_option", "option seed: " + revealed.error().message());
  }
  if (!revealed) throw std::runtime_error("fair rotate: " + revealed.error().message());
  auto now = bank.store->load(bank.account(ctx));
  if (!now || !*now) throw std::runtime_error("fair rotate: the new seed cannot be read");
  return private_reply("Revealed server seed: " + revealed->server_seed + "\nIts commitment: " +
                       revealed->commitment + "\nIts client seed: " + revealed->client_seed +
                       "\nNew commitment: " + (*now)->account.commitment +
                       "\nNew client seed: " + (*now)->seed.client_seed);
}

Reply fair_verify(Bank& bank, CommandContext& ctx) {
  const std::int64_t seq = ctx.integer("seq").value_or(0);
  auto record = bank.store->record(seq);
  if (!record) throw std::runtime_error("fair verify: " + record.error().message());
  if (!*record || (*record)->user != bank.account(ctx) ||
      (*record)->kind != autobets::RecordKind::kWager) {
    return refusal("unknown_bet", "Bet #" + std::to_string(seq) + " is not one of your bets.");
  }
  const autobets::LedgerRecord& r = **record;
  auto report = autobets::verify(*bank.store, autobets::OpenSslHasher::instance(), seq);
  if (!report) throw std::runtime_error("fair verify: " + report.error().message());
  if (!report->ok()) {
    return refusal("verify_failed",
                   "Bet #" + std::to_string(seq) + " does NOT verify: " + report->failures.front());
  }
  std::string text = "Bet #" + std::to_string(seq) + " verifies: " + r.game + " " + r.params +
                     ", nonce " + std::to_string(r.nonce) + ". " + outcome_text(r) + ": " +
                     result_text(bank, r) + ".";
  auto seed = bank.store->seed(r.commitment);
  if (seed && *seed && (*seed)->revealed_at_us) {
    text += "\nServer seed: " + (*seed)->server_seed + "\nClient seed: " + r.client_seed +
            "\nCheck it yourself with openssl (mikami/docs/economy.md).";
  } else {
    text += "\nIts server seed is still secret (commitment " + r.commitment +
            "); /fair rotate reveals it, so you can check the bet yourself.";
  }
  return private_reply(text);
}

}  // namespace

std::vector<CommandSpec> bet_commands(std::shared_ptr<Bank> bank) {
  auto amount = framework::option(OptionType::kInteger, "amount", "How many coins", true);
  amount.min_value = 1;
  auto target = framework::option(OptionType::kNumber, "target", "The roll to beat, 0.00-99.99");
  target.min_value = 0;
  target.max_value = 99.99;
  auto direction = framework::option(OptionType::kString, "direction", "over (default) or under");
  direction.choices = {{"over", "over"}, {"under", "under"}};
  auto side = framework::option(OptionType::kString, "side", "heads (default) or tails");
  side.choices = {{"heads", "heads"}, {"tails", "tails"}};
  auto multiplier =
      framework::option(OptionType::kNumber, "multiplier", "The target multiplier, e.g. 2.5");
  multiplier.min_value = 1.01;
  multiplier.max_value = 1'000'000;
  CommandSpec bet_spec;
  bet_spec.name = "bet";
  bet_spec.description = "A provably fair bet";
  bet_spec.options = {
      framework::option(OptionType::kSubCommand, "dice", "Roll 0.00-99.99: over or under a target",
                        false, {amount, target, direction}),
      framework::option(OptionType::kSubCommand, "coin", "Heads or tails", false, {amount, side}),
      framework::option(OptionType::kSubCommand, "limbo", "Win if the crash is at or above", false,
                        {amount, multiplier})};
  bet_spec.handler = [bank](CommandContext& ctx) { return bet(*bank, ctx); };

  auto seed = framework::option(OptionType::kString, "seed", "Your new client seed", true);
  seed.min_length = 1;
  seed.max_length = 64;
  auto seq = framework::option(OptionType::kInteger, "seq", "The bet number", true);
  seq.min_value = 1;
  CommandSpec fair_spec;
  fair_spec.name = "fair";
  fair_spec.description = "Provably fair seeds: see, change, reveal, verify";
  fair_spec.ephemeral = true;
  fair_spec.options = {
      framework::option(OptionType::kSubCommand, "show",
                        "Your server seed commitment, client seed and nonce"),
      framework::option(OptionType::kSubCommand, "client-seed",
                        "Choose your client seed (reveals the server seed)", false, {seed}),
      framework::option(OptionType::kSubCommand, "rotate",
                        "Reveal your server seed and start a new pair"),
      framework::option(OptionType::kSubCommand, "verify", "Re-derive one of your bets", false,
                        {seq})};
  fair_spec.handler = [bank](CommandContext& ctx) {
    const std::string sub = ctx.subcommand();
    if (sub == "show") return fair_show(*bank, ctx);
    if (sub == "client-seed") return fair_rotate(*bank, ctx, ctx.string("seed"));
    if (sub == "rotate") return fair_rotate(*bank, ctx, std::nullopt);
    return fair_verify(*bank, ctx);
  };
  return {bet_spec, fair_spec};
}

}  // namespace mikami::modules::economy
