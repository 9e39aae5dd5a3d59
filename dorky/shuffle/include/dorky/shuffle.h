// shuffle: a uniformly random permutation of the input lines, reproducible with a seed.
//
// Lines are gathered into an in-memory chunk of at most the memory budget. If the whole
// input fits, the chunk is Fisher-Yates shuffled and written. Otherwise each full chunk is
// shuffled and written to a spill file (a "run"), and the runs are merged by repeatedly
// drawing the next line from run i with probability remaining(i) / remaining(all): every
// interleaving of the runs is then equally likely, so the result is a uniform permutation.
// Merges stay within the budget: at most 64 runs at once, fewer when their read buffers
// (grown for their longest lines) would not fit; more runs are merged in levels as they
// are made, so memory and open files stay bounded however large the input. A line longer
// than an eighth of the budget is refused (exit 2) rather than blowing the budget.
// Every output line ends with '\n' (a last input line without one gains it, since it may
// no longer be last).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct ShuffleStats {
  std::uint64_t lines = 0;
  std::uint64_t runs = 0;  // 0 when the input fit in memory
};

// Reads options.inputs and writes their lines, permuted, to `out` (uncommitted). The same
// seed and input (and --memory) give the same output.
core::Result<ShuffleStats> run_shuffle(const CommonOptions& options, std::uint64_t seed,
                                       Output& out);

}  // namespace dorky
