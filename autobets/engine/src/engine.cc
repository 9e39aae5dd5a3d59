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

}  // namespace

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
  if (UserState* known = impl.find_state(request.user)) {
    Amount hint = known->balance_hint.load(std::memory_order_relaxed);
    if (hint >= 0 && request.amount > hint) {
      return done(Reply::rejected(ReplyCode::kInsufficientBalance,
                                  "balance " + std::to_string(hint) + " is below the amount " +
                                      std::to_string(request.amount)));
    }
  }
  // 2. Lock, then read the balance inside the lock.
  auto locked = impl.admit_and_lock(request.user, done);
  if (!locked) return;
  UserState& state = *locked->state;
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
  if (auto invalid = validate_request(request.user, request.idempotency_key, request.amount)) {
    return done(std::move(*invalid));
  }
  if (request.kind == RecordKind::kWager) {
    return done(Reply::rejected(ReplyCode::kUnknownGame, "a wager is not a transfer"));
  }
  auto locked = impl.admit_and_lock(request.user, done);
  if (!locked) return;
  UserState& state = *locked->state;
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
  // Admitted before the lock, like every request: waiting for a slot while holding a user
  // lock could deadlock with the commit thread, which frees slots and may need that lock.
  impl.in_flight.acquire();
  struct SlotReturn {
    Impl& impl;
    bool handed_to_commit = false;
    ~SlotReturn() {
      if (!handed_to_commit) impl.in_flight.release();
    }
  } slot{impl};
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
    Completion done = [&durable](Reply reply) {
      durable.set_value(reply.ok() ? core::ok_status()
                                   : core::Status(core::fail(core::ErrorCode::kIo, reply.message)));
    };
    std::vector<std::pair<StoreOp, OpMeta>> ops;
    ops.push_back(
        {StoreOp{StoreOp::Type::kNewSeed, {}, *seed}, OpMeta{&state, std::move(done), {}}});
    if (!impl.enqueue(std::move(ops))) {
      return core::fail(core::ErrorCode::kCancelled, "the engine is shutting down");
    }
    slot.handed_to_commit = true;  // the commit thread releases it with the completion
    state.seed = std::move(*seed);
    state.next_nonce = 0;
  }
  // Wait outside the lock: nothing waits for the commit thread while holding a user lock.
  CORE_RETURN_IF_ERROR(future.get());
  return revealed;
}

}  // namespace autobets
