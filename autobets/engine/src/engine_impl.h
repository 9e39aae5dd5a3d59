// Internal to the engine: the per-user state, the commit queue, and the in-lock steps of
// the pipeline that engine.cc (requests) and committer.cc (the commit thread) share.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "autobets/engine.h"
#include "autobets/games.h"
#include "core/keyed_lock_table.h"

namespace autobets {

constexpr std::size_t kStateShards = 64;

// Set on the commit thread while it runs requests again after a conflict: those were
// accepted before the engine began closing, so they are queued even while it closes.
inline thread_local bool redoing_on_this_thread = false;

// Requests waiting on one pending record: the submitter and any repeats of its key.
struct Waiters {
  RequestShape first;  // what the key was first used for
  std::vector<Completion> repeats;
};

// What the engine knows of one user. The fields marked "user lock" are read and written
// only while holding the user's entry in Engine::Impl::locks.
struct UserState {
  explicit UserState(std::string id) : user(std::move(id)) {}
  const std::string user;
  bool loaded = false;          // user lock
  bool exists = false;          // user lock
  Amount balance = 0;           // user lock; includes pending (not yet durable) records
  std::int64_t next_nonce = 0;  // user lock
  std::int64_t version = 0;     // user lock; the account version after the queued ops
  SeedRecord seed;              // user lock
  SeedRecord next_seed;         // user lock; published, activated by the next seed change
  // Last known balance for the pre-lock fast reject; -1 when unknown. Racy by design: the
  // in-lock check is the one that prevents overdrafts.
  std::atomic<Amount> balance_hint{-1};
  // Ops of this user queued or being committed. Incremented under the user lock, decremented
  // by the commit thread; 0 means the cached state holds nothing the store lacks.
  std::atomic<int> queued{0};

  std::mutex pending_mutex;
  std::unordered_map<std::string, std::shared_ptr<Waiters>> pending;  // pending_mutex
};

// A queued op and who to tell when it is durable.
struct OpMeta {
  UserState* user = nullptr;
  Completion done;                   // empty for internal ops (a first seed, a transfer_in)
  std::shared_ptr<Waiters> waiters;  // set for the request's own ledger record
  UserState* partner = nullptr;      // the other user of a transfer
  // Runs the request's in-lock steps again on freshly loaded state (after a conflict), given
  // `waiters`. Requires the locks of the op's user and partner held. Empty for internal ops:
  // the redo of their request queues them again.
  using Redo = std::function<void(std::shared_ptr<Waiters>)>;
  Redo redo;
};

struct Engine::Impl {
  using Guard = core::KeyedLockTable<std::string>::Guard;

  Store* store = nullptr;
  EngineOptions options;
  Limits limits;
  core::KeyedLockTable<std::string> locks;
  std::counting_semaphore<> in_flight{0};

  struct StateShard {
    std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<UserState>> users;  // mutex
  };
  std::array<StateShard, kStateShards> states;

  std::mutex queue_mutex;
  std::condition_variable queue_ready;
  std::vector<StoreOp> queue_ops;   // queue_mutex
  std::vector<OpMeta> queue_metas;  // queue_mutex, parallel to queue_ops
  bool closing = false;             // queue_mutex
  std::thread committer;

  // A committed batch, handed by the commit thread to the completion thread, which answers
  // its requests and frees it while the commit thread writes the next batch (answering and
  // freeing cost about a tenth of the commit thread's time, in atomics, wake-ups and frees
  // of memory the workers allocated).
  struct DoneBatch {
    std::vector<StoreOp> ops;
    std::vector<OpMeta> metas;
    std::vector<Seq> seqs;
  };
  std::mutex done_mutex;
  std::condition_variable done_ready;
  std::deque<DoneBatch> done_queue;  // done_mutex
  bool committer_finished = false;   // done_mutex
  std::thread completer;
  std::atomic<std::uint64_t> conflicts{0};  // commits refused because another engine moved

  explicit Impl(std::size_t max_in_flight)
      : in_flight(static_cast<std::ptrdiff_t>(max_in_flight)) {}

  StateShard& shard_for(std::string_view user) {
    return states[std::hash<std::string_view>{}(user) % kStateShards];
  }
  UserState* find_state(std::string_view user) {
    auto& shard = shard_for(user);
    std::lock_guard lock(shard.mutex);
    auto it = shard.users.find(std::string(user));
    return it == shard.users.end() ? nullptr : it->second.get();
  }
  UserState& state_for(const std::string& user) {
    auto& shard = shard_for(user);
    std::lock_guard lock(shard.mutex);
    auto& slot = shard.users[user];
    if (!slot) slot = std::make_unique<UserState>(user);
    return *slot;
  }

