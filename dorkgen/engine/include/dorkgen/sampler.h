// Sampling mode: `size` distinct queries drawn without replacement from a plan's index space.
// Index i of the run is decoded from KeyedPermutation(total, seed).at(i), rendered, and
// emitted only if the dedup set has not seen its string, so the output is duplicate free even
// where two tuples render the same text. Memory: the dedup set (sized up front for `size`
// entries, within the budget) plus fixed buffers; nothing grows with the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "core/status.h"
#include "dorkgen/output.h"
#include "dorkgen/plan.h"
#include "dorkgen/uint128.h"

namespace dorkgen {

// Progress reports: queries emitted so far and the target. Called from the generating thread,
// roughly every million queries and once at the end; must be cheap.
using ProgressFn = std::function<void(u128 done, u128 target)>;

struct SampleOptions {
  u128 size = 0;
  std::uint64_t seed = 0;
  OutputFormat format = OutputFormat::kLines;
  std::size_t memory_budget_bytes = std::size_t{1} << 30;  // for the dedup set
  const std::atomic<bool>* cancel = nullptr;               // checked between batches
  ProgressFn progress;
};

struct RunStats {
  u128 emitted = 0;            // queries written
  u128 indices_drawn = 0;      // permutation outputs consumed
  u128 string_duplicates = 0;  // tuples skipped because their string was already emitted
};

// Writes `options.size` distinct queries to `sink` and calls sink.finish().
// Fails before writing anything (kInvalidArgument / kFailedPrecondition) when size exceeds the
// space or the dedup set cannot fit the budget. Fails with kFailedPrecondition if the space runs
// out because tuples rendered the same strings (the message says how many distinct strings
// there were), with kCancelled when cancelled, or with the sink's error; in every failure case
// sink.finish() is not called, so a file sink leaves no output behind.
// Thread safety: keeps no global state; concurrent calls may share one Plan (each with its own
// sink). Run it on a worker thread and set *options.cancel from another to stop it.
core::Result<RunStats> sample(const Plan& plan, const SampleOptions& options, ByteSink& sink);

}  // namespace dorkgen
