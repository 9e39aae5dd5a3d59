#include "autobets/model.h"

#include <gtest/gtest.h>

#include <limits>

namespace autobets {
namespace {

TEST(Model, UserIdsAndKeysAreValidated) {
  EXPECT_TRUE(is_valid_user_id("discord:123456789012345678"));
  EXPECT_TRUE(is_valid_user_id("alice"));
  EXPECT_FALSE(is_valid_user_id(""));
  EXPECT_FALSE(is_valid_user_id("has space"));
  EXPECT_FALSE(is_valid_user_id(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_idempotency_key("order-17/retry"));
  EXPECT_FALSE(is_valid_idempotency_key("a b"));
  EXPECT_FALSE(is_valid_idempotency_key(std::string(129, 'k')));
}

TEST(Model, ArithmeticRefusesToOverflow) {
  constexpr Amount kMax = std::numeric_limits<Amount>::max();
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
  EXPECT_EQ(checked_add(kMax, 1), std::nullopt);
  EXPECT_EQ(checked_sub(std::numeric_limits<Amount>::min(), 1), std::nullopt);
}

TEST(Model, DeltaFollowsTheKind) {
  LedgerRecord record;
  record.amount = 100;
  record.kind = RecordKind::kDeposit;
  EXPECT_EQ(record.delta(), 100);
  record.kind = RecordKind::kWithdrawal;
  EXPECT_EQ(record.delta(), -100);
  record.kind = RecordKind::kWager;
  record.payout = 198;
  EXPECT_EQ(record.delta(), 98);
  record.payout = 0;
  EXPECT_EQ(record.delta(), -100);
}

TEST(Model, CodesHaveStableNamesAndRetryability) {
  EXPECT_EQ(static_cast<int>(ReplyCode::kInsufficientBalance), 11);
  EXPECT_EQ(to_string(ReplyCode::kInsufficientBalance), "insufficient_balance");
  EXPECT_TRUE(is_retryable(ReplyCode::kLedgerWriteFailed));
  EXPECT_FALSE(is_retryable(ReplyCode::kUnknownUser));
  EXPECT_EQ(parse_record_kind("wager"), RecordKind::kWager);
  EXPECT_EQ(parse_record_kind("bet"), std::nullopt);
}

}  // namespace
}  // namespace autobets
