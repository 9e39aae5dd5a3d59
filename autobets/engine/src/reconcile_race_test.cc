// Regression: reconcile (run by every engine on open) failed with "belongs to a user with no
// account or seed" when another engine created a user between reconcile's read of the
// accounts and its scan of the ledger: the new user's first record looked like an orphan of
// an unknown user. Seen with 4 engine processes on PostgreSQL; the race is the same on any
// store, so the test drives it deterministically on SQLite through a store that lets
// another engine commit right after accounts() returns.
#include <gtest/gtest.h>

#include "autobets/audit.h"
#include "autobets/sqlite_store.h"
#include "autobets/testing/store_ops.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

// Forwards to `inner`, running `after_accounts` once, right after the first accounts().
class RacingStore final : public Store {
 public:
  RacingStore(Store& inner, std::function<void()> after_accounts)
      : inner_(inner), after_accounts_(std::move(after_accounts)) {}
  core::Result<Limits> limits() override { return inner_.limits(); }
  core::Result<std::optional<Snapshot>> load(std::string_view user) override {
    return inner_.load(user);
  }
  core::Result<std::optional<LedgerRecord>> find_by_key(std::string_view user,
                                                        std::string_view key) override {
    return inner_.find_by_key(user, key);
  }
  core::Result<CommitResult> commit(std::span<const StoreOp> ops) override {
    return inner_.commit(ops);
  }
  core::Status scan_ledger(Seq after_seq,
                           const std::function<core::Status(const LedgerRecord&)>& visit) override {
    return inner_.scan_ledger(after_seq, visit);
  }
  core::Result<std::vector<Account>> accounts() override {
    auto accounts = inner_.accounts();
    if (after_accounts_) std::exchange(after_accounts_, nullptr)();
    return accounts;
  }
  core::Result<Seq> applied_seq() override { return inner_.applied_seq(); }
  core::Result<std::vector<std::string>> put_accounts(std::span<const Account> accounts,
                                                      Seq applied_seq) override {
    return inner_.put_accounts(accounts, applied_seq);
  }
  core::Result<std::optional<LedgerRecord>> record(Seq seq) override { return inner_.record(seq); }
  core::Result<std::vector<LedgerRecord>> history(std::string_view user,
                                                  std::size_t limit) override {
    return inner_.history(user, limit);
  }
  core::Result<std::optional<SeedRecord>> seed(std::string_view commitment) override {
    return inner_.seed(commitment);
  }
  core::Result<std::vector<SeedRecord>> seeds(std::string_view user) override {
    return inner_.seeds(user);
  }

 private:
  Store& inner_;
  std::function<void()> after_accounts_;
};

TEST(Reconcile, AUserCreatedByAnotherEngineDuringReconcileIsNotAnUnknownUsersOrphan) {
  testing::TempDb db;
  auto mine = SqliteStore::open(db.path());
  auto theirs = SqliteStore::open(db.path());
  ASSERT_TRUE(mine.has_value() && theirs.has_value());
  ASSERT_TRUE((*theirs)->commit(testing::open_account("alice", 5))->committed());
  RacingStore racing(**mine, [&] {
    ASSERT_TRUE((*theirs)->commit(testing::open_account("bob", 7))->committed());
  });
  auto report = reconcile(racing);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->orphans_applied, 0u);
  auto bob = (*mine)->load("bob");
  ASSERT_TRUE(bob.has_value() && bob->has_value());
  EXPECT_EQ((*bob)->account.balance, 7);
}

}  // namespace
}  // namespace autobets
