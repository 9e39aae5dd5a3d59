// The games: how parameters are written, validated, turned into an outcome from the fair
// byte stream, and paid. All arithmetic is integer (basis points, hundredths) with 128-bit
// intermediates; see docs/fairness.md for the exact formulas.
//
//   dice   params "over 49.50" | "under 49.50": a roll in 0.00..99.99 (10,000 outcomes)
//          wins when strictly over / under the target; win chance 1%..98%.
//   coin   params "heads" | "tails".
//   limbo  params "2.00": a target multiplier 1.01..1000000.00; the game draws a crash
//          multiplier X = (1 - edge) / U, U uniform in (0, 1]; wins when X >= target.
//
// A winning wager pays floor(amount * (1 - edge) / win_chance); limbo pays amount * target.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "autobets/fairness.h"
#include "autobets/model.h"
#include "core/status.h"

namespace autobets {

enum class Game : std::uint8_t { kDice = 1, kCoin = 2, kLimbo = 3 };

// A parsed, validated bet shape (the game and its parameters, not the amount).
struct Bet {
  Game game = Game::kCoin;
  bool over = false;        // dice: over (true) or under; coin: heads (true) or tails
  std::int64_t target = 0;  // dice: hundredths 0..9999; limbo: multiplier in hundredths
};

// Parses game and params. On failure `*code` is kUnknownGame or kInvalidParams and the
// message says what was expected.
core::Result<Bet> parse_bet(std::string_view game, std::string_view params);
std::string_view game_name(Game game);
// Canonical text of the parameters ("over 49.50", "heads", "2.00").
std::string canonical_params(const Bet& bet);

// What a winning bet of `amount` pays (0 if it would overflow an Amount, which the engine
// treats as above the payout limit). `house_edge_bp` in basis points, 0..5000.
Amount winning_payout(const Bet& bet, Amount amount, std::int32_t house_edge_bp);

struct Outcome {
  std::int64_t value = 0;  // dice roll x100, coin 0 heads / 1 tails, limbo multiplier x100
  bool win = false;
  Amount payout = 0;
};

// Plays one round from the fair stream. Fails only if the stream's hasher fails.
core::Result<Outcome> play(const Bet& bet, Amount amount, std::int32_t house_edge_bp,
                           FairStream& stream);

// Formats hundredths as "12.34".
std::string format_hundredths(std::int64_t value);

}  // namespace autobets
