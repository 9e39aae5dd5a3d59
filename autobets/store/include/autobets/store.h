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
// of the user up to and including last_seq, and the active seed with its next nonce.
struct Account {
  std::string user;
  Amount balance = 0;
  Seq last_seq = 0;
  std::string commitment;
  std::int64_t next_nonce = 0;
};

// One step of a commit batch, applied in order.
//   kAppend: insert `record` into the ledger (its seq is assigned) and move the user's
//            balance to record.balance_after; a wager also advances the nonce past its own.
//   kNewSeed: insert `seed`, reveal the user's previous active seed, make `seed` active
//            with nonce 0.
struct StoreOp {
  enum class Type : std::uint8_t { kAppend, kNewSeed };
  Type type = Type::kAppend;
  LedgerRecord record;
  SeedRecord seed;
};

// Storage for AutoBets. Reads may run on any thread concurrently; commit() and the methods
// documented as writers must be called by one thread at a time.
class Store {
 public:
  virtual ~Store() = default;

  virtual core::Result<Limits> limits() = 0;

  // The user's account and active seed, or nullopt if the user has none.
  struct Snapshot {
    Account account;
    SeedRecord seed;
  };
  virtual core::Result<std::optional<Snapshot>> load(std::string_view user) = 0;
  // The ledger record the user wrote with this idempotency key, if any.
  virtual core::Result<std::optional<LedgerRecord>> find_by_key(std::string_view user,
                                                                std::string_view key) = 0;

  // Writer. Applies `ops` in order in one durable transaction: on success every op is
  // durable and the seqs of the kAppend ops are returned in order; on failure nothing of
  // the batch is (neither ledger records nor balance changes).
  virtual core::Result<std::vector<Seq>> commit(std::span<const StoreOp> ops) = 0;

  // Calls `visit` for every ledger record with seq > after_seq in seq order; stops early
  // with the first error `visit` returns.
  virtual core::Status scan_ledger(
      Seq after_seq, const std::function<core::Status(const LedgerRecord&)>& visit) = 0;
  virtual core::Result<std::vector<Account>> accounts() = 0;
  // Every ledger record with seq <= applied_seq() has its balance change in its account.
  // commit() advances it with each batch; records past it are orphans until reconciled.
  virtual core::Result<Seq> applied_seq() = 0;
  // Writer. Replaces the given account rows and sets applied_seq, in one durable
  // transaction (reconcile).
  virtual core::Status put_accounts(std::span<const Account> accounts, Seq applied_seq) = 0;

  virtual core::Result<std::optional<LedgerRecord>> record(Seq seq) = 0;
  virtual core::Result<std::vector<LedgerRecord>> history(std::string_view user,
                                                          std::size_t limit) = 0;
  virtual core::Result<std::optional<SeedRecord>> seed(std::string_view commitment) = 0;
  virtual core::Result<std::vector<SeedRecord>> seeds(std::string_view user) = 0;
};

}  // namespace autobets
