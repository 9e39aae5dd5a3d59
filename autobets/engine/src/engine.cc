#include "autobets/engine.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <semaphore>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "autobets/audit.h"
#include "autobets/games.h"
#include "core/keyed_lock_table.h"

namespace autobets {
namespace {

constexpr std::size_t kStateShards = 64;

// Requests waiting on one pending record: the submitter and any repeats of its key.
struct Waiters {
  // What the key was first used for (the fields idempotency compares).
  RecordKind kind = RecordKind::kDeposit;
  Amount amount = 0;
  std::string game;
  std::string params;
  std::vector<Completion> repeats;

  bool same_request(const LedgerRecord& other) const {
    return kind == other.kind && amount == other.amount && game == other.game &&
           params == other.params;
  }
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

}  // namespace

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
        if (!it->second->same_request(request)) {
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
    waiters->kind = record.kind;
    waiters->amount = record.amount;
    waiters->game = record.game;
    waiters->params = record.params;
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

void Engine::Impl::complete(StoreOp& op, OpMeta& meta, Reply reply) {
  if (!meta.done) return;                    // an internal op (a new account's first seed)
  if (op.type == StoreOp::Type::kNewSeed) {  // a seed rotation
    in_flight.release();
    meta.done(std::move(reply));
    return;
  }
  std::vector<Completion> repeats;
  {
    std::lock_guard lock(meta.user->pending_mutex);
    meta.user->pending.erase(op.record.idempotency_key);
    repeats.swap(meta.waiters->repeats);
  }
  // The batch is done with the record: a durable one moves into the reply.
  if (reply.ok()) reply.record = std::move(op.record);
  for (auto& repeat : repeats) {
    Reply copy = reply;
    copy.duplicate = reply.ok();
    if (copy.ok()) copy.message = "repeat of an earlier request";
    in_flight.release();
    repeat(std::move(copy));
  }
  in_flight.release();
  meta.done(std::move(reply));
}

void Engine::Impl::complete_committed(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                                      const std::vector<Seq>& seqs) {
  std::size_t next_seq = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].type != StoreOp::Type::kAppend) {
      complete(ops[i], metas[i], Reply{});
      continue;
    }
    ops[i].record.seq = seqs[next_seq++];
    complete(ops[i], metas[i], Reply{ReplyCode::kOk, "", std::nullopt, false});
  }
}

void Engine::Impl::fail_batch(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                              const core::Error& error) {
  // Every user of the failed batch has working state that includes records that are not
  // durable. Hold each such user's lock while forgetting that state and pulling the user's
  // later (dependent) ops out of the queue, so no request can read the undone state.
  std::vector<std::string> users;
  for (auto& meta : metas) users.push_back(meta.user->user);
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  std::vector<core::KeyedLockTable<std::string>::Guard> guards;
  guards.reserve(users.size());
  for (auto& user : users) guards.push_back(locks.acquire(user));

  std::unordered_set<UserState*> failed;
  for (auto& meta : metas) failed.insert(meta.user);
  for (UserState* state : failed) {
    state->loaded = false;
    state->balance_hint.store(-1, std::memory_order_relaxed);
  }
  {
    std::lock_guard lock(queue_mutex);
    std::vector<StoreOp> keep_ops;
    std::vector<OpMeta> keep_metas;
    for (std::size_t i = 0; i < queue_ops.size(); ++i) {
      bool dependent = failed.contains(queue_metas[i].user);
      (dependent ? ops : keep_ops).push_back(std::move(queue_ops[i]));
      (dependent ? metas : keep_metas).push_back(std::move(queue_metas[i]));
    }
    queue_ops.swap(keep_ops);
    queue_metas.swap(keep_metas);
  }
  guards.clear();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    complete(ops[i], metas[i],
             Reply::rejected(ReplyCode::kLedgerWriteFailed,
                             "the ledger write failed, nothing was changed: " + error.message()));
  }
}

