#include "autobets/service.h"

#include <gtest/gtest.h>

#include "autobets/sqlite_store.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::query_int;
using testing::TempDb;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open(db_.path());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(*store);
    auto engine = Engine::open(*store_);
    ASSERT_TRUE(engine.has_value()) << engine.error().message();
    engine_ = std::move(*engine);
    service_ = std::make_unique<Service>(*store_, engine_.get());
    deposit("alice", 1000, "d-alice");
    deposit("bob", 1000, "d-bob");
  }
  void deposit(const std::string& user, Amount amount, const std::string& key) {
    auto reply = service_->transfer(Caller::console(),
                                    TransferRequest{user, RecordKind::kDeposit, amount, key});
    ASSERT_TRUE(reply.has_value() && reply->ok());
  }
  std::int64_t ledger_rows() { return query_int(db_.path(), "SELECT count(*) FROM ledger"); }

  TempDb db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Service> service_;
  const Caller alice_{Scope::kPlay, "alice"};
  const Caller backend_{Scope::kService, ""};
};

TEST_F(ServiceTest, APlayCallerActsForItsOwnUserOnly) {
  auto own = service_->wager(alice_, WagerRequest{"alice", "w1", 10, "coin", "heads"});
  ASSERT_TRUE(own.has_value());
  EXPECT_TRUE(own->ok()) << own->message;
  auto rows = ledger_rows();
  auto other = service_->wager(alice_, WagerRequest{"bob", "w1", 10, "coin", "heads"});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().kind, ServiceError::Kind::kForbidden);
  auto pay = service_->transfer(alice_, UserTransfer{"bob", "alice", 5, "t1"});
  ASSERT_FALSE(pay.has_value());
  EXPECT_EQ(pay.error().kind, ServiceError::Kind::kForbidden);
  EXPECT_FALSE(service_->balance(alice_, "bob").has_value());
  EXPECT_FALSE(service_->history(alice_, "bob", 10, 0).has_value());
  EXPECT_EQ(ledger_rows(), rows);
  // Another user's record reads as absent, not as forbidden.
  auto bobs_deposit = service_->record(alice_, 2, false);
  ASSERT_FALSE(bobs_deposit.has_value());
  EXPECT_EQ(bobs_deposit.error().kind, ServiceError::Kind::kNotFound);
  EXPECT_TRUE(service_->record(backend_, 2, false).has_value());
}

TEST_F(ServiceTest, OnlyAdminMovesMoneyInAndOutAndManagesAnyonesSeeds) {
  for (const Caller& caller : {alice_, backend_}) {
    auto refused =
        service_->transfer(caller, TransferRequest{"alice", RecordKind::kCredit, 5,
                                                   "c-" + std::string(to_string(caller.scope))});
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().kind, ServiceError::Kind::kForbidden);
  }
  EXPECT_FALSE(service_->seeds(backend_, "alice").has_value());
  EXPECT_FALSE(service_->rotate_seed(backend_, "alice", std::nullopt).has_value());
  EXPECT_TRUE(service_->seeds(alice_, "alice").has_value());
  EXPECT_TRUE(service_->seeds(Caller::console(), "bob").has_value());
  auto rotated = service_->rotate_seed(alice_, "alice", std::string("mine"));
  ASSERT_TRUE(rotated.has_value()) << rotated.error().message;
  EXPECT_EQ(rotated->snapshot.seed.client_seed, "mine");
  EXPECT_FALSE(rotated->revealed.server_seed.empty());
}

TEST_F(ServiceTest, UnknownUsersAreNamed) {
  auto balance = service_->balance(backend_, "carol");
  ASSERT_FALSE(balance.has_value());
  EXPECT_EQ(balance.error().kind, ServiceError::Kind::kUnknownUser);
  EXPECT_NE(balance.error().message.find("carol"), std::string::npos);
  auto rotated = service_->rotate_seed(Caller::console(), "carol", std::nullopt);
  ASSERT_FALSE(rotated.has_value());
  EXPECT_EQ(rotated.error().kind, ServiceError::Kind::kUnknownUser);
}

TEST_F(ServiceTest, HistoryPagesWalkEveryRecordOnceNewestFirst) {
  for (int i = 0; i < 23; ++i) {
    auto reply =
        service_->wager(alice_, WagerRequest{"alice", "w" + std::to_string(i), 1, "coin", "tails"});
    ASSERT_TRUE(reply.has_value() && reply->ok());
  }
  std::vector<Seq> seen;
  Seq before = 0;
  int pages = 0;
  do {
    auto page = service_->history(alice_, "alice", 5, before);
    ASSERT_TRUE(page.has_value()) << page.error().message;
    ASSERT_LE(page->records.size(), 5u);
    for (const auto& record : page->records) seen.push_back(record.seq);
    before = page->next_before;
    ++pages;
  } while (before != 0);
  EXPECT_EQ(pages, 5);  // 24 records (the deposit and 23 wagers), 5 per page
  ASSERT_EQ(seen.size(), 24u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

TEST_F(ServiceTest, VerifyingEveryWagerIsForAdmin) {
  auto placed = service_->wager(backend_, WagerRequest{"bob", "w1", 10, "dice", "over 50"});
  ASSERT_TRUE(placed.has_value() && placed->ok());
  EXPECT_FALSE(service_->verify(backend_, 0).has_value());
  auto one = service_->verify(backend_, placed->record->seq);
  ASSERT_TRUE(one.has_value()) << one.error().message;
  EXPECT_TRUE(one->ok());
  EXPECT_EQ(one->wagers, 1u);
  auto deposit = service_->verify(backend_, 1);
  ASSERT_FALSE(deposit.has_value());
  EXPECT_EQ(deposit.error().kind, ServiceError::Kind::kNotFound);
}

TEST(ServiceReadOnlyTest, WithoutAnEngineMoneyOperationsAreUnavailable) {
  TempDb db;
  auto store = SqliteStore::open(db.path());
  ASSERT_TRUE(store.has_value());
  Service service(**store, nullptr);
  auto reply = service.wager(Caller::console(), WagerRequest{"a", "k", 1, "coin", "heads"});
  ASSERT_FALSE(reply.has_value());
  EXPECT_EQ(reply.error().kind, ServiceError::Kind::kUnavailable);
}

}  // namespace
}  // namespace autobets
