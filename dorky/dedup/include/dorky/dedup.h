// dedup: order-preserving removal of duplicate lines. Each distinct line is written once,
// where it first appears, with its bytes unchanged.
//
// Memory: when the distinct lines fit in the budget the input is streamed through an
// in-memory LineSet and first occurrences are written as they arrive. Otherwise (known up
// front from the input size, or found when the set outgrows the budget) lines are
// partitioned by hash into spill files tagged with their input position, each partition
// is deduplicated on its own (split again if it still does not fit), and the survivors are
// merged back in input order. Memory stays under the budget; disk use is about twice the
// input.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct DedupStats {
  std::uint64_t lines_in = 0;
  std::uint64_t lines_out = 0;
  bool external = false;  // whether the spill path ran
};

// Reads options.inputs, writes the distinct lines to `out` (not committed: the caller
// commits on success). Fails with kNotFound/kIo for unreadable inputs, kIo for spill files.
core::Result<DedupStats> run_dedup(const CommonOptions& options, Output& out);

}  // namespace dorky