void Engine::Impl::run_committer() {
  std::vector<StoreOp> ops;
  std::vector<OpMeta> metas;
  while (true) {
    {
      std::unique_lock lock(queue_mutex);
      queue_ready.wait(lock, [&] { return closing || !queue_ops.empty(); });
      if (queue_ops.empty()) return;  // closing and drained
      ops.swap(queue_ops);
      metas.swap(queue_metas);
    }
    auto seqs = store->commit(ops);
    if (seqs) {
      complete_committed(ops, metas, *seqs);
    } else {
      fail_batch(ops, metas, seqs.error());
    }
    ops.clear();
    metas.clear();
  }
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

core::Result<std::unique_ptr<Engine>> Engine::open(Store& store, EngineOptions options) {
  auto limits = store.limits();
  CORE_RETURN_IF_ERROR(limits);
  auto reconciled = reconcile(store);
  CORE_RETURN_IF_ERROR(reconciled);
  auto impl = std::make_unique<Impl>(options.max_in_flight);
  impl->store = &store;
  impl->options = options;
  impl->limits = *limits;
  Impl* raw = impl.get();
  impl->committer = std::thread([raw] { raw->run_committer(); });
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::~Engine() {
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->closing = true;
  }
  impl_->queue_ready.notify_one();
  impl_->committer.join();
}

const Limits& Engine::limits() const { return impl_->limits; }
std::size_t Engine::active_locks() const { return impl_->locks.active_keys(); }

void Engine::submit_wager(WagerRequest request, Completion done) {
  Impl& impl = *impl_;
  const Limits& limits = impl.limits;
  // 1. Pre-lock validation: cheap checks that need no lock.
  if (!is_valid_user_id(request.user)) {
    return done(Reply::rejected(
        ReplyCode::kInvalidUserId,
        "user id '" + request.user + "' is not 1-64 characters of [A-Za-z0-9_.:@-]"));
  }
  if (!is_valid_idempotency_key(request.idempotency_key)) {
    return done(Reply::rejected(ReplyCode::kInvalidIdempotencyKey,
                                "idempotency key must be 1-128 printable characters"));
  }
  if (request.amount <= 0) {
    return done(Reply::rejected(ReplyCode::kAmountNotPositive,
                                "amount must be positive, got " + std::to_string(request.amount)));
  }
  if (request.amount < limits.min_bet) {
    return done(Reply::rejected(ReplyCode::kAmountBelowMinimum,
                                "amount " + std::to_string(request.amount) +
                                    " is below the minimum bet " + std::to_string(limits.min_bet)));
  }
  if (request.amount > limits.max_bet) {
    return done(Reply::rejected(ReplyCode::kAmountAboveMaximum,
                                "amount " + std::to_string(request.amount) +
                                    " is above the maximum bet " + std::to_string(limits.max_bet)));
  }
  auto bet = parse_bet(request.game, request.params);
  if (!bet) {
    return done(Reply::rejected(bet.error().code() == core::ErrorCode::kNotFound
                                    ? ReplyCode::kUnknownGame
                                    : ReplyCode::kInvalidParams,
                                bet.error().message()));
  }
  Amount potential = winning_payout(*bet, request.amount, limits.house_edge_bp);
  if (potential == 0 || potential > limits.max_payout) {
    return done(Reply::rejected(
        ReplyCode::kPayoutAboveMaximum,
        "a win would pay more than the maximum payout " + std::to_string(limits.max_payout)));
  }
  if (UserState* known = impl.find_state(request.user)) {
    Amount hint = known->balance_hint.load(std::memory_order_relaxed);
    if (hint >= 0 && request.amount > hint) {
      return done(Reply::rejected(ReplyCode::kInsufficientBalance,
                                  "balance " + std::to_string(hint) + " is below the amount " +
                                      std::to_string(request.amount)));
    }
  }
  impl.in_flight.acquire();

  // 2. Lock, then read the balance inside the lock.
  auto guard = impl.locks.acquire(request.user);
  UserState& state = impl.state_for(request.user);
  if (auto loaded = impl.ensure_loaded(state); !loaded) {
    return impl.finish_early(done,
                             Reply::rejected(ReplyCode::kLedgerWriteFailed,
                                             "reading the account: " + loaded.error().message()));
  }
  if (!state.exists) {
    return impl.finish_early(
        done, Reply::rejected(ReplyCode::kUnknownUser, "unknown user '" + request.user + "'"));
  }
  LedgerRecord record;
  record.user = request.user;
  record.kind = RecordKind::kWager;
  record.idempotency_key = std::move(request.idempotency_key);
  record.amount = request.amount;
  record.game = std::string(game_name(bet->game));
  record.params = canonical_params(*bet);
  if (impl.handle_repeat(state, record, done)) return;

  // 3. Validate against the live balance: this is the check that prevents overdrafts.
  const Amount balance = state.balance;
  if (request.amount > balance) {
    return impl.finish_early(
        done, Reply::rejected(ReplyCode::kInsufficientBalance,
                              "balance " + std::to_string(balance) + " is below the amount " +
                                  std::to_string(request.amount)));
  }

  // 4. Outcome. A failure leaves everything untouched (the guard releases the lock).
  FairStream stream(*impl.options.hasher, state.seed.server_seed, state.seed.client_seed,
                    state.next_nonce);
  auto outcome = play(*bet, request.amount, impl.limits.house_edge_bp, stream);
  if (!outcome) {
    return impl.finish_early(done, Reply::rejected(ReplyCode::kRngFailed,
                                                   "outcome generation failed, nothing was "
                                                   "changed: " +
                                                       outcome.error().message()));
  }
  auto after = checked_add(balance - request.amount, outcome->payout);
  if (!after) {
    return impl.finish_early(done, Reply::rejected(ReplyCode::kBalanceOverflow,
                                                   "the payout would overflow the balance"));
  }
  record.outcome = outcome->value;
  record.payout = outcome->payout;
  record.house_edge_bp = impl.limits.house_edge_bp;
  record.balance_before = balance;
  record.balance_after = *after;
  record.commitment = state.seed.commitment;
  record.client_seed = state.seed.client_seed;
  record.nonce = state.next_nonce;
  record.created_at_us = impl.now_us();

  // 5. Ledger write, then the balance change; 6. release (guard).
  impl.write_then_mutate(state, std::move(record), std::nullopt, std::move(done));
}

void Engine::submit_transfer(TransferRequest request, Completion done) {
  Impl& impl = *impl_;
  if (!is_valid_user_id(request.user)) {
    return done(Reply::rejected(
        ReplyCode::kInvalidUserId,
        "user id '" + request.user + "' is not 1-64 characters of [A-Za-z0-9_.:@-]"));
  }
  if (!is_valid_idempotency_key(request.idempotency_key)) {
    return done(Reply::rejected(ReplyCode::kInvalidIdempotencyKey,
                                "idempotency key must be 1-128 printable characters"));
  }
  if (request.kind == RecordKind::kWager) {
    return done(Reply::rejected(ReplyCode::kUnknownGame, "a wager is not a transfer"));
  }
  if (request.amount <= 0) {
    return done(Reply::rejected(ReplyCode::kAmountNotPositive,
                                "amount must be positive, got " + std::to_string(request.amount)));
  }
  impl.in_flight.acquire();
  auto guard = impl.locks.acquire(request.user);
  UserState& state = impl.state_for(request.user);
  if (auto loaded = impl.ensure_loaded(state); !loaded) {
    return impl.finish_early(done,
                             Reply::rejected(ReplyCode::kLedgerWriteFailed,
                                             "reading the account: " + loaded.error().message()));
  }
  const bool withdrawal = request.kind == RecordKind::kWithdrawal;
  if (withdrawal && !state.exists) {
    return impl.finish_early(
        done, Reply::rejected(ReplyCode::kUnknownUser, "unknown user '" + request.user + "'"));
  }
  LedgerRecord record;
  record.user = request.user;
  record.kind = request.kind;
  record.idempotency_key = std::move(request.idempotency_key);
  record.amount = request.amount;
  if (state.exists && impl.handle_repeat(state, record, done)) return;

  const Amount balance = state.exists ? state.balance : 0;
  auto after =
      withdrawal ? checked_sub(balance, request.amount) : checked_add(balance, request.amount);
  if (!after) {
    return impl.finish_early(
        done, Reply::rejected(ReplyCode::kBalanceOverflow, "the balance would overflow"));
  }
  if (*after < 0) {
    return impl.finish_early(
        done, Reply::rejected(ReplyCode::kInsufficientBalance,
                              "balance " + std::to_string(balance) + " is below the amount " +
                                  std::to_string(request.amount)));
  }
  std::optional<SeedRecord> seed;
  if (!state.exists) {
    auto fresh = impl.new_seed(request.user, std::nullopt);
    if (!fresh) {
      return impl.finish_early(
          done, Reply::rejected(ReplyCode::kRngFailed,
                                "creating the first seed failed: " + fresh.error().message()));
    }
    seed = std::move(*fresh);
  }
  record.balance_before = balance;
  record.balance_after = *after;
  record.created_at_us = impl.now_us();
  impl.write_then_mutate(state, std::move(record), std::move(seed), std::move(done));
}

namespace {
Reply wait_for(const std::function<void(Completion)>& submit) {
  std::promise<Reply> promise;
  auto future = promise.get_future();
  submit([&promise](Reply reply) { promise.set_value(std::move(reply)); });
  return future.get();
}
}  // namespace

Reply Engine::wager(WagerRequest request) {
  return wait_for([&](Completion done) { submit_wager(std::move(request), std::move(done)); });
}

Reply Engine::transfer(TransferRequest request) {
  return wait_for([&](Completion done) { submit_transfer(std::move(request), std::move(done)); });
}

core::Result<SeedRecord> Engine::rotate_seed(std::string_view user,
                                             std::optional<std::string> client_seed) {
  Impl& impl = *impl_;
  if (client_seed && (client_seed->empty() || client_seed->size() > 64 ||
                      !is_valid_idempotency_key(*client_seed))) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "client seed must be 1-64 printable characters without spaces");
  }
  std::promise<core::Status> durable;
  auto future = durable.get_future();
  SeedRecord revealed;
  {
    auto guard = impl.locks.acquire(std::string(user));
    UserState& state = impl.state_for(std::string(user));
    CORE_RETURN_IF_ERROR(impl.ensure_loaded(state));
    if (!state.exists) {
      return core::fail(core::ErrorCode::kNotFound, "unknown user '" + std::string(user) + "'");
    }
    auto seed = impl.new_seed(state.user, std::move(client_seed));
    CORE_RETURN_IF_ERROR(seed);
    revealed = state.seed;
    revealed.revealed_at_us = seed->created_at_us;
    impl.in_flight.acquire();
    Completion done = [&durable](Reply reply) {
      durable.set_value(reply.ok() ? core::ok_status()
                                   : core::Status(core::fail(core::ErrorCode::kIo, reply.message)));
    };
    std::vector<std::pair<StoreOp, OpMeta>> ops;
    ops.push_back(
        {StoreOp{StoreOp::Type::kNewSeed, {}, *seed}, OpMeta{&state, std::move(done), {}}});
    if (!impl.enqueue(std::move(ops))) {
      impl.in_flight.release();
      return core::fail(core::ErrorCode::kCancelled, "the engine is shutting down");
    }
    state.seed = std::move(*seed);
    state.next_nonce = 0;
  }
  // Wait outside the lock: nothing waits for the commit thread while holding a user lock.
  CORE_RETURN_IF_ERROR(future.get());
  return revealed;
}

}  // namespace autobets
