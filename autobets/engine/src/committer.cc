// The commit thread: writes everything queued in one transaction, then hands the batch to
// the completion thread, which answers the requests; on a failure, undoes the working state that
// depended on the failed batch; on a conflict (another engine moved a user first), re-reads those
// users and runs their requests' in-lock steps again.
#include <algorithm>
#include <unordered_set>

#include "engine_impl.h"

namespace autobets {

void Engine::Impl::complete(StoreOp& op, OpMeta& meta, Reply reply) {
  meta.user->queued.fetch_sub(1, std::memory_order_release);
  if (!meta.done) return;                    // an internal op (a first seed, a transfer_in)
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

std::vector<Engine::Impl::Guard> Engine::Impl::pull_dependents(std::vector<UserState*> users,
                                                               std::vector<StoreOp>& ops,
                                                               std::vector<OpMeta>& metas,
                                                               std::vector<StoreOp>& pulled_ops,
                                                               std::vector<OpMeta>& pulled_metas) {
  // The closure of `users` under "shares a transfer with": a transfer's two ops fail or run
  // again together, so both users' later ops depend on it.
  auto close = [](std::unordered_set<UserState*>& set, const std::vector<OpMeta>& list) {
    bool grew = false;
    for (bool changed = true; changed;) {
      changed = false;
      for (const OpMeta& meta : list) {
        if (!meta.partner) continue;
        bool has_user = set.contains(meta.user), has_partner = set.contains(meta.partner);
        if (has_user != has_partner) {
          set.insert(has_user ? meta.partner : meta.user);
          changed = grew = true;
        }
      }
    }
    return grew;
  };
  // Over the batch and the queue together, until neither adds anyone: a user added through
  // the queue may have a transfer in the batch, and the reverse.
  auto close_all = [&](std::unordered_set<UserState*>& set) {
    bool grew = false;
    while (close(set, metas) | close(set, queue_metas)) grew = true;
    return grew;
  };
  std::unordered_set<UserState*> set(users.begin(), users.end());
  while (true) {
    {
      std::lock_guard lock(queue_mutex);
      close_all(set);
    }
    // Lock in the global order (by user id), as every request does.
    std::vector<UserState*> sorted(set.begin(), set.end());
    std::sort(sorted.begin(), sorted.end(),
              [](UserState* a, UserState* b) { return a->user < b->user; });
    std::vector<Guard> guards;
    guards.reserve(sorted.size());
    for (UserState* state : sorted) guards.push_back(locks.acquire(state->user));
    std::lock_guard lock(queue_mutex);
    // A transfer queued before the locks were taken may link a new user: start again.
    if (close_all(set)) continue;
    auto split = [&](std::vector<StoreOp>& from_ops, std::vector<OpMeta>& from_metas) {
      std::vector<StoreOp> keep_ops;
      std::vector<OpMeta> keep_metas;
      for (std::size_t i = 0; i < from_ops.size(); ++i) {
        bool dependent = set.contains(from_metas[i].user);
        (dependent ? pulled_ops : keep_ops).push_back(std::move(from_ops[i]));
        (dependent ? pulled_metas : keep_metas).push_back(std::move(from_metas[i]));
      }
      from_ops.swap(keep_ops);
      from_metas.swap(keep_metas);
    };
    split(ops, metas);
    split(queue_ops, queue_metas);
    for (UserState* state : set) {
      state->loaded = false;  // re-read from the store on next use
      state->balance_hint.store(-1, std::memory_order_relaxed);
    }
    return guards;
  }
}

void Engine::Impl::fail_batch(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                              const core::Error& error) {
  // Every user of the failed batch has working state that includes records that are not
  // durable. Hold each such user's lock while forgetting that state and pulling the user's
  // later (dependent) ops out of the queue, so no request can read the undone state.
  std::vector<UserState*> users;
  for (auto& meta : metas) users.push_back(meta.user);
  std::vector<StoreOp> failed_ops;
  std::vector<OpMeta> failed_metas;
  auto guards = pull_dependents(std::move(users), ops, metas, failed_ops, failed_metas);
  guards.clear();
  for (std::size_t i = 0; i < failed_ops.size(); ++i) {
    complete(failed_ops[i], failed_metas[i],
             Reply::rejected(ReplyCode::kLedgerWriteFailed,
                             "the ledger write failed, nothing was changed: " + error.message()));
  }
}

void Engine::Impl::resolve_conflict(std::vector<StoreOp>& ops, std::vector<OpMeta>& metas,
                                    const std::vector<std::string>& names) {
  conflicts.fetch_add(1, std::memory_order_relaxed);
  std::vector<UserState*> users;
  for (const auto& name : names) {
    if (UserState* state = find_state(name)) users.push_back(state);
  }
  std::vector<StoreOp> redo_ops;
  std::vector<OpMeta> redo_metas;
  auto guards = pull_dependents(std::move(users), ops, metas, redo_ops, redo_metas);
  // The rest of the batch was not written either: it goes first in the next commit.
  if (!ops.empty()) {
    std::lock_guard lock(queue_mutex);
    queue_ops.insert(queue_ops.begin(), std::make_move_iterator(ops.begin()),
                     std::make_move_iterator(ops.end()));
    queue_metas.insert(queue_metas.begin(), std::make_move_iterator(metas.begin()),
                       std::make_move_iterator(metas.end()));
    ops.clear();
    metas.clear();
  }
  // The pulled ops leave the queue; their requests run again, in their original order, on
  // state read afresh (under the locks, so no other request sees the intermediate state).
  for (OpMeta& meta : redo_metas) meta.user->queued.fetch_sub(1, std::memory_order_release);
  redoing_on_this_thread = true;
  for (std::size_t i = 0; i < redo_ops.size(); ++i) {
    OpMeta& meta = redo_metas[i];
    if (!meta.redo) continue;  // internal: its request queues it again
    core::Status loaded = core::ok_status();
    for (UserState* state : {meta.user, meta.partner}) {
      if (state && loaded) loaded = ensure_loaded(*state);
    }
    if (!loaded) {
      // The reply tells the request failed; its pending entry and repeats go with it.
      meta.user->queued.fetch_add(1, std::memory_order_relaxed);
      complete(redo_ops[i], meta,
               Reply::rejected(ReplyCode::kLedgerWriteFailed,
                               "re-reading the account after a conflict failed, nothing was "
                               "changed: " +
                                   loaded.error().message()));
      continue;
    }
    meta.redo(meta.waiters);
  }
  redoing_on_this_thread = false;
  guards.clear();
}

void Engine::Impl::run_committer() {
  std::vector<StoreOp> ops;
  std::vector<OpMeta> metas;
  // After a batch is answered: the ops queued while it committed plus the batch's own, whose
  // clients may be about to send their next requests (see EngineOptions::gather_window).
  std::size_t gather_target = 0;
  while (true) {
    {
      std::unique_lock lock(queue_mutex);
      queue_ready.wait(lock, [&] { return closing || !queue_ops.empty(); });
      if (queue_ops.empty()) return;  // closing and drained
      if (options.gather_window.count() > 0 && queue_ops.size() < gather_target) {
        queue_ready.wait_for(lock, options.gather_window,
                             [&] { return closing || queue_ops.size() >= gather_target; });
      }
      ops.swap(queue_ops);
      metas.swap(queue_metas);
    }
    auto result = store->commit(ops);
    if (options.gather_window.count() > 0) {
      std::lock_guard lock(queue_mutex);
      gather_target = queue_ops.size() + ops.size();
    }
    if (!result) {
      fail_batch(ops, metas, result.error());
    } else if (result->committed()) {
      // Durable: the completion thread answers the requests while this one writes on.
      {
        std::lock_guard lock(done_mutex);
        done_queue.push_back(DoneBatch{std::move(ops), std::move(metas), std::move(result->seqs)});
      }
      done_ready.notify_one();
    } else {
      resolve_conflict(ops, metas, result->conflicts);
    }
    ops.clear();
    metas.clear();
  }
}

void Engine::Impl::run_completer() {
  while (true) {
    DoneBatch batch;
    {
      std::unique_lock lock(done_mutex);
      done_ready.wait(lock, [&] { return committer_finished || !done_queue.empty(); });
      if (done_queue.empty()) return;  // the commit thread finished and everything is answered
      batch = std::move(done_queue.front());
      done_queue.pop_front();
    }
    complete_committed(batch.ops, batch.metas, batch.seqs);
  }
}

}  // namespace autobets
