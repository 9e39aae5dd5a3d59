#include "autobets/testing/store_ops.h"

namespace autobets::testing {

SeedRecord seed_for(const std::string& user, const std::string& tag) {
  return SeedRecord{user,        "server-" + user + tag, "commit-" + user + tag, "client", 1,
                    std::nullopt};
}

StoreOp new_seed(const std::string& user, std::int64_t expect_version, const std::string& tag,
                 const std::string& next_tag) {
  StoreOp op{
      StoreOp::Type::kNewSeed, {}, seed_for(user, tag), seed_for(user, next_tag), expect_version};
  op.next_seed.client_seed.clear();
  return op;
}

StoreOp append(LedgerRecord record, std::int64_t expect_version) {
  return StoreOp{StoreOp::Type::kAppend, std::move(record), {}, {}, expect_version};
}

LedgerRecord wager(const std::string& user, Amount before, const std::string& commitment,
                   std::int64_t nonce, std::string key) {
  LedgerRecord record;
  record.user = user;
  record.kind = RecordKind::kWager;
  record.idempotency_key = std::move(key);
  record.amount = 10;
  record.game = "coin";
  record.params = "heads";
  record.balance_before = before;
  record.balance_after = before - 10;
  record.commitment = commitment;
  record.client_seed = "client";
  record.nonce = nonce;
  return record;
}

LedgerRecord deposit(const std::string& user, Amount before, Amount amount, std::string key) {
  LedgerRecord record;
  record.user = user;
  record.kind = RecordKind::kDeposit;
  record.idempotency_key = std::move(key);
  record.amount = amount;
  record.balance_before = before;
  record.balance_after = before + amount;
  record.created_at_us = 5;
  return record;
}

LedgerRecord transfer_half(RecordKind kind, const std::string& user, const std::string& other,
                           Amount before, Amount amount, std::string key) {
  LedgerRecord record;
  record.user = user;
  record.kind = kind;
  record.idempotency_key = std::move(key);
  record.amount = amount;
  record.params = other;
  record.balance_before = before;
  record.balance_after = kind == RecordKind::kTransferOut ? before - amount : before + amount;
  return record;
}

std::vector<StoreOp> open_account(const std::string& user, Amount amount) {
  return {new_seed(user, 0, "", "-next"), append(deposit(user, 0, amount, "d1"), 1)};
}

}  // namespace autobets::testing
