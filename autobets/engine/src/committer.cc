// The commit thread: writes everything queued in one transaction, then answers the
// requests; on a failure, undoes the working state that depended on the failed batch.
#include <algorithm>
#include <unordered_set>

#include "engine_impl.h"

namespace autobets {

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

}  // namespace autobets
