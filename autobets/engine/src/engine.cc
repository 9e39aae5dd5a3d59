#include "autobets/engine.h"

#include <future>

#include "autobets/audit.h"
#include "autobets/games.h"
#include "engine_impl.h"

namespace autobets {
namespace {

// The checks every request gets before it takes a lock: who, which key, how much.
std::optional<Reply> validate_request(const std::string& user, const std::string& key,
                                      Amount amount) {
  if (!is_valid_user_id(user)) {
    return Reply::rejected(ReplyCode::kInvalidUserId,
                           "user id '" + user + "' is not 1-64 characters of [A-Za-z0-9_.:@-]");
  }
  if (!is_valid_idempotency_key(key)) {
    return Reply::rejected(ReplyCode::kInvalidIdempotencyKey,
                           "idempotency key must be 1-128 printable characters");
  }
  if (amount <= 0) {
    return Reply::rejected(ReplyCode::kAmountNotPositive,
                           "amount must be positive, got " + std::to_string(amount));
  }
  return std::nullopt;
}

Reply insufficient(Amount balance, Amount amount) {
  return Reply::rejected(
      ReplyCode::kInsufficientBalance,
      "balance " + std::to_string(balance) + " is below the amount " + std::to_string(amount));
}

Reply read_failed(const core::Error& error) {
  return Reply::rejected(ReplyCode::kLedgerWriteFailed, "reading the account: " + error.message());
}

// The receiving half's idempotency key: the sender and the sender's key, joined by a
// space, which no client key contains, so it never collides with the recipient's own keys.
std::string transfer_in_key(const UserTransfer& request) {
  return request.from + " " + request.idempotency_key;
}

}  // namespace

// ---- Impl: loading, seeds, queueing ---------------------------------------------------

core::Status Engine::Impl::ensure_loaded(UserState& state) {
  if (state.loaded) return core::ok_status();
  auto snapshot = store->load(state.user);
  CORE_RETURN_IF_ERROR(snapshot);
  state.exists = snapshot->has_value();
  if (state.exists) {
    state.balance = (*snapshot)->account.balance;
    state.next_nonce = (*snapshot)->account.next_nonce;
    state.version = (*snapshot)->account.version;
    state.seed = std::move((*snapshot)->seed);
    state.next_seed = std::move((*snapshot)->next_seed);
  } else {
    state.balance = 0;
    state.next_nonce = 0;
    state.version = 0;
    state.seed = {};
    state.next_seed = {};
  }
  state.balance_hint.store(state.exists ? state.balance : -1, std::memory_order_relaxed);
  state.loaded = true;
  return core::ok_status();
}

core::Status Engine::Impl::refresh_if_idle(UserState& state) {
  if (state.queued.load(std::memory_order_acquire) != 0) return core::ok_status();
  state.loaded = false;
  return ensure_loaded(state);
}

std::optional<Engine::Impl::Locked> Engine::Impl::admit_and_lock(const std::string& user,
                                                                 const Completion& done) {
  in_flight.acquire();
  Locked locked{locks.acquire(user), &state_for(user)};
  if (auto loaded = ensure_loaded(*locked.state); !loaded) {
    finish_early(done, read_failed(loaded.error()));
    return std::nullopt;
  }
  return locked;
}

core::Result<SeedRecord> Engine::Impl::new_server_seed(const std::string& user) {
  auto server_seed = options.entropy->random_hex(32);
  CORE_RETURN_IF_ERROR(server_seed);
  SeedRecord seed;
  seed.user = user;
  seed.server_seed = std::move(*server_seed);
  seed.commitment = sha256_hex(seed.server_seed);
  seed.created_at_us = now_us();
  return seed;
}

core::Result<StoreOp> Engine::Impl::seed_change(UserState& state,
                                                std::optional<std::string> client_seed) {
  StoreOp op;
  op.type = StoreOp::Type::kNewSeed;
  if (!client_seed) {
    auto random_client = options.entropy->random_hex(8);
    CORE_RETURN_IF_ERROR(random_client);
    client_seed = std::move(*random_client);
  }
  if (state.exists) {
    op.seed = state.next_seed;  // committed to before the client seed was known
  } else {
    auto first = new_server_seed(state.user);
    CORE_RETURN_IF_ERROR(first);
    op.seed = std::move(*first);
  }
  op.seed.client_seed = std::move(*client_seed);
  op.seed.created_at_us = now_us();
  auto next = new_server_seed(state.user);
  CORE_RETURN_IF_ERROR(next);
  op.next_seed = std::move(*next);
  return op;
}

bool Engine::Impl::enqueue(std::vector<std::pair<StoreOp, OpMeta>> ops) {
  // Versions: each op of a user applies on top of the previous one (the store checks it).
  std::vector<std::pair<UserState*, std::int64_t>> versions;
  for (auto& [op, meta] : ops) {
    std::int64_t* version = nullptr;
    for (auto& [user, value] : versions) {
      if (user == meta.user) version = &value;
    }
    if (!version) version = &versions.emplace_back(meta.user, meta.user->version).second;
    op.expect_version = (*version)++;
  }
  {
    std::lock_guard lock(queue_mutex);
    if (closing && !redoing_on_this_thread) return false;
    for (auto& [op, meta] : ops) {
      meta.user->queued.fetch_add(1, std::memory_order_relaxed);
      queue_ops.push_back(std::move(op));
      queue_metas.push_back(std::move(meta));
    }
  }
  for (auto& [user, version] : versions) user->version = version;
  queue_ready.notify_one();
  return true;
}

void Engine::Impl::finish_redo(UserState& state, const std::string& key,
                               const std::shared_ptr<Waiters>& waiters, const Completion& done,
                               Reply reply) {
  std::vector<Completion> repeats;
  {
    std::lock_guard lock(state.pending_mutex);
    state.pending.erase(key);
    repeats.swap(waiters->repeats);
  }
  for (auto& repeat : repeats) {
    Reply copy = reply;
    copy.duplicate = reply.ok();
    finish_early(repeat, std::move(copy));
  }
  finish_early(done, std::move(reply));
}

bool Engine::Impl::handle_repeat(UserState& state, const LedgerRecord& request,
                                 const Completion& done, const std::shared_ptr<Waiters>& reuse) {
  const std::string& key = request.idempotency_key;
  if (!reuse) {
    std::lock_guard lock(state.pending_mutex);
    auto it = state.pending.find(key);
    if (it != state.pending.end()) {
      if (!it->second->first.matches(request)) {
        finish_early(done, key_reused(request));
        return true;
      }
      it->second->repeats.push_back(done);  // answered with the first record when durable
      return true;
    }
    // A key not pending here is queued without looking it up: if the user already has it
    // in the ledger, the commit is a conflict for the user (the store contract) and the
    // request runs again, with `reuse`, and is answered with the first record.
    return false;
  }
  return durable_repeat(state, request, done, reuse);
}

bool Engine::Impl::durable_repeat(UserState& state, const LedgerRecord& request,
                                  const Completion& done, const std::shared_ptr<Waiters>& reuse) {
  const std::string& key = request.idempotency_key;
  auto found = store->find_by_key(state.user, key);
  if (!found) {
    finish(state, key, reuse, done,
           Reply::rejected(ReplyCode::kLedgerWriteFailed,
                           "reading the ledger: " + found.error().message()));
    return true;
  }
  if (!found->has_value()) return false;
  if (!(*found)->same_request(request)) {
    finish(state, key, reuse, done, key_reused(request));
    return true;
  }
  finish(state, key, reuse, done,
         Reply{ReplyCode::kOk, "repeat of an earlier request", std::move(*found), true});
  return true;
}

void Engine::Impl::reject(UserState& state, const LedgerRecord& request, const Completion& done,
                          const std::shared_ptr<Waiters>& reuse, Reply reply) {
  if (!reuse && durable_repeat(state, request, done, reuse)) return;
  finish(state, request.idempotency_key, reuse, done, std::move(reply));
}

bool Engine::Impl::queue_request(UserState& state, LedgerRecord record, std::optional<StoreOp> seed,
                                 Completion done, std::shared_ptr<Waiters> reuse, OpMeta::Redo redo,
                                 std::vector<std::pair<StoreOp, OpMeta>> extra,
                                 UserState* partner) {
  auto waiters = reuse ? reuse : std::make_shared<Waiters>();
  waiters->first = RequestShape::of(record);
  std::vector<std::pair<StoreOp, OpMeta>> ops;
  if (seed) ops.push_back({*seed, OpMeta{&state, {}, {}, nullptr, {}}});
  const Amount balance_after = record.balance_after;
  const bool is_wager = record.kind == RecordKind::kWager;
  const std::string key = record.idempotency_key;
  StoreOp append;
  append.record = std::move(record);
  ops.push_back({std::move(append), OpMeta{&state, done, waiters, partner, std::move(redo)}});
  for (auto& op : extra) ops.push_back(std::move(op));
  if (!reuse) {
    std::lock_guard lock(state.pending_mutex);
    state.pending.emplace(key, waiters);
  }
  if (!enqueue(std::move(ops))) {
    finish_redo(state, key, waiters, done,
                Reply::rejected(ReplyCode::kEngineClosed, "the engine is shutting down"));
    return false;
  }
  // The ledger record is queued: only now does the working state move.
  if (seed) {
    state.seed = std::move(seed->seed);
    state.next_seed = std::move(seed->next_seed);
    state.next_nonce = 0;
    state.exists = true;
  }
  state.balance = balance_after;
  if (is_wager) ++state.next_nonce;
  state.balance_hint.store(balance_after, std::memory_order_relaxed);
  return true;
}

// ---- The in-lock steps ------------------------------------------------------------------

void Engine::Impl::wager_locked(UserState& state, const WagerRequest& request, const Bet& bet,
                                Completion done, std::shared_ptr<Waiters> reuse) {
  const std::string& key = request.idempotency_key;
  if (!state.exists || request.amount > state.balance) {
    if (auto fresh = refresh_if_idle(state); !fresh) {
      return finish(state, key, reuse, done, read_failed(fresh.error()));
    }
  }
  if (!state.exists) {
    return finish(state, key, reuse, done,
                  Reply::rejected(ReplyCode::kUnknownUser, "unknown user '" + request.user + "'"));
  }
  LedgerRecord record;
  record.user = request.user;
  record.kind = RecordKind::kWager;
  record.idempotency_key = key;
  record.amount = request.amount;
  record.game = std::string(game_name(bet.game));
  record.params = canonical_params(bet);
  if (handle_repeat(state, record, done, reuse)) return;

  // Validate against the live balance: this is the check that prevents overdrafts.
  const Amount balance = state.balance;
  if (request.amount > balance) {
    return reject(state, record, done, reuse, insufficient(balance, request.amount));
  }

  // Outcome. A failure leaves everything untouched (the caller's guard releases the lock).
  FairStream stream(*options.hasher, state.seed.server_seed, state.seed.client_seed,
                    state.next_nonce);
  auto outcome = play(bet, request.amount, limits.house_edge_bp, stream);
  if (!outcome) {
    return reject(
        state, record, done, reuse,
        Reply::rejected(ReplyCode::kRngFailed, "outcome generation failed, nothing was changed: " +
                                                   outcome.error().message()));
  }
  auto after = checked_add(balance - request.amount, outcome->payout);
  if (!after) {
    return reject(
        state, record, done, reuse,
        Reply::rejected(ReplyCode::kBalanceOverflow, "the payout would overflow the balance"));
  }
  record.outcome = outcome->value;
  record.payout = outcome->payout;
  record.house_edge_bp = limits.house_edge_bp;
  record.balance_before = balance;
  record.balance_after = *after;
  record.commitment = state.seed.commitment;
  record.client_seed = state.seed.client_seed;
  record.nonce = state.next_nonce;
  record.created_at_us = now_us();

  // Ledger write, then the balance change.
  UserState* user = &state;
  OpMeta::Redo redo = [this, user, request, bet, done](std::shared_ptr<Waiters> waiters) {
    wager_locked(*user, request, bet, done, std::move(waiters));
  };
  (void)queue_request(state, std::move(record), std::nullopt, done, std::move(reuse),
                      std::move(redo), {}, nullptr);
}

void Engine::Impl::funds_locked(UserState& state, const TransferRequest& request, Completion done,
                                std::shared_ptr<Waiters> reuse) {
  const std::string& key = request.idempotency_key;
  const bool withdrawal = request.kind == RecordKind::kWithdrawal;
  if (!state.exists || (withdrawal && request.amount > state.balance)) {
    if (auto fresh = refresh_if_idle(state); !fresh) {
      return finish(state, key, reuse, done, read_failed(fresh.error()));
    }
  }
  if (withdrawal && !state.exists) {
    return finish(state, key, reuse, done,
                  Reply::rejected(ReplyCode::kUnknownUser, "unknown user '" + request.user + "'"));
  }
  LedgerRecord record;
  record.user = request.user;
  record.kind = request.kind;
  record.idempotency_key = key;
  record.amount = request.amount;
  if (state.exists && handle_repeat(state, record, done, reuse)) return;

  const Amount balance = state.exists ? state.balance : 0;
  auto after =
      withdrawal ? checked_sub(balance, request.amount) : checked_add(balance, request.amount);
  if (!after) {
    return reject(state, record, done, reuse,
                  Reply::rejected(ReplyCode::kBalanceOverflow, "the balance would overflow"));
  }
  if (*after < 0) return reject(state, record, done, reuse, insufficient(balance, request.amount));
  std::optional<StoreOp> seed;
  if (!state.exists) {
    auto first = seed_change(state, std::nullopt);
    if (!first) {
      return finish(state, key, reuse, done,
                    Reply::rejected(ReplyCode::kRngFailed,
                                    "creating the first seed failed: " + first.error().message()));
    }
    seed = std::move(*first);
  }
  record.balance_before = balance;
  record.balance_after = *after;
  record.created_at_us = now_us();
  UserState* user = &state;
  OpMeta::Redo redo = [this, user, request, done](std::shared_ptr<Waiters> waiters) {
    funds_locked(*user, request, done, std::move(waiters));
  };
  (void)queue_request(state, std::move(record), std::move(seed), done, std::move(reuse),
                      std::move(redo), {}, nullptr);
}

void Engine::Impl::transfer_locked(UserState& from, UserState& to, const UserTransfer& request,
                                   Completion done, std::shared_ptr<Waiters> reuse) {
  const std::string& key = request.idempotency_key;
  if (!from.exists || request.amount > from.balance) {
    if (auto fresh = refresh_if_idle(from); !fresh) {
      return finish(from, key, reuse, done, read_failed(fresh.error()));
    }
  }
  if (!from.exists) {
    return finish(
        from, key, reuse, done,
        Reply::rejected(ReplyCode::kUnknownUser, "unknown sender '" + request.from + "'"));
  }
  LedgerRecord out;
  out.user = request.from;
  out.kind = RecordKind::kTransferOut;
  out.idempotency_key = key;
  out.amount = request.amount;
  out.params = request.to;
  if (handle_repeat(from, out, done, reuse)) return;
  if (request.amount > from.balance) {
    return reject(from, out, done, reuse, insufficient(from.balance, request.amount));
  }
  const Amount to_balance = to.exists ? to.balance : 0;
  auto to_after = checked_add(to_balance, request.amount);
  if (!to_after) {
    return reject(
        from, out, done, reuse,
        Reply::rejected(ReplyCode::kBalanceOverflow, "the recipient's balance would overflow"));
  }
  std::vector<std::pair<StoreOp, OpMeta>> extra;
  std::optional<StoreOp> to_seed;
  if (!to.exists) {
    auto first = seed_change(to, std::nullopt);
    if (!first) {
      return reject(
          from, out, done, reuse,
          Reply::rejected(ReplyCode::kRngFailed, "creating the recipient's first seed failed: " +
                                                     first.error().message()));
    }
    to_seed = std::move(*first);
  }
  const std::int64_t now = now_us();
  out.balance_before = from.balance;
  out.balance_after = from.balance - request.amount;
  out.created_at_us = now;
  StoreOp in;
  in.record.user = request.to;
  in.record.kind = RecordKind::kTransferIn;
  in.record.idempotency_key = transfer_in_key(request);
  in.record.amount = request.amount;
  in.record.params = request.from;
  in.record.balance_before = to_balance;
  in.record.balance_after = *to_after;
  in.record.created_at_us = now;
  // A new recipient's first seed goes between the pair's halves (seeds are not ledger rows,
  // so transfer_in still directly follows transfer_out in the ledger), and all of it is
  // queued at once: one commit makes it durable or none does, so a transfer refused after a
  // conflict (a key the sender already used, say) leaves no account behind.
  if (to_seed) extra.push_back({*to_seed, OpMeta{&to, {}, {}, &from, {}}});
  extra.push_back({std::move(in), OpMeta{&to, {}, {}, &from, {}}});
  UserState* sender = &from;
  UserState* recipient = &to;
  OpMeta::Redo redo = [this, sender, recipient, request, done](std::shared_ptr<Waiters> waiters) {
    transfer_locked(*sender, *recipient, request, done, std::move(waiters));
  };
  if (!queue_request(from, std::move(out), std::nullopt, done, std::move(reuse), std::move(redo),
                     std::move(extra), recipient)) {
    return;
  }
  if (to_seed) {
    to.seed = std::move(to_seed->seed);
    to.next_seed = std::move(to_seed->next_seed);
    to.next_nonce = 0;
    to.exists = true;
  }
  to.balance = *to_after;
  to.balance_hint.store(to.balance, std::memory_order_relaxed);
}

void Engine::Impl::rotate_locked(UserState& state, std::optional<std::string> client_seed,
                                 std::shared_ptr<SeedRecord> revealed, Completion done) {
  if (auto fresh = refresh_if_idle(state); !fresh) {
    return finish_early(done, read_failed(fresh.error()));
  }
  if (!state.exists) {
    return finish_early(
        done, Reply::rejected(ReplyCode::kUnknownUser, "unknown user '" + state.user + "'"));
  }
  auto change = seed_change(state, client_seed);
  if (!change) {
    return finish_early(
        done, Reply::rejected(ReplyCode::kRngFailed,
                              "drawing the next seed failed: " + change.error().message()));
  }
  *revealed = state.seed;
  revealed->revealed_at_us = change->seed.created_at_us;
  UserState* user = &state;
  OpMeta::Redo redo = [this, user, client_seed, revealed, done](std::shared_ptr<Waiters>) {
    rotate_locked(*user, client_seed, revealed, done);
  };
  std::vector<std::pair<StoreOp, OpMeta>> ops;
  ops.push_back({*change, OpMeta{&state, done, {}, nullptr, std::move(redo)}});
  if (!enqueue(std::move(ops))) {
    return finish_early(done,
                        Reply::rejected(ReplyCode::kEngineClosed, "the engine is shutting down"));
  }
  state.seed = std::move(change->seed);
  state.next_seed = std::move(change->next_seed);
  state.next_nonce = 0;
}

// ---- Engine -----------------------------------------------------------------------------

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
  impl->completer = std::thread([raw] { raw->run_completer(); });
  impl->committer = std::thread([raw] {
    raw->run_committer();
    {
      std::lock_guard lock(raw->done_mutex);
      raw->committer_finished = true;
    }
    raw->done_ready.notify_one();
  });
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::~Engine() {
  {
    std::lock_guard lock(impl_->queue_mutex);
    impl_->closing = true;
  }
  impl_->queue_ready.notify_one();
  impl_->committer.join();
  impl_->completer.join();
}

const Limits& Engine::limits() const { return impl_->limits; }
std::size_t Engine::active_locks() const { return impl_->locks.active_keys(); }
std::uint64_t Engine::conflicts() const { return impl_->conflicts.load(); }

void Engine::submit_wager(WagerRequest request, Completion done) {
  Impl& impl = *impl_;
  const Limits& limits = impl.limits;
  // 1. Pre-lock validation: cheap checks that need no lock.
  if (auto invalid = validate_request(request.user, request.idempotency_key, request.amount)) {
    return done(std::move(*invalid));
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
  // 2. Lock, then read the balance inside the lock; 3.-5. the in-lock steps; 6. release.
  auto locked = impl.admit_and_lock(request.user, done);
  if (!locked) return;
  impl.wager_locked(*locked->state, request, *bet, std::move(done), nullptr);
}

void Engine::submit_transfer(TransferRequest request, Completion done) {
  Impl& impl = *impl_;
  if (auto invalid = validate_request(request.user, request.idempotency_key, request.amount)) {
    return done(std::move(*invalid));
  }
  if (request.kind != RecordKind::kDeposit && request.kind != RecordKind::kWithdrawal &&
      request.kind != RecordKind::kCredit) {
    return done(Reply::rejected(ReplyCode::kUnknownGame,
                                "only deposits, withdrawals and credits move funds in or out"));
  }
  auto locked = impl.admit_and_lock(request.user, done);
  if (!locked) return;
  impl.funds_locked(*locked->state, request, std::move(done), nullptr);
}

void Engine::submit_transfer(UserTransfer request, Completion done) {
  Impl& impl = *impl_;
  if (auto invalid = validate_request(request.from, request.idempotency_key, request.amount)) {
    return done(std::move(*invalid));
  }
  if (!is_valid_user_id(request.to)) {
    return done(Reply::rejected(
        ReplyCode::kInvalidUserId,
        "recipient id '" + request.to + "' is not 1-64 characters of [A-Za-z0-9_.:@-]"));
  }
  if (request.from == request.to) {
    return done(Reply::rejected(ReplyCode::kSelfTransfer,
                                "'" + request.from + "' cannot transfer to itself"));
  }
  // Both locks in one global order (by user id): no two transfers can wait on each other.
  impl.in_flight.acquire();
  const bool from_first = request.from < request.to;
  Impl::Guard first = impl.locks.acquire(from_first ? request.from : request.to);
  Impl::Guard second = impl.locks.acquire(from_first ? request.to : request.from);
  UserState& from = impl.state_for(request.from);
  UserState& to = impl.state_for(request.to);
  for (UserState* state : {&from, &to}) {
    if (auto loaded = impl.ensure_loaded(*state); !loaded) {
      return impl.finish_early(done, read_failed(loaded.error()));
    }
  }
  impl.transfer_locked(from, to, request, std::move(done), nullptr);
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

Reply Engine::transfer(UserTransfer request) {
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
  if (!is_valid_user_id(user)) {
    return core::fail(core::ErrorCode::kNotFound, "unknown user '" + std::string(user) + "'");
  }
  auto revealed = std::make_shared<SeedRecord>();
  // Admitted before the lock, like every request: waiting for a slot while holding a user
  // lock could deadlock with the commit thread, which frees slots and may need that lock.
  // Waits outside the lock: nothing waits for the commit thread while holding a user lock.
  Reply reply = wait_for([&](Completion done) {
    impl.in_flight.acquire();
    auto guard = impl.locks.acquire(std::string(user));
    UserState& state = impl.state_for(std::string(user));
    if (auto loaded = impl.ensure_loaded(state); !loaded) {
      return impl.finish_early(done, read_failed(loaded.error()));
    }
    impl.rotate_locked(state, std::move(client_seed), revealed, std::move(done));
  });
  if (reply.code == ReplyCode::kUnknownUser) {
    return core::fail(core::ErrorCode::kNotFound, reply.message);
  }
  if (!reply.ok()) return core::fail(core::ErrorCode::kIo, reply.message);
  return *revealed;
}

}  // namespace autobets
