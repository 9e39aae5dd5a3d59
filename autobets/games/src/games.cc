#include "autobets/games.h"

#include <charconv>

namespace autobets {
namespace {

__extension__ using U128 = unsigned __int128;  // exact intermediates for payouts

constexpr std::int64_t kDiceOutcomes = 10000;
constexpr std::int64_t kDiceMinWinning = 100;   // 1% win chance
constexpr std::int64_t kDiceMaxWinning = 9800;  // 98% win chance
constexpr std::int64_t kLimboMinTarget = 101;
constexpr std::int64_t kLimboMaxTarget = 100'000'000;  // 1,000,000.00x
constexpr int kLimboBits = 52;

// Parses "12", "12.3" or "12.34" as hundredths; nothing else.
bool parse_hundredths(std::string_view text, std::int64_t* out) {
  auto dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || fraction.size() > 2) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  std::int64_t units = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return false;
    units = units * 10 + (c - '0');
  }
  std::int64_t cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return false;
    cents = cents * 10 + (c - '0');
  }
  *out = units * 100 + cents;
  return true;
}

std::int64_t dice_winning_outcomes(const Bet& bet) {
  return bet.over ? kDiceOutcomes - 1 - bet.target : bet.target;
}

Amount capped(U128 value) {
  return value > static_cast<U128>(INT64_MAX) ? 0 : static_cast<Amount>(value);
}

}  // namespace

std::string format_hundredths(std::int64_t value) {
  std::string cents = std::to_string(value % 100);
  return std::to_string(value / 100) + "." + (cents.size() == 1 ? "0" : "") + cents;
}

std::string_view game_name(Game game) {
  switch (game) {
    case Game::kDice:
      return "dice";
    case Game::kCoin:
      return "coin";
    case Game::kLimbo:
      return "limbo";
  }
  return "unknown";
}

core::Result<Bet> parse_bet(std::string_view game, std::string_view params) {
  Bet bet;
  if (game == "coin") {
    bet.game = Game::kCoin;
    if (params != "heads" && params != "tails") {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "coin takes 'heads' or 'tails', not '" + std::string(params) + "'");
    }
    bet.over = params == "heads";
    return bet;
  }
  if (game == "dice") {
    bet.game = Game::kDice;
    auto space = params.find(' ');
    std::string_view direction = params.substr(0, space);
    std::string_view target = space == std::string_view::npos ? "" : params.substr(space + 1);
    if ((direction != "over" && direction != "under") || !parse_hundredths(target, &bet.target) ||
        bet.target > kDiceOutcomes - 1) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "dice takes 'over T' or 'under T' with T in 0.00..99.99, not '" +
                            std::string(params) + "'");
    }
    bet.over = direction == "over";
    std::int64_t winning = dice_winning_outcomes(bet);
    if (winning < kDiceMinWinning || winning > kDiceMaxWinning) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "dice '" + std::string(params) + "' has a " + format_hundredths(winning) +
                            "% win chance; it must be between 1.00% and 98.00%");
    }
    return bet;
  }
  if (game == "limbo") {
    bet.game = Game::kLimbo;
    if (!parse_hundredths(params, &bet.target) || bet.target < kLimboMinTarget ||
        bet.target > kLimboMaxTarget) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "limbo takes a target multiplier from 1.01 to 1000000.00, not '" +
                            std::string(params) + "'");
    }
    return bet;
  }
  return core::fail(core::ErrorCode::kNotFound,
                    "unknown game '" + std::string(game) + "' (games: dice, coin, limbo)");
}

std::string canonical_params(const Bet& bet) {
  switch (bet.game) {
    case Game::kDice:
      return (bet.over ? "over " : "under ") + format_hundredths(bet.target);
    case Game::kCoin:
      return bet.over ? "heads" : "tails";
    case Game::kLimbo:
      return format_hundredths(bet.target);
  }
  return "";
}

Amount winning_payout(const Bet& bet, Amount amount, std::int32_t house_edge_bp) {
  const auto stake = static_cast<U128>(amount);
  const auto keep = static_cast<U128>(10000 - house_edge_bp);
  switch (bet.game) {
    case Game::kDice:
      return capped(stake * keep / static_cast<unsigned>(dice_winning_outcomes(bet)));
    case Game::kCoin:
      return capped(stake * keep / 5000);
    case Game::kLimbo:
      return capped(stake * static_cast<unsigned>(bet.target) / 100);
  }
  return 0;
}

core::Result<Outcome> play(const Bet& bet, Amount amount, std::int32_t house_edge_bp,
                           FairStream& stream) {
  Outcome outcome;
  switch (bet.game) {
    case Game::kDice: {
      auto roll = stream.uniform(kDiceOutcomes);
      CORE_RETURN_IF_ERROR(roll);
      outcome.value = static_cast<std::int64_t>(*roll);
      outcome.win = bet.over ? outcome.value > bet.target : outcome.value < bet.target;
      break;
    }
    case Game::kCoin: {
      auto side = stream.uniform(2);
      CORE_RETURN_IF_ERROR(side);
      outcome.value = static_cast<std::int64_t>(*side);
      outcome.win = (outcome.value == 0) == bet.over;
      break;
    }
    case Game::kLimbo: {
      // U = r / 2^52 with r uniform in [1, 2^52]; X x100 = 100 * (1 - edge) / U.
      auto draw = stream.uniform(std::uint64_t{1} << kLimboBits);
      CORE_RETURN_IF_ERROR(draw);
      U128 numerator = static_cast<U128>(10000 - house_edge_bp) << kLimboBits;
      U128 x100 = numerator / (static_cast<U128>(*draw + 1) * 100);
      if (x100 < 100) x100 = 100;
      if (x100 > static_cast<U128>(kLimboMaxTarget)) x100 = kLimboMaxTarget;
      outcome.value = static_cast<std::int64_t>(x100);
      outcome.win = outcome.value >= bet.target;
      break;
    }
  }
  outcome.payout = outcome.win ? winning_payout(bet, amount, house_edge_bp) : 0;
  return outcome;
}

}  // namespace autobets
