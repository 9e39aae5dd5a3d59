#include "autobets/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "autobets/audit.h"
#include "autobets/sqlite_store.h"
#include "autobets/testing/test_db.h"

namespace autobets {
namespace {

using testing::exec_sql;
using testing::query_int;
using testing::TempDb;

// HMAC that fails while `failing` is set.
class FlakyHasher final : public FairHasher {
 public:
  core::Result<Block> hmac_sha256(std::string_view key, std::string_view message) override {
    if (failing) return core::fail(core::ErrorCode::kInternal, "injected RNG failure");
    return OpenSslHasher::instance().hmac_sha256(key, message);
  }
  std::atomic<bool> failing = false;
};

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open(std::size_t max_in_flight = 1 << 16) {
    engine_.reset();
    store_.reset();
    SqliteStoreOptions options;
    options.fault = [this](FaultPoint point) -> core::Status {
      if (fault_hook_) return fault_hook_(point);
      return core::ok_status();
    };
    auto store = SqliteStore::open(db_.path(), options);
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(*store);
    EngineOptions engine_options;
    engine_options.hasher = &hasher_;
    engine_options.max_in_flight = max_in_flight;
    auto engine = Engine::open(*store_, engine_options);
    ASSERT_TRUE(engine.has_value()) << engine.error().message();
    engine_ = std::move(*engine);
  }

  Reply deposit(const std::string& user, Amount amount, const std::string& key = "") {
    return engine_->transfer(
        {user, RecordKind::kDeposit, amount, key.empty() ? "dep-" + std::to_string(++keys_) : key});
  }
  Reply wager(const std::string& user, Amount amount, const std::string& game = "coin",
              const std::string& params = "heads", const std::string& key = "") {
    return engine_->wager(
        {user, key.empty() ? "w-" + std::to_string(++keys_) : key, amount, game, params});
  }
  Amount durable_balance(const std::string& user) {
    return query_int(db_.path(), "SELECT balance FROM accounts WHERE user_id = '" + user + "'");
  }
  std::int64_t ledger_rows() { return query_int(db_.path(), "SELECT count(*) FROM ledger"); }
  void expect_consistent() {
    auto report = replay(*store_);
    ASSERT_TRUE(report.has_value());
    for (const auto& line : report->mismatches) ADD_FAILURE() << line;
    auto verified = verify(*store_, OpenSslHasher::instance(), 0);
    ASSERT_TRUE(verified.has_value());
    for (const auto& line : verified->failures) ADD_FAILURE() << line;
  }

  TempDb db_;
  FlakyHasher hasher_;
  std::function<core::Status(FaultPoint)> fault_hook_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Engine> engine_;
  int keys_ = 0;
};

TEST_F(EngineTest, WagerMovesTheBalanceByTheRecordedOutcome) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  Reply reply = wager("alice", 100, "dice", "under 50");
  ASSERT_TRUE(reply.ok()) << reply.message;
  const LedgerRecord& r = *reply.record;
  EXPECT_EQ(r.seq, 2);
  EXPECT_EQ(r.balance_before, 1000);
  EXPECT_EQ(r.balance_after, 1000 - 100 + r.payout);
  EXPECT_EQ(r.payout, r.outcome < 5000 ? 198 : 0);
  EXPECT_EQ(r.nonce, 0);
  EXPECT_EQ(r.commitment, sha256_hex(store_->seed(r.commitment)->value().server_seed));
  EXPECT_EQ(durable_balance("alice"), r.balance_after);
  EXPECT_EQ(wager("alice", 1).record->nonce, 1);
  expect_consistent();
}

