// The vocabulary of AutoBets: who (UserId), how much (Amount, integer minor units), what
// happened (LedgerRecord), and how a request ended (Reply with a stable ReplyCode).
// Plain values; no behaviour beyond validation and overflow-checked arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace autobets {

// Money in integer minor units (cents, coins). Never floating point.
using Amount = std::int64_t;
// Position of a record in the ledger: 1, 2, 3, ... with no gaps.
using Seq = std::int64_t;

// A user id: 1 to 64 characters from [A-Za-z0-9_.:@-]. Discord ids fit ("discord:1234").
bool is_valid_user_id(std::string_view user);
// An idempotency key: 1 to 128 printable ASCII characters, no spaces.
bool is_valid_idempotency_key(std::string_view key);

// a + b and a - b, or nullopt when the result does not fit in an Amount.
std::optional<Amount> checked_add(Amount a, Amount b);
std::optional<Amount> checked_sub(Amount a, Amount b);

// kTransferOut and kTransferIn are the two halves of one transfer between users, written
// in one commit: the sender's record (params names the recipient) immediately followed by
// the recipient's (params names the sender).
enum class RecordKind : std::uint8_t {
  kDeposit = 1,
  kWithdrawal = 2,
  kCredit = 3,
  kWager = 4,
  kTransferOut = 5,
  kTransferIn = 6,
};
std::string_view to_string(RecordKind kind);
std::optional<RecordKind> parse_record_kind(std::string_view text);

// One immutable ledger record. For wagers the game fields and the provably fair inputs are
// set; for deposits, withdrawals and credits they are empty and payout is 0.
// Invariant (checked by the store): balance_after == balance_before + delta(), >= 0.
struct LedgerRecord {
  Seq seq = 0;  // assigned when the record becomes durable
  std::string user;
  RecordKind kind = RecordKind::kDeposit;
  std::string idempotency_key;
  Amount amount = 0;
  std::string game;          // "dice", "coin", "limbo"; empty unless a wager
  std::string params;        // canonical parameters, e.g. "over 49.50"; transfers: counterparty
  std::int64_t outcome = 0;  // dice roll x100, coin 0 heads / 1 tails, limbo multiplier x100
  Amount payout = 0;
  std::int32_t house_edge_bp = 0;
  Amount balance_before = 0;
  Amount balance_after = 0;
  std::string commitment;  // SHA-256 of the server seed, hex
  std::string client_seed;
  std::int64_t nonce = 0;
  std::int64_t created_at_us = 0;  // wall clock, microseconds since the Unix epoch

  // The signed change this record makes to the balance (overflow-checked).
  std::optional<Amount> delta() const;
  // True when both describe the same request (see RequestShape).
  bool same_request(const LedgerRecord& other) const;
};

// What idempotency compares: the same key with the same shape is a repeat, with a
// different shape it is a reused key.
struct RequestShape {
  RecordKind kind = RecordKind::kDeposit;
  Amount amount = 0;
  std::string game;
  std::string params;

  static RequestShape of(const LedgerRecord& record) {
    return {record.kind, record.amount, record.game, record.params};
  }
  bool matches(const LedgerRecord& record) const {
    return kind == record.kind && amount == record.amount && game == record.game &&
           params == record.params;
  }
};

// How a request ended. Values are stable (they appear in JSON and exit codes); new codes
// are appended. Ordered by the precedence in which the engine checks them.
enum class ReplyCode : std::uint16_t {
  kOk = 0,
  kInvalidUserId = 1,
  kInvalidIdempotencyKey = 2,
  kAmountNotPositive = 3,
  kAmountBelowMinimum = 4,
  kAmountAboveMaximum = 5,
  kUnknownGame = 6,
  kInvalidParams = 7,
  kPayoutAboveMaximum = 8,
  kUnknownUser = 9,
  kIdempotencyKeyReused = 10,  // same key, different request
  kInsufficientBalance = 11,
  kBalanceOverflow = 12,
  kSelfTransfer = 13,  // a transfer whose sender is its recipient
  kRngFailed = 20,
  kLedgerWriteFailed = 21,
  kEngineClosed = 22,
};
std::string_view to_string(ReplyCode code);
// Whether the same request could succeed if sent again later (operating failures).
bool is_retryable(ReplyCode code);

// The answer to one request. `record` is set when code is kOk: the durable ledger record
// (for a repeated idempotency key, the first one, with `duplicate` set).
struct Reply {
  ReplyCode code = ReplyCode::kOk;
  std::string message;  // for people; names what was wrong
  std::optional<LedgerRecord> record;
  bool duplicate = false;

  bool ok() const { return code == ReplyCode::kOk; }
  static Reply rejected(ReplyCode code, std::string message) {
    return Reply{code, std::move(message), std::nullopt, false};
  }
};

// Table limits, stored with the database and fixed at `init`.
struct Limits {
  std::int32_t house_edge_bp = 100;  // 1%
  Amount min_bet = 1;
  Amount max_bet = 1'000'000'000;
  Amount max_payout = 100'000'000'000;
};

}  // namespace autobets
