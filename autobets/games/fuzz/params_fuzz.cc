// Fuzzes game parameters (autobets/games.h): the input is "<game>\n<params>" (no newline:
// all of it is the game name). A bet that parses must write canonical parameters that parse
// back to the same bet, and its payout must be computable for any amount and house edge.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "autobets/games.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  std::string_view game = input.substr(0, newline);
  std::string_view params =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  auto bet = autobets::parse_bet(game, params);
  if (!bet) {
    FUZZ_ASSERT(!bet.error().message().empty());
    return 0;
  }
  auto again =
      autobets::parse_bet(autobets::game_name(bet->game), autobets::canonical_params(*bet));
  FUZZ_ASSERT(again.has_value());
  FUZZ_ASSERT(again->game == bet->game && again->over == bet->over && again->target == bet->target);
  for (autobets::Amount amount : {autobets::Amount{1}, autobets::Amount{1000000},
                                  std::numeric_limits<autobets::Amount>::max()}) {
    for (std::int32_t edge : {0, 100, 5000}) {
      FUZZ_ASSERT(autobets::winning_payout(*bet, amount, edge) >= 0);
    }
  }
  return 0;
}