TEST_F(EngineTest, RejectsBadRequestsWithStableCodesAndChangesNothing) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  auto rows = ledger_rows();
  EXPECT_EQ(wager("alice", 0).code, ReplyCode::kAmountNotPositive);
  EXPECT_EQ(wager("alice", -5).code, ReplyCode::kAmountNotPositive);
  EXPECT_EQ(wager("alice", 2'000'000'000).code, ReplyCode::kAmountAboveMaximum);
  EXPECT_EQ(wager("alice", 10, "roulette", "red").code, ReplyCode::kUnknownGame);
  EXPECT_EQ(wager("alice", 10, "dice", "over 99.99").code, ReplyCode::kInvalidParams);
  EXPECT_EQ(wager("nobody", 10).code, ReplyCode::kUnknownUser);
  EXPECT_EQ(wager("bad user", 10).code, ReplyCode::kInvalidUserId);
  EXPECT_EQ(wager("alice", 1001).code, ReplyCode::kInsufficientBalance);
  EXPECT_EQ(engine_->transfer({"alice", RecordKind::kWithdrawal, 1001, "wd"}).code,
            ReplyCode::kInsufficientBalance);
  EXPECT_EQ(deposit("alice", INT64_MAX).code, ReplyCode::kBalanceOverflow);
  EXPECT_EQ(ledger_rows(), rows);
  EXPECT_EQ(durable_balance("alice"), 1000);
  EXPECT_EQ(engine_->active_locks(), 0u);
}

// Failure mode: ledger write fails mid-wager -> balance unchanged, wager rejected.
TEST_F(EngineTest, FailureMode_LedgerWriteFails) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  fault_hook_ = [](FaultPoint point) -> core::Status {
    if (point == FaultPoint::kBeforeLedgerWrite) return core::fail(core::ErrorCode::kIo, "disk");
    return core::ok_status();
  };
  Reply failed = wager("alice", 100);
  EXPECT_EQ(failed.code, ReplyCode::kLedgerWriteFailed);
  EXPECT_TRUE(is_retryable(failed.code));
  EXPECT_EQ(durable_balance("alice"), 1000);
  EXPECT_EQ(ledger_rows(), 1);
  fault_hook_ = nullptr;
  // The next wager starts from the untouched balance and the same nonce.
  Reply next = wager("alice", 100);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.record->balance_before, 1000);
  EXPECT_EQ(next.record->nonce, 0);
  expect_consistent();
}

// Failure mode: the balance change fails after the ledger write. Both are in one
// transaction, so the injected failure leaves neither.
TEST_F(EngineTest, FailureMode_BalanceWriteFailsAfterTheLedgerWrite) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  fault_hook_ = [&](FaultPoint point) -> core::Status {
    if (point != FaultPoint::kBeforeBalanceWrite) return core::ok_status();
    return core::fail(core::ErrorCode::kIo, "balance update failed");
  };
  EXPECT_EQ(wager("alice", 100).code, ReplyCode::kLedgerWriteFailed);
  EXPECT_EQ(ledger_rows(), 1);
  EXPECT_EQ(durable_balance("alice"), 1000);
  fault_hook_ = nullptr;
  EXPECT_EQ(wager("alice", 100).record->balance_before, 1000);
  expect_consistent();
}

// Orphans (a durable ledger record whose balance change is missing, e.g. a record restored
// from a backup or written by another tool) are applied by reconcile when the engine opens.
TEST_F(EngineTest, FailureMode_OrphanIsFoundAndAppliedByReconcile) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  engine_.reset();
  ASSERT_EQ(testing::insert_orphan_credit(db_.path(), "alice", "restored", 250, 1000), "");
  auto before = replay(*store_);
  ASSERT_TRUE(before.has_value());
  EXPECT_FALSE(before->ok());  // replay sees the account lagging the ledger
  open();                      // Engine::open reconciles
  EXPECT_EQ(durable_balance("alice"), 1250);
  EXPECT_EQ(wager("alice", 1250).record->balance_before, 1250);
  expect_consistent();
  auto again = reconcile(*store_);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->orphans_applied, 0u);
}

// An orphan that does not continue the chain cannot even be written: the schema refuses it
// (reconcile would refuse it too, as corruption).
TEST_F(EngineTest, AnOrphanThatBreaksTheBalanceChainIsRefusedByTheSchema) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  engine_.reset();
  EXPECT_NE(testing::insert_orphan_credit(db_.path(), "alice", "forged", 5, 7).find("chain"),
            std::string::npos);
  auto report = reconcile(*store_);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->orphans_applied, 0u);
  EXPECT_EQ(durable_balance("alice"), 1000);
}

