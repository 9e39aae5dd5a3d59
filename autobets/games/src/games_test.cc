#include "autobets/games.h"

#include <gtest/gtest.h>

namespace autobets {
namespace {

TEST(Games, ParsesAndCanonicalisesParameters) {
  auto dice = parse_bet("dice", "over 49.5");
  ASSERT_TRUE(dice.has_value());
  EXPECT_EQ(canonical_params(*dice), "over 49.50");
  EXPECT_EQ(canonical_params(*parse_bet("dice", "under 2")), "under 2.00");
  EXPECT_EQ(canonical_params(*parse_bet("coin", "tails")), "tails");
  EXPECT_EQ(canonical_params(*parse_bet("limbo", "2.5")), "2.50");
}

TEST(Games, RejectsParametersOutOfRangeWithAReason) {
  for (auto [game, params] :
       std::initializer_list<std::pair<const char*, const char*>>{{"dice", "over 99.99"},
                                                                  {"dice", "under 0.5"},
                                                                  {"dice", "sideways 50"},
                                                                  {"dice", "over 50.001"},
                                                                  {"dice", "over -1"},
                                                                  {"dice", "over"},
                                                                  {"coin", "edge"},
                                                                  {"limbo", "1.00"},
                                                                  {"limbo", "1000000.01"},
                                                                  {"limbo", "2."},
                                                                  {"limbo", "x"}}) {
    auto bet = parse_bet(game, params);
    ASSERT_FALSE(bet.has_value()) << game << " " << params;
    EXPECT_EQ(bet.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(bet.error().message().find(params), std::string::npos) << bet.error().message();
  }
  auto unknown = parse_bet("roulette", "red");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);
}

TEST(Games, PayoutsApplyTheHouseEdgeInIntegers) {
  EXPECT_EQ(winning_payout(*parse_bet("coin", "heads"), 100, 100), 198);
  EXPECT_EQ(winning_payout(*parse_bet("dice", "under 50"), 100, 100), 198);
  EXPECT_EQ(winning_payout(*parse_bet("dice", "over 49.99"), 100, 0), 200);
  EXPECT_EQ(winning_payout(*parse_bet("dice", "under 1"), 1000, 100), 99000);
  EXPECT_EQ(winning_payout(*parse_bet("limbo", "2.50"), 100, 100), 250);
  // Overflow is reported as 0, never wrapped.
  EXPECT_EQ(winning_payout(*parse_bet("limbo", "1000000"), INT64_MAX / 2, 100), 0);
}

TEST(Games, ReturnToPlayerMatchesTheEdge) {
  // Expected return of 1 - edge within sampling error, for each game.
  for (auto [game, params] : std::initializer_list<std::pair<const char*, const char*>>{
           {"dice", "over 49.99"}, {"coin", "heads"}, {"limbo", "2.00"}}) {
    auto bet = *parse_bet(game, params);
    const int kRounds = 40000;
    long long paid = 0;
    for (int nonce = 0; nonce < kRounds; ++nonce) {
      FairStream stream(OpenSslHasher::instance(), "rtp-seed", game, nonce);
      auto outcome = play(bet, 100, 100, stream);
      ASSERT_TRUE(outcome.has_value());
      paid += outcome->payout;
    }
    double rtp = static_cast<double>(paid) / (100.0 * kRounds);
    EXPECT_NEAR(rtp, 0.99, 0.02) << game;
  }
}

TEST(Games, OutcomesAreReproducibleFromTheSeeds) {
  auto bet = *parse_bet("limbo", "1.50");
  FairStream first(OpenSslHasher::instance(), "server", "client", 42);
  FairStream second(OpenSslHasher::instance(), "server", "client", 42);
  auto a = play(bet, 10, 100, first);
  auto b = play(bet, 10, 100, second);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->value, b->value);
  EXPECT_EQ(a->payout, b->payout);
  EXPECT_GE(a->value, 100);
}

}  // namespace
}  // namespace autobets