  std::int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               options.clock->wall_now().time_since_epoch())
        .count();
  }

  // Requires the user lock. Reads the user's durable state if not cached.
  core::Status ensure_loaded(UserState& state);
  // Requires the user lock. When nothing of the user is queued, re-reads the durable state
  // (another engine may have moved it); used before rejecting on the cached state, so a
  // rejection is never based on a balance another process has since changed.
  core::Status refresh_if_idle(UserState& state);

  // The user's lock, held, with the user's state loaded.
  struct Locked {
    Guard guard;
    UserState* state;
  };
  // Takes an admission slot, then the user's lock, then loads the user's state. On a
  // failure to read the store, completes `done` and returns nullopt with nothing held.
  std::optional<Locked> admit_and_lock(const std::string& user, const Completion& done);

  // A fresh server seed (no client seed) for `user`.
  core::Result<SeedRecord> new_server_seed(const std::string& user);
  // Requires the user lock. The seed change that activates the user's published next seed
  // with `client_seed` (random if absent), or a first pair for a new user, and publishes a
  // new next seed.
  core::Result<StoreOp> seed_change(UserState& state, std::optional<std::string> client_seed);

  // Requires the locks of every user of `ops`. Queues them for the next commit ("the ledger
  // write") with their expected versions, and counts them as queued; fails only when the
  // engine is closing, in which case nothing was queued.
  bool enqueue(std::vector<std::pair<StoreOp, OpMeta>> ops);

  // Completes a request that was never queued and gives back its admission slot.
  void finish_early(const Completion& done, Reply reply) {
    in_flight.release();
    done(std::move(reply));
  }
  // Like finish_early, for a request being run again: its pending entry is removed and the
  // repeats waiting on it get the same reply.
  void finish_redo(UserState& state, const std::string& key,
                   const std::shared_ptr<Waiters>& waiters, const Completion& done, Reply reply);
  void finish(UserState& state, const std::string& key, const std::shared_ptr<Waiters>& reuse,
              const Completion& done, Reply reply) {
    if (reuse) return finish_redo(state, key, reuse, done, std::move(reply));
    finish_early(done, std::move(reply));
  }

  // Requires the user lock. Handles a repeated idempotency key; returns true when `done`
  // has been taken care of (a repeat, or a key reused for a different request). `reuse` is
  // the request's own pending entry when it runs again.
  // On a first run (no `reuse`) only keys pending in this engine are repeats: a key the user
  // already has in the ledger makes the commit a conflict, and the request runs again.
  bool handle_repeat(UserState& state, const LedgerRecord& request, const Completion& done,
                     const std::shared_ptr<Waiters>& reuse);
  // The ledger part of handle_repeat: answers `done` if the user has the key in the store.
  bool durable_repeat(UserState& state, const LedgerRecord& request, const Completion& done,
                      const std::shared_ptr<Waiters>& reuse);
  // Requires the user lock. Rejects a request that passed handle_repeat with `reply`, unless
  // its key is in the ledger (a repeat of an accepted request, which a first run did not look
  // up): then answers with that first record, never with a verdict on today's state.
  void reject(UserState& state, const LedgerRecord& request, const Completion& done,
              const std::shared_ptr<Waiters>& reuse, Reply reply);

  static Reply key_reused(const LedgerRecord& request) {
    return Reply::rejected(ReplyCode::kIdempotencyKeyReused,
                           "idempotency key '" + request.idempotency_key +
                               "' was already used for a different request");
  }

  // The in-lock steps of each request: validate against the loaded state, queue the
  // records, move the working state. Each completes `done` itself when it does not queue.
  // `reuse` is set when the request runs again after a conflict.
  void wager_locked(UserState& state, const WagerRequest& request, const Bet& bet, Completion done,
                    std::shared_ptr<Waiters> reuse);
  void funds_locked(UserState& state, const TransferRequest& request, Completion done,
                    std::shared_ptr<Waiters> reuse);
  void transfer_locked(UserState& from, UserState& to, const UserTransfer& request, Completion done,
                       std::shared_ptr<Waiters> reuse);
  void rotate_locked(UserState& state, std::optional<std::string> client_seed,
                     std::shared_ptr<SeedRecord> revealed, Completion done);

  // Queues `record` (after `seed` for a new account) as the request's op, with `extra`
  // (internal ops) after it, then moves the working state of `state`. Completes `done` on
  // failure and returns false.
  bool queue_request(UserState& state, LedgerRecord record, std::optional<StoreOp> seed,
                     Completion done, std::shared_ptr<Waiters> reuse, OpMeta::Redo redo,
                     std::vector<std::pair<StoreOp, OpMeta>> extra, UserState* partner);

  void run_committer();
  // The completion thread: completes each committed batch in commit order; returns once the
  // commit thread has finished and every batch is answered.
  void run_completer();
  void complete_committed(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                          const std::vector<Seq>& seqs);
  // Locks `users` and everyone linked to them through a queued transfer, and moves their ops
  // out of `ops`/`metas` (kept in order) and out of the queue into the returned lists, the
  // batch's first. Returns the guards.
  std::vector<Guard> pull_dependents(std::vector<UserState*> users, std::vector<StoreOp>& ops,
                                     std::vector<OpMeta>& metas, std::vector<StoreOp>& pulled_ops,
                                     std::vector<OpMeta>& pulled_metas);
  void fail_batch(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas, const core::Error& error);
  void resolve_conflict(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                        const std::vector<std::string>& users);
  void complete(StoreOp& op, OpMeta& meta, Reply reply);
};

}  // namespace autobets
