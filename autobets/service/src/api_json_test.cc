#include "autobets/api_json.h"

#include <gtest/gtest.h>

namespace autobets {
namespace {

LedgerRecord wager_record() {
  LedgerRecord r;
  r.seq = 9007199254740991;
  r.user = "alice";
  r.kind = RecordKind::kWager;
  r.idempotency_key = "order-17/retry";
  r.amount = 10;
  r.game = "dice";
  r.params = "over 49.50";
  r.outcome = 5012;
  r.payout = 19;
  r.house_edge_bp = 100;
  r.balance_before = 1000;
  r.balance_after = 1009;
  r.commitment = std::string(64, 'a');
  r.client_seed = "quote \" backslash \\ tab \t newline \n nul " + std::string(1, '\0') +
                  " \x1f del \x7f caf\xc3\xa9";
  r.nonce = 41;
  r.created_at_us = 1764633600000000;
  return r;
}

TEST(ApiJsonTest, ReplyTextIsTheDumpOfItsDocument) {
  std::vector<Reply> replies;
  replies.push_back(Reply{ReplyCode::kOk, "", wager_record(), false});
  replies.push_back(Reply{ReplyCode::kOk, "repeat of an earlier request", wager_record(), true});
  LedgerRecord deposit = wager_record();
  deposit.kind = RecordKind::kDeposit;
  deposit.amount = -5;
  replies.push_back(Reply{ReplyCode::kOk, "", deposit, false});
  replies.push_back(Reply::rejected(ReplyCode::kInsufficientBalance, "balance 3 < 10"));
  replies.push_back(Reply::rejected(ReplyCode::kLedgerWriteFailed, ""));
  for (const Reply& reply : replies) {
    EXPECT_EQ(to_json_text(reply), to_json(reply).dump());
  }
}

TEST(ApiJsonTest, ReplyTextWithBytesThatAreNotUtf8IsStillJson) {
  Reply reply = Reply::rejected(ReplyCode::kInvalidParams, "bad \xff byte");
  auto parsed = nlohmann::json::parse(to_json_text(reply));
  EXPECT_EQ(parsed["message"], "bad \xef\xbf\xbd byte");
  EXPECT_EQ(parsed["code"], "invalid_params");
}

}  // namespace
}  // namespace autobets