// Failure mode: RNG fails -> rejected before any state changes, no lock left held.
TEST_F(EngineTest, FailureMode_RngFails) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  hasher_.failing = true;
  Reply failed = wager("alice", 100);
  EXPECT_EQ(failed.code, ReplyCode::kRngFailed);
  EXPECT_EQ(engine_->active_locks(), 0u);
  EXPECT_EQ(ledger_rows(), 1);
  EXPECT_EQ(durable_balance("alice"), 1000);
  hasher_.failing = false;
  // The lock is free (this would hang otherwise) and the nonce did not advance.
  Reply next = wager("alice", 100);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.record->nonce, 0);
  EXPECT_EQ(next.record->balance_before, 1000);
}

// Failure mode: two (here: many) wagers of one user at once -> strictly serial, each sees
// the previous one's result.
TEST_F(EngineTest, FailureMode_ConcurrentWagersOfOneUserAreStrictlySerial) {
  ASSERT_TRUE(deposit("alice", 1'000'000).ok());
  constexpr int kThreads = 8, kEach = 250;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        Reply reply = engine_->wager(
            {"alice", "t" + std::to_string(t) + "-" + std::to_string(i), 10, "dice", "over 49.99"});
        EXPECT_TRUE(reply.ok()) << reply.message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto history = store_->history("alice", 100000);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), size_t{kThreads * kEach + 1});
  std::reverse(history->begin(), history->end());
  for (std::size_t i = 1; i < history->size(); ++i) {
    EXPECT_EQ((*history)[i].balance_before, (*history)[i - 1].balance_after) << "at " << i;
    EXPECT_EQ((*history)[i].nonce, static_cast<std::int64_t>(i - 1));
  }
  expect_consistent();
}

// Failure mode: wagers above the balance under any concurrency -> never an overdraft.
TEST_F(EngineTest, FailureMode_NoOverdraftUnderConcurrency) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  constexpr int kThreads = 16;
  std::atomic<int> accepted = 0, insufficient = 0;
  std::atomic<Amount> paid = 0;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < 40; ++i) {
        // A 1,000,000x limbo target almost never wins (about 1 in a million), so 640 stakes
        // of 90 race for a balance that covers 11 of them.
        Reply reply = engine_->wager(
            {"alice", "t" + std::to_string(t) + "-" + std::to_string(i), 90, "limbo", "1000000"});
        if (reply.ok()) {
          ++accepted;
          paid += reply.record->payout;
        }
        if (reply.code == ReplyCode::kInsufficientBalance) ++insufficient;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (paid == 0) {
    EXPECT_EQ(accepted, 11);
    EXPECT_EQ(insufficient, kThreads * 40 - 11);
    EXPECT_EQ(durable_balance("alice"), 1000 - 11 * 90);
  }
  EXPECT_GE(durable_balance("alice"), 0);
  auto history = store_->history("alice", 100000);
  for (const auto& record : *history) {
    EXPECT_GE(record.balance_before, record.kind == RecordKind::kWager ? record.amount : 0);
    EXPECT_GE(record.balance_after, 0);
  }
  expect_consistent();
}

TEST_F(EngineTest, RepeatedKeyReturnsTheFirstReceiptAndAReusedKeyIsAnError) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  Reply first = wager("alice", 100, "coin", "heads", "order-1");
  ASSERT_TRUE(first.ok());
  Reply repeat = wager("alice", 100, "coin", "heads", "order-1");
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat.duplicate);
  EXPECT_EQ(repeat.record->seq, first.record->seq);
  EXPECT_EQ(repeat.record->outcome, first.record->outcome);
  EXPECT_EQ(wager("alice", 200, "coin", "heads", "order-1").code, ReplyCode::kIdempotencyKeyReused);
  EXPECT_EQ(ledger_rows(), 2);
}

