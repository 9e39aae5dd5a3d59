// The SQLite store: one database file in WAL mode with synchronous=FULL, so a commit is on
// disk before commit() returns. Schema and invariants: docs/ledger.md.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "autobets/fault_point.h"
#include "autobets/store.h"

namespace autobets {

struct SqliteStoreOptions {
  // Called at each FaultPoint of every commit; an error aborts (rolls back) the commit and
  // is returned from it. Empty in production.
  std::function<core::Status(FaultPoint)> fault;
};

class SqliteStore final : public Store {
 public:
  // Creates a new database at `path` with the given limits, readable by its owner only
  // (0600; SQLite gives its -wal and -shm files the same mode). Fails with kAlreadyExists if
  // a file or a symlink is already there (a symlink is never followed), kIo if it cannot be
  // created. Creates no other file.
  static core::Status create(const std::filesystem::path& path, const Limits& limits);
  // Adds the AutoBets tables (with `limits`) to an existing SQLite database of another
  // program, e.g. a bot's store, so one file holds both. All in one transaction, after
  // checking inside it that none of AutoBets' table names is taken; nothing changes when one
  // is: kAlreadyExists when the file holds AutoBets' settings (an AutoBets database of any
  // version, which open() then names), kFailedPrecondition naming the tables otherwise.
  // kNotFound when there is no file, kInvalidArgument for a symlink, kCorrupt when it is not
  // a database. Since the file then holds unrevealed server seeds, it (and its -wal and -shm)
  // loses every permission of group and others before the tables are written.
  static core::Status create_in_existing(const std::filesystem::path& path, const Limits& limits);
  // Opens an existing AutoBets database. Fails with kNotFound if there is no file, kCorrupt
  // if the file is not an AutoBets database (names what is wrong), kInvalidArgument for a
  // symlink. Never creates a file.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& path,
                                                         SqliteStoreOptions options = {});
  ~SqliteStore() override;

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
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace autobets
