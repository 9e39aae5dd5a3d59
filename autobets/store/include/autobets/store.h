// Where the ledger, the balance projection and the seeds live (docs/ledger.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autobets/model.h"
#include "core/status.h"

namespace autobets {

// A server seed with its public commitment and the client seed paired with it.
struct SeedRecord {
  std::string user;
  std::string server_seed;  // secret until revealed
  std::string commitment;   // SHA-256 of server_seed, hex; unique
  std::string client_seed;
  std::int64_t created_at_us = 0;
  std::optional<std::int64_t> revealed_at_us;  // set when rotated out
};

// A user's row in the balance projection: the balance after applying every ledger record
// of the user up to and including last_seq, the active seed with its next nonce, and the
// row's version, which every change of the row (ledger record or seed change) advances by
// exactly one. The version is what makes a commit refuse state its author did not read.
struct Account {
  std::string user;
  Amount balance = 0;
  Seq last_seq = 0;
  std::string commitment;
  std::int64_t next_nonce = 0;
  std::int64_t version = 0;  // 0: no row yet
};

// One step of a commit batch, applied in order.
//   kAppend: insert `record` into the ledger (its seq is assigned, and it is chained to the
//            user's previous record) and move the user's balance to record.balance_after;
//            a wager also advances the nonce past its own.
//   kNewSeed: make `seed` the user's active seed with nonce 0, revealing the previous one,
//            and publish `next_seed` (no client seed yet) as the commitment the following
//            change will activate. For an existing account `seed` must be the seed that
//            was published as next (the operator cannot choose it after seeing the client
//            seed); for a new user this creates the account with balance 0.
// expect_version names the account version the op was computed from (0: no account); an op
// applies only on top of exactly that version and moves it to expect_version + 1.
struct StoreOp {
  enum class Type : std::uint8_t { kAppend, kNewSeed };
  Type type = Type::kAppend;
  LedgerRecord record;
  SeedRecord seed;
  SeedRecord next_seed;
  std::int64_t expect_version = 0;
};

// What commit() did: either every op is durable (seqs holds the seqs of the kAppend ops, in
// order), or nothing is because the users in `conflicts` need their ops computed again:
// their accounts moved on since the ops were computed (another engine, possibly in another
// process, committed first), or one of their kAppend records carries an idempotency key the
// user already has in the ledger (a repeat: the engine answers it with the first record).
// So an engine need not look a new key up before queueing it; the commit does.
struct CommitResult {
  std::vector<Seq> seqs;
  // Users whose expect_version did not hold, or who already have a record with the key of
  // one of their kAppend ops (for a transfer_in, the sender is named too), each once.
  std::vector<std::string> conflicts;
  bool committed() const { return conflicts.empty(); }
};

// Storage for AutoBets, shared by any number of engines in any number of processes. Reads
// may run on any thread concurrently; commit() and the methods documented as writers must
// be called by one thread of a Store object at a time. The guarantee that no balance is
// overdrawn and every user's records form one chain holds across engines because commit()
// applies an op only on top of the account version it was computed from.
class Store {
 public:
  virtual ~Store() = default;

  virtual core::Result<Limits> limits() = 0;

  // The user's account, active seed and the published next seed (no client seed), or
  // nullopt if the user has none.
  struct Snapshot {
    Account account;
    SeedRecord seed;
    SeedRecord next_seed;
  };
  virtual core::Result<std::optional<Snapshot>> load(std::string_view user) = 0;
  // The ledger record the user wrote with this idempotency key, if any.
  virtual core::Result<std::optional<LedgerRecord>> find_by_key(std::string_view user,
                                                                std::string_view key) = 0;

  // Writer. Applies `ops` in order in one durable transaction: on success every op is
  // durable; on a conflict (see CommitResult: a moved version or an idempotency key already
  // in the ledger) or an error nothing of the batch is (neither ledger records nor balance
  // or seed changes). Waits (bounded) while another process writes; if it cannot get the
  // database, fails with kUnavailable having changed nothing.
  virtual core::Result<CommitResult> commit(std::span<const StoreOp> ops) = 0;

  // Calls `visit` for every ledger record with seq > after_seq in seq order; stops early
  // with the first error `visit` returns.
  virtual core::Status scan_ledger(
      Seq after_seq, const std::function<core::Status(const LedgerRecord&)>& visit) = 0;
  virtual core::Result<std::vector<Account>> accounts() = 0;
  // Every ledger record with seq <= applied_seq() has its balance change in its account.
  // commit() advances it with each batch; records past it are orphans until reconciled.
  virtual core::Result<Seq> applied_seq() = 0;
  // Writer. Replaces the given account rows (each only if its row is still at the version
  // it carries; the row moves to version + 1) and advances applied_seq, in one durable
  // transaction (reconcile). Returns the users whose rows moved on, in which case nothing
  // was written.
  virtual core::Result<std::vector<std::string>> put_accounts(std::span<const Account> accounts,
                                                              Seq applied_seq) = 0;

  virtual core::Result<std::optional<LedgerRecord>> record(Seq seq) = 0;
  virtual core::Result<std::vector<LedgerRecord>> history(std::string_view user,
                                                          std::size_t limit) = 0;
  virtual core::Result<std::optional<SeedRecord>> seed(std::string_view commitment) = 0;
  virtual core::Result<std::vector<SeedRecord>> seeds(std::string_view user) = 0;
};

}  // namespace autobets
