// The PostgreSQL store: the same Store contract as SqliteStore, on a database that any
// number of engine processes share. PostgreSQL itself enforces the ledger's invariants
// (docs/ledger.md, "PostgreSQL"): immutability triggers, CHECKs, unique idempotency keys and
// (commitment, nonce), the balance chain and gap-free, commit-ordered seqs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "autobets/fault_point.h"
#include "autobets/store.h"

namespace autobets {

// Whether `db` names a PostgreSQL database (postgresql:// or postgres://) rather than a file.
bool is_postgres_url(std::string_view db);
// The URL with its password (user:password@ or password=...) replaced by "***": the only
// form of a URL that logs and messages show.
std::string redact_postgres_url(std::string_view url);

struct PgStoreOptions {
  // Called at each FaultPoint of every commit; an error aborts (rolls back) the commit and
  // is returned from it. Empty in production.
  std::function<core::Status(FaultPoint)> fault;
  // Reader connections kept open for concurrent reads.
  std::size_t max_idle_readers = 8;
};

class PgStore final : public Store {
 public:
  // Creates the AutoBets tables in the (existing) database at `url` with the given limits.
  // Fails with kAlreadyExists if the database already has them (or any table of the same
  // name), kUnavailable if the server cannot be reached or refuses the login. Messages never
  // contain the password (from the URL, PGPASSWORD or ~/.pgpass).
  static core::Status create(const std::string& url, const Limits& limits);
  // Opens an AutoBets database. Fails with kUnavailable if the server cannot be reached,
  // kCorrupt if the database is not an AutoBets database (names what is wrong).
  static core::Result<std::unique_ptr<PgStore>> open(const std::string& url,
                                                     PgStoreOptions options = {});
  ~PgStore() override;

  core::Result<Limits> limits() override;
  core::Result<std::optional<Snapshot>> load(std::string_view user) override;
  core::Result<std::optional<LedgerRecord>> find_by_key(std::string_view user,
                                                        std::string_view key) override;
  core::Result<CommitResult> commit(std::span<const StoreOp> ops) override;
  core::Status scan_ledger(Seq after_seq,
                           const std::function<core::Status(const LedgerRecord&)>& visit) override;
  core::Result<std::vector<Account>> accounts() override;
  core::Result<Seq> applied_seq() override;
  core::Result<std::vector<std::string>> put_accounts(std::span<const Account> accounts,
                                                      Seq applied_seq) override;
  core::Result<std::optional<LedgerRecord>> record(Seq seq) override;
  core::Result<std::vector<LedgerRecord>> history(std::string_view user,
                                                  std::size_t limit) override;
  core::Result<std::optional<SeedRecord>> seed(std::string_view commitment) override;
  core::Result<std::vector<SeedRecord>> seeds(std::string_view user) override;

  struct Impl;

 private:
  explicit PgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace autobets
