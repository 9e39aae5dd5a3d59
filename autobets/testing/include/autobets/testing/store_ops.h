// Builders of Store ops and records for store tests: seeds tagged per user, deposits,
// wagers and transfer halves that continue a given balance.
#pragma once

#include <string>
#include <vector>

#include "autobets/store.h"

namespace autobets::testing {

// The seed "server-<user><tag>" with commitment "commit-<user><tag>" and client seed "client".
SeedRecord seed_for(const std::string& user, const std::string& tag = "");
// A seed change to seed_for(user, tag), publishing seed_for(user, next_tag) as the next one.
StoreOp new_seed(const std::string& user, std::int64_t expect_version, const std::string& tag,
                 const std::string& next_tag);
StoreOp append(LedgerRecord record, std::int64_t expect_version);
// A losing coin wager of 10 on `commitment` at `nonce`.
LedgerRecord wager(const std::string& user, Amount before, const std::string& commitment,
                   std::int64_t nonce, std::string key);
LedgerRecord deposit(const std::string& user, Amount before, Amount amount, std::string key);
// One half (kTransferOut or kTransferIn) of a transfer with `other`.
LedgerRecord transfer_half(RecordKind kind, const std::string& user, const std::string& other,
                           Amount before, Amount amount, std::string key);
// A new account: its first seed, then a deposit of `amount` (key "d1").
std::vector<StoreOp> open_account(const std::string& user, Amount amount);

}  // namespace autobets::testing
