// The wager engine. Every request runs this pipeline (autobets/docs/ledger.md):
//
//   pre-lock validation (format, limits, payout cap, a racy fast check of the balance)
//   -> acquire the user's lock -> read the user's balance inside the lock
//   -> validate against it (the check that prevents overdrafts)
//   -> generate the outcome (a failure exits here; nothing was touched)
//   -> write the ledger record (queue it for the next durable commit; a failure stops)
//   -> change the user's working balance -> release the lock
//   ... the commit thread makes the record and the balance change durable together,
//   then completes the request.
//
// Several engines (threads of one process, or processes) may share one store: each commit
// names the account versions it was computed from, and when the store refuses it because
// another engine moved first, the engine re-reads those users and runs their requests'
// in-lock steps again, so no request fails or is answered from a state that was not
// current (docs/ledger.md, "Several engines on one database").
//
// Group commit: records of many users share one durable SQLite transaction. A user's next
// request may run before the previous one is durable (it sees the previous one's result),
// but no reply is given before its own record is durable, and if a commit fails every
// pending request that saw its effects fails too and the user's state is re-read from the
// store, so no caller ever observes a balance change without a durable ledger record.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "autobets/fairness.h"
#include "autobets/model.h"
#include "autobets/store.h"
#include "core/clock.h"
#include "core/status.h"

namespace autobets {

struct WagerRequest {
  std::string user;
  std::string idempotency_key;
  Amount amount = 0;
  std::string game;    // "dice", "coin", "limbo"
  std::string params;  // e.g. "over 49.50", "heads", "2.00"
};

// A deposit, withdrawal or admin credit. Deposits and credits create the account.
struct TransferRequest {
  std::string user;
  RecordKind kind = RecordKind::kDeposit;
  Amount amount = 0;
  std::string idempotency_key;
};

// A transfer between two users (a `/pay`): one commit moves both balances or neither. The
// idempotency key belongs to the sender. The recipient's account is created if needed.
struct UserTransfer {
  std::string from;
  std::string to;
  Amount amount = 0;
  std::string idempotency_key;
};

struct EngineOptions {
  FairHasher* hasher = &OpenSslHasher::instance();       // must outlive the engine
  EntropySource* entropy = &OpenSslEntropy::instance();  // must outlive the engine
  core::Clock* clock = &core::SystemClock::instance();   // must outlive the engine
  std::size_t max_in_flight = 1 << 16;                   // requests admitted but not yet durable
  // How long the commit thread may wait, once a batch is answered, for that batch's clients
  // to send their next requests, so closed-loop clients (a request, its answer, the next
  // one) share one commit instead of alternating between two. It stops waiting as soon as
  // the queue holds as many ops as the answered batch plus what was queued meanwhile. Zero:
  // commit whatever is queued at once.
  std::chrono::microseconds gather_window{0};
};

// Called exactly once per request: on the submitting thread for rejections, on the commit
// thread once the result is durable (or failed). Must be quick and must not call into the
// engine: a submit from the commit thread could wait for an admission slot that only the
// commit thread can free. Hand follow-up work to another thread instead.
using Completion = std::function<void(Reply)>;

class Engine {
 public:
  // Reconciles the store (applies orphaned ledger records), then starts the commit thread.
  // `store` must outlive the engine. Fails if the store cannot be read or reconciled.
  static core::Result<std::unique_ptr<Engine>> open(Store& store, EngineOptions options = {});
  // Stops accepting requests, makes everything accepted durable (or failed), then returns.
  ~Engine();

  // Asynchronous forms. Thread safe; many threads may submit at once.
  void submit_wager(WagerRequest request, Completion done);
  void submit_transfer(TransferRequest request, Completion done);
  // Blocking forms: submit and wait for the reply.
  Reply wager(WagerRequest request);
  Reply transfer(TransferRequest request);
  // Transfers between users. Both users' locks are taken in one global order (by user id),
  // so no traffic can deadlock. Rejections: kSelfTransfer, kUnknownUser (sender),
  // kInsufficientBalance, kBalanceOverflow (recipient), kIdempotencyKeyReused. The reply's
  // record is the sender's transfer_out.
  void submit_transfer(UserTransfer request, Completion done);
  Reply transfer(UserTransfer request);

  // Replaces the user's seed pair: reveals the current server seed and activates the server
  // seed whose commitment was published before (Snapshot::next_seed) with `client_seed` (or
  // a random one) and nonce 0, then publishes the commitment of the following one. So the
  // operator never picks a server seed after seeing the client seed. Returns the revealed
  // seed.
  core::Result<SeedRecord> rotate_seed(std::string_view user,
                                       std::optional<std::string> client_seed = std::nullopt);

  const Limits& limits() const;
  // Keys currently held or awaited in the per-user lock table (0 when idle).
  std::size_t active_locks() const;
  // Commits the store refused because another engine had moved one of their users first.
  std::uint64_t conflicts() const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace autobets