// A transfer to a new recipient whose key the sender already used is refused when its commit
// finds the key (engines do not look new keys up first). The recipient's first seed was queued
// with the pair, so it is refused with it: no account appears for a payment that never
// happened. Many times, since the commit thread once could take the seed on its own.
TEST_F(EngineTest, ATransferRefusedForAReusedKeyCreatesNoRecipientAccount) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  for (int i = 0; i < 30; ++i) {
    const std::string key = "order-" + std::to_string(i);
    ASSERT_TRUE(wager("alice", 1, "coin", "heads", key).ok());
    const std::string recipient = "new-" + std::to_string(i);
    Reply reply = engine_->transfer(UserTransfer{"alice", recipient, 6, key});
    ASSERT_EQ(reply.code, ReplyCode::kIdempotencyKeyReused) << i << ": " << reply.message;
    auto account = store_->load(recipient);
    ASSERT_TRUE(account.has_value());
    ASSERT_FALSE(account->has_value())
        << recipient << " has an account; reply " << reply.message << " balance "
        << (*account)->account.balance << " seeds "
        << query_int(db_.path(), "SELECT count(*) FROM seeds WHERE user_id = '" + recipient + "'")
        << " records "
        << query_int(db_.path(), "SELECT count(*) FROM ledger WHERE user_id = '" + recipient + "'");
  }
  // The same payment with a fresh key goes through, recipient account and all.
  Reply paid = engine_->transfer(UserTransfer{"alice", "new-0", 6, "pay-0"});
  ASSERT_TRUE(paid.ok()) << paid.message;
  EXPECT_EQ(durable_balance("new-0"), 6);
  expect_consistent();
}

// A fresh engine (a restarted server, another CLI process) does not look a new key up before
// queueing it; the store reports a key already in the ledger. A repeat of an accepted
// withdrawal the balance can no longer cover is still answered with the first receipt, and
// a repeated wager with its first outcome.
TEST_F(EngineTest, RepeatAfterReopeningReturnsTheFirstReceiptNotTodaysVerdict) {
  ASSERT_TRUE(deposit("alice", 100).ok());
  Reply withdrawal = engine_->transfer({"alice", RecordKind::kWithdrawal, 100, "cash-out"});
  ASSERT_TRUE(withdrawal.ok()) << withdrawal.message;
  ASSERT_TRUE(deposit("alice", 50).ok());
  Reply played = wager("alice", 10, "coin", "heads", "bet-1");
  ASSERT_TRUE(played.ok());
  open();
  Reply again = engine_->transfer({"alice", RecordKind::kWithdrawal, 100, "cash-out"});
  ASSERT_TRUE(again.ok()) << again.message;
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.record->seq, withdrawal.record->seq);
  Reply replayed = wager("alice", 10, "coin", "heads", "bet-1");
  ASSERT_TRUE(replayed.ok()) << replayed.message;
  EXPECT_TRUE(replayed.duplicate);
  EXPECT_EQ(replayed.record->seq, played.record->seq);
  EXPECT_EQ(replayed.record->outcome, played.record->outcome);
  EXPECT_EQ(wager("alice", 20, "coin", "heads", "bet-1").code, ReplyCode::kIdempotencyKeyReused);
  // The next new wager continues from the durable state.
  Reply next = wager("alice", 10);
  ASSERT_TRUE(next.ok()) << next.message;
  EXPECT_EQ(next.record->nonce, 1);
  EXPECT_EQ(ledger_rows(), 5);
  expect_consistent();
}

TEST_F(EngineTest, ConcurrentRepeatsOfOneKeyWriteOneRecord) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<Reply> replies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      replies[t] = wager("alice", 100, "limbo", "2.00", "same-key");
    });
  }
  for (auto& thread : threads) thread.join();
  int duplicates = 0;
  for (auto& reply : replies) {
    ASSERT_TRUE(reply.ok()) << reply.message;
    EXPECT_EQ(reply.record->seq, replies[0].record->seq);
    duplicates += reply.duplicate;
  }
  EXPECT_EQ(duplicates, kThreads - 1);
  EXPECT_EQ(ledger_rows(), 2);
}

