#include "autobets/model.h"

#include <algorithm>

namespace autobets {

bool is_valid_user_id(std::string_view user) {
  return !user.empty() && user.size() <= 64 && std::all_of(user.begin(), user.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '@' || c == '-';
  });
}

bool is_valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 128 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
}

std::optional<Amount> checked_add(Amount a, Amount b) {
  Amount result;
  if (__builtin_add_overflow(a, b, &result)) return std::nullopt;
  return result;
}

std::optional<Amount> checked_sub(Amount a, Amount b) {
  Amount result;
  if (__builtin_sub_overflow(a, b, &result)) return std::nullopt;
  return result;
}

std::string_view to_string(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDeposit:
      return "deposit";
    case RecordKind::kWithdrawal:
      return "withdrawal";
    case RecordKind::kCredit:
      return "credit";
    case RecordKind::kWager:
      return "wager";
    case RecordKind::kTransferOut:
      return "transfer_out";
    case RecordKind::kTransferIn:
      return "transfer_in";
  }
  return "unknown";
}

std::optional<RecordKind> parse_record_kind(std::string_view text) {
  for (auto kind : {RecordKind::kDeposit, RecordKind::kWithdrawal, RecordKind::kCredit,
                    RecordKind::kWager, RecordKind::kTransferOut, RecordKind::kTransferIn}) {
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

std::optional<Amount> LedgerRecord::delta() const {
  switch (kind) {
    case RecordKind::kDeposit:
    case RecordKind::kCredit:
    case RecordKind::kTransferIn:
      return amount;
    case RecordKind::kWithdrawal:
    case RecordKind::kTransferOut:
      return -amount;
    case RecordKind::kWager:
      return checked_sub(payout, amount);
  }
  return std::nullopt;
}

bool LedgerRecord::same_request(const LedgerRecord& other) const {
  return RequestShape::of(*this).matches(other);
}

std::string_view to_string(ReplyCode code) {
  switch (code) {
    case ReplyCode::kOk:
      return "ok";
    case ReplyCode::kInvalidUserId:
      return "invalid_user_id";
    case ReplyCode::kInvalidIdempotencyKey:
      return "invalid_idempotency_key";
    case ReplyCode::kAmountNotPositive:
      return "amount_not_positive";
    case ReplyCode::kAmountBelowMinimum:
      return "amount_below_minimum";
    case ReplyCode::kAmountAboveMaximum:
      return "amount_above_maximum";
    case ReplyCode::kUnknownGame:
      return "unknown_game";
    case ReplyCode::kInvalidParams:
      return "invalid_params";
    case ReplyCode::kPayoutAboveMaximum:
      return "payout_above_maximum";
    case ReplyCode::kUnknownUser:
      return "unknown_user";
    case ReplyCode::kIdempotencyKeyReused:
      return "idempotency_key_reused";
    case ReplyCode::kInsufficientBalance:
      return "insufficient_balance";
    case ReplyCode::kBalanceOverflow:
      return "balance_overflow";
    case ReplyCode::kSelfTransfer:
      return "self_transfer";
    case ReplyCode::kRngFailed:
      return "rng_failed";
    case ReplyCode::kLedgerWriteFailed:
      return "ledger_write_failed";
    case ReplyCode::kEngineClosed:
      return "engine_closed";
  }
  return "unknown";
}

bool is_retryable(ReplyCode code) {
  return code == ReplyCode::kRngFailed || code == ReplyCode::kLedgerWriteFailed;
}

}  // namespace autobets
