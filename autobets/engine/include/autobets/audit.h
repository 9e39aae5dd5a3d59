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
// Safe while engines (in this or other processes) use the store: each account row is
// replaced only if it is still at the version reconcile read, so a newer row is never
// overwritten; when one moved on, reconcile reads again (bounded) and otherwise fails with
// kUnavailable having changed nothing.
core::Result<ReconcileReport> reconcile(Store& store);

// Sums over the whole ledger, in a type no sum of 64-bit amounts over fewer than 2^63
// records can overflow.
__extension__ typedef __int128 Wide;  // GCC and Clang both have it
std::string to_decimal(Wide value);

struct Totals {
  Wide deposits = 0;
  Wide withdrawals = 0;
  Wide credits = 0;
  Wide wagered = 0;
  Wide paid_out = 0;
  Wide transferred_out = 0;  // Σ transfer_out amounts
  Wide transferred_in = 0;   // Σ transfer_in amounts; equal to transferred_out
  std::int64_t wagers = 0;
  std::int64_t transfers = 0;
  Wide house_net() const { return wagered - paid_out; }
};

struct ReplayReport {
  std::size_t records = 0;
  std::size_t users = 0;
  Totals totals;
  Wide balances_sum = 0;                // of the account projection
  std::vector<std::string> mismatches;  // one line per disagreement, naming user and seq
  bool ok() const { return mismatches.empty(); }
};

// Rebuilds every balance from the ledger alone (recomputing each change from kind, amount
// and payout rather than trusting stored balances) and compares with the projection and
// with the conservation identity: sum of balances == deposits - withdrawals + credits -
// house net (transfers move money between users and add up to zero: every transfer_out is
// directly followed by its transfer_in). Read-only.
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