// When a commit fails, requests of the same user queued behind it (which saw its effects)
// fail too, and the user's state is re-read: no accepted record depends on a failed one.
TEST_F(EngineTest, FailedCommitFailsTheUsersDependentRequests) {
  ASSERT_TRUE(deposit("alice", 100'000).ok());
  ASSERT_TRUE(deposit("bob", 100'000).ok());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocked_once = false;
  std::latch in_commit(1);
  fault_hook_ = [&](FaultPoint point) -> core::Status {
    if (point != FaultPoint::kBeforeCommit || blocked_once.exchange(true)) {
      return core::ok_status();
    }
    in_commit.count_down();
    released.wait();  // hold the first commit open while more requests queue behind it
    return core::fail(core::ErrorCode::kIo, "injected commit failure");
  };
  std::vector<std::future<Reply>> first;
  auto submit = [&](const std::string& user, int i) {
    auto promise = std::make_shared<std::promise<Reply>>();
    auto future = promise->get_future();
    engine_->submit_wager({user, user + "-" + std::to_string(i), 1000, "coin", "heads"},
                          [promise](Reply reply) { promise->set_value(std::move(reply)); });
    return future;
  };
  first.push_back(submit("alice", 0));
  in_commit.wait();
  std::vector<std::future<Reply>> queued;
  for (int i = 1; i <= 5; ++i) queued.push_back(submit("alice", i));
  for (int i = 0; i < 5; ++i) queued.push_back(submit("bob", i));
  release.set_value();
  EXPECT_EQ(first[0].get().code, ReplyCode::kLedgerWriteFailed);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(queued[i].get().code, ReplyCode::kLedgerWriteFailed) << "alice " << i + 1;
  }
  for (int i = 5; i < 10; ++i) EXPECT_TRUE(queued[i].get().ok()) << "bob " << i - 5;
  EXPECT_EQ(durable_balance("alice"), 100'000);
  Reply after = wager("alice", 1000);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.record->balance_before, 100'000);
  EXPECT_EQ(after.record->nonce, 0);
  expect_consistent();
}

TEST_F(EngineTest, RotationRevealsTheOldSeedAndRestartsTheNonce) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  Reply before = wager("alice", 10);
  ASSERT_TRUE(before.ok());
  auto revealed = engine_->rotate_seed("alice", "my-client-seed");
  ASSERT_TRUE(revealed.has_value()) << revealed.error().message();
  EXPECT_EQ(revealed->commitment, before.record->commitment);
  EXPECT_EQ(sha256_hex(revealed->server_seed), before.record->commitment);
  Reply after = wager("alice", 10);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after.record->commitment, before.record->commitment);
  EXPECT_EQ(after.record->client_seed, "my-client-seed");
  EXPECT_EQ(after.record->nonce, 0);
  auto seeds = store_->seeds("alice");
  ASSERT_EQ(seeds->size(), 2u);
  EXPECT_TRUE((*seeds)[0].revealed_at_us.has_value());
  EXPECT_FALSE((*seeds)[1].revealed_at_us.has_value());
  auto verified = verify(*store_, OpenSslHasher::instance(), before.record->seq);
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->unrevealed, 0u);
  EXPECT_FALSE(engine_->rotate_seed("nobody").has_value());
}

// Regression: rotate_seed took its admission slot while holding the user lock. With the
// window full and a commit failing, the commit thread then waited for that lock while the
// rotation waited for a slot only the commit thread frees.
TEST_F(EngineTest, RotationWaitingForASlotDoesNotDeadlockAFailingCommit) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  open(/*max_in_flight=*/1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::latch in_commit(1);
  std::atomic<bool> blocked_once = false;
  fault_hook_ = [&](FaultPoint point) -> core::Status {
    if (point != FaultPoint::kBeforeCommit || blocked_once.exchange(true)) {
      return core::ok_status();
    }
    in_commit.count_down();
    released.wait();
    return core::fail(core::ErrorCode::kIo, "injected commit failure");
  };
  std::promise<Reply> wagered;
  engine_->submit_wager({"alice", "w-slot", 10, "coin", "heads"},
                        [&](Reply reply) { wagered.set_value(std::move(reply)); });
  in_commit.wait();  // the only slot is now held by the wager being committed
  auto rotation = std::async(std::launch::async, [&] { return engine_->rotate_seed("alice"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it queue for the slot
  release.set_value();
  EXPECT_EQ(wagered.get_future().get().code, ReplyCode::kLedgerWriteFailed);
  auto rotated = rotation.get();  // hangs here (test timeout) if the deadlock returns
  ASSERT_TRUE(rotated.has_value()) << rotated.error().message();
  EXPECT_EQ(engine_->active_locks(), 0u);
}

TEST_F(EngineTest, StateSurvivesReopening) {
  ASSERT_TRUE(deposit("alice", 1000).ok());
  Reply first = wager("alice", 10);
  open();
  Reply second = wager("alice", 10);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.record->balance_before, first.record->balance_after);
  EXPECT_EQ(second.record->nonce, 1);
  EXPECT_EQ(second.record->commitment, first.record->commitment);
  expect_consistent();
}

}  // namespace
}  // namespace autobets

namespace autobets {
namespace {

// Two engines on one database (as two processes would be: separate connections, separate
// caches) hammering one user: exactly the affordable wagers are accepted, no request fails
// because the other engine moved first, and the ledger is one chain.
TEST(TwoEngines, OneHotUserNeverOverdrawsAndNoRequestFailsByConflict) {
#ifdef PROJECT_SANITIZED
  constexpr int kPerThread = 15;
#else
  constexpr int kPerThread = 60;
#endif
  constexpr int kThreads = 4;
  TempDb db;
  std::vector<std::unique_ptr<SqliteStore>> stores;
  std::vector<std::unique_ptr<Engine>> engines;
  for (int e = 0; e < 2; ++e) {
    auto store = SqliteStore::open(db.path());
    ASSERT_TRUE(store.has_value());
    auto engine = Engine::open(**store);
    ASSERT_TRUE(engine.has_value());
    stores.push_back(std::move(*store));
    engines.push_back(std::move(*engine));
  }
  // Affordable: half of all the wagers (each loses: limbo 1000000.00 practically never wins).
  const Amount affordable = kThreads * kPerThread;  // of the 2 * kThreads * kPerThread sent
  ASSERT_TRUE(engines[0]->transfer({"hot", RecordKind::kDeposit, affordable * 10, "d"}).ok());
  std::atomic<int> accepted = 0, refused = 0, other = 0;
  std::vector<std::thread> threads;
  for (int e = 0; e < 2; ++e) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, e, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string key =
              "e" + std::to_string(e) + "t" + std::to_string(t) + "i" + std::to_string(i);
          Reply reply = engines[e]->wager({"hot", key, 10, "limbo", "1000000.00"});
          if (reply.ok()) {
            ++accepted;
          } else if (reply.code == ReplyCode::kInsufficientBalance) {
            ++refused;
          } else {
            ++other;
            ADD_FAILURE() << to_string(reply.code) << ": " << reply.message;
          }
          // Seed changes race the other engine's wagers too.
          if (i % 10 == 5) {
            auto rotated = engines[e]->rotate_seed("hot");
            EXPECT_TRUE(rotated.has_value()) << rotated.error().message();
          }
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), affordable);
  EXPECT_EQ(refused.load(), affordable);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(engines[0]->conflicts() + engines[1]->conflicts(), 0u);
  engines.clear();
  EXPECT_EQ(query_int(db.path(), "SELECT balance FROM accounts WHERE user_id = 'hot'"), 0);
  auto report = replay(*stores[0]);
  ASSERT_TRUE(report.has_value());
  for (const auto& line : report->mismatches) ADD_FAILURE() << line;
  auto verified = verify(*stores[0], OpenSslHasher::instance(), 0);
  ASSERT_TRUE(verified.has_value());
  EXPECT_TRUE(verified->ok());
}

}  // namespace
}  // namespace autobets
