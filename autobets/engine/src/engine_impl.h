// Internal to the engine: the per-user state, the commit queue, and the in-lock steps of
// the pipeline that engine.cc (requests) and committer.cc (the commit thread) share.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "autobets/engine.h"
#include "core/keyed_lock_table.h"

namespace autobets {

constexpr std::size_t kStateShards = 64;

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
  SeedRecord seed;              // user lock
  // Last known balance for the pre-lock fast reject; -1 when unknown. Racy by design: the
  // in-lock check is the one that prevents overdrafts.
  std::atomic<Amount> balance_hint{-1};

  std::mutex pending_mutex;
  std::unordered_map<std::string, std::shared_ptr<Waiters>> pending;  // pending_mutex
};

// A queued op and who to tell when it is durable.
struct OpMeta {
  UserState* user = nullptr;
  Completion done;                   // empty for internal ops (a new user's first seed)
  std::shared_ptr<Waiters> waiters;  // set for ledger records
};

struct Engine::Impl {
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
  core::Status ensure_loaded(UserState& state) {
    if (state.loaded) return core::ok_status();
    auto snapshot = store->load(state.user);
    CORE_RETURN_IF_ERROR(snapshot);
    state.exists = snapshot->has_value();
    if (state.exists) {
      state.balance = (*snapshot)->account.balance;
      state.next_nonce = (*snapshot)->account.next_nonce;
      state.seed = std::move((*snapshot)->seed);
    } else {
      state.balance = 0;
      state.next_nonce = 0;
      state.seed = {};
    }
    state.balance_hint.store(state.exists ? state.balance : -1, std::memory_order_relaxed);
    state.loaded = true;
    return core::ok_status();
  }

  // The user's lock, held, with the user's state loaded.
  struct Locked {
    core::KeyedLockTable<std::string>::Guard guard;
    UserState* state;
  };
  // Takes an admission slot, then the user's lock, then loads the user's state. On a
  // failure to read the store, completes `done` and returns nullopt with nothing held.
  std::optional<Locked> admit_and_lock(const std::string& user, const Completion& done) {
    in_flight.acquire();
    Locked locked{locks.acquire(user), &state_for(user)};
    if (auto loaded = ensure_loaded(*locked.state); !loaded) {
      finish_early(done, Reply::rejected(ReplyCode::kLedgerWriteFailed,
                                         "reading the account: " + loaded.error().message()));
      return std::nullopt;
    }
    return locked;
  }

  // Requires the user lock. Builds a new seed pair for the user.
  core::Result<SeedRecord> new_seed(const std::string& user,
                                    std::optional<std::string> client_seed) {
    auto server_seed = options.entropy->random_hex(32);
    CORE_RETURN_IF_ERROR(server_seed);
    if (!client_seed) {
      auto random_client = options.entropy->random_hex(8);
      CORE_RETURN_IF_ERROR(random_client);
      client_seed = std::move(*random_client);
    }
    SeedRecord seed;
    seed.user = user;
    seed.server_seed = std::move(*server_seed);
    seed.commitment = sha256_hex(seed.server_seed);
    seed.client_seed = std::move(*client_seed);
    seed.created_at_us = now_us();
    return seed;
  }

  // Requires the user lock. Queues ops for the next commit ("the ledger write"); fails only
  // when the engine is closing, in which case nothing was queued.
  bool enqueue(std::vector<std::pair<StoreOp, OpMeta>> ops) {
    {
      std::lock_guard lock(queue_mutex);
      if (closing) return false;
      for (auto& [op, meta] : ops) {
        queue_ops.push_back(std::move(op));
        queue_metas.push_back(std::move(meta));
      }
    }
    queue_ready.notify_one();
    return true;
  }

  // Completes a request that was never queued and gives back its admission slot.
  void finish_early(const Completion& done, Reply reply) {
    in_flight.release();
    done(std::move(reply));
  }

  // Requires the user lock. Handles a repeated idempotency key; returns true when `done`
  // has been taken care of (a repeat, or a key reused for a different request).
  bool handle_repeat(UserState& state, const LedgerRecord& request, const Completion& done) {
    {
      std::lock_guard lock(state.pending_mutex);
      auto it = state.pending.find(request.idempotency_key);
      if (it != state.pending.end()) {
        if (!it->second->first.matches(request)) {
          finish_early(done, key_reused(request));
          return true;
        }
        it->second->repeats.push_back(done);  // answered with the first record when durable
        return true;
      }
    }
    auto found = store->find_by_key(state.user, request.idempotency_key);
    if (!found) {
      finish_early(done, Reply::rejected(ReplyCode::kLedgerWriteFailed,
                                         "reading the ledger: " + found.error().message()));
      return true;
    }
    if (!found->has_value()) return false;
    if (!(*found)->same_request(request)) {
      finish_early(done, key_reused(request));
      return true;
    }
    finish_early(done,
                 Reply{ReplyCode::kOk, "repeat of an earlier request", std::move(*found), true});
    return true;
  }

  static Reply key_reused(const LedgerRecord& request) {
    return Reply::rejected(ReplyCode::kIdempotencyKeyReused,
                           "idempotency key '" + request.idempotency_key +
                               "' was already used for a different request");
  }

  // Requires the user lock. Queues `record` (and `seed` first, for a new account), then
  // moves the working state. Completes `done` itself on failure.
  void write_then_mutate(UserState& state, LedgerRecord record, std::optional<SeedRecord> seed,
                         Completion done) {
    auto waiters = std::make_shared<Waiters>();
    waiters->first = RequestShape::of(record);
    std::vector<std::pair<StoreOp, OpMeta>> ops;
    if (seed) {
      ops.push_back({StoreOp{StoreOp::Type::kNewSeed, {}, *seed}, OpMeta{&state, {}, {}}});
    }
    const Amount balance_after = record.balance_after;
    const bool is_wager = record.kind == RecordKind::kWager;
    const std::string key = record.idempotency_key;
    ops.push_back({StoreOp{StoreOp::Type::kAppend, std::move(record), {}},
                   OpMeta{&state, std::move(done), waiters}});
    {
      std::lock_guard lock(state.pending_mutex);
      state.pending.emplace(key, waiters);
    }
    if (!enqueue(std::move(ops))) {
      {
        std::lock_guard lock(state.pending_mutex);
        state.pending.erase(key);
      }
      finish_early(ops.back().second.done,
                   Reply::rejected(ReplyCode::kEngineClosed, "the engine is shutting down"));
      return;
    }
    // The ledger record is queued: only now does the working state move.
    if (seed) {
      state.seed = std::move(*seed);
      state.next_nonce = 0;
      state.exists = true;
    }
    state.balance = balance_after;
    if (is_wager) ++state.next_nonce;
    state.balance_hint.store(balance_after, std::memory_order_relaxed);
  }

  void run_committer();
  void complete_committed(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                          const std::vector<Seq>& seqs);
  void fail_batch(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas, const core::Error& error);
  void complete(StoreOp& op, OpMeta& meta, Reply reply);
};

}  // namespace autobets
