// Checking the store against the ledger, which is the source of truth (docs/ledger.md).
#pragma once

#include <string>
#include <vector>

#include "autobets/fairness.h"
#include "autobets/store.h"
#include "core/status.h"

namespace autobets {

struct ReconcileReport {
  std::size_t orphans_applied = 0;  // ledger records whose balance change was missing
  std::vector<std::string> users_repaired;
};

// Finds ledger records past each account's last_seq (orphans: durable records whose
// balance change never landed) and applies them to the account, in one transaction.
// Fails with kCorrupt, changing nothing, if an orphan does not continue the account's
// balance chain (its balance_before differs from the balance it would apply to).
// Writer: must not run concurrently with an engine on the same store.
core::Result<ReconcileReport> reconcile(Store& store);

struct Totals {
  Amount deposits = 0;
  Amount withdrawals = 0;
  Amount credits = 0;
  Amount wagered = 0;
  Amount paid_out = 0;
  std::int64_t wagers = 0;
  Amount house_net() const { return wagered - paid_out; }
};

struct ReplayReport {
  std::size_t records = 0;
  std::size_t users = 0;
  Totals totals;
  Amount balances_sum = 0;              // of the account projection
  std::vector<std::string> mismatches;  // one line per disagreement, naming user and seq
  bool ok() const { return mismatches.empty(); }
};

// Rebuilds every balance from the ledger alone (recomputing each change from kind, amount
// and payout rather than trusting stored balances) and compares with the projection and
// with the conservation identity: sum of balances == deposits - withdrawals + credits -
// house net. Read-only.
core::Result<ReplayReport> replay(Store& store);

struct VerifyReport {
  std::size_t wagers = 0;
  std::size_t unrevealed = 0;         // verified with a seed not yet revealed to the player
  std::vector<std::string> failures;  // one line per record that does not verify
  bool ok() const { return failures.empty(); }
};

// Re-derives the outcome and payout of wager `seq` (or of every wager when seq is 0) from
// the stored seeds, client seed and nonce, and checks the commitment is SHA-256 of the
// server seed. Read-only. Fails with kNotFound for an unknown seq or a record that is not
// a wager.
core::Result<VerifyReport> verify(Store& store, FairHasher& hasher, Seq seq);

}  // namespace autobets
