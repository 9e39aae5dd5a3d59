// reverse: the input lines in reverse order, with memory bounded by a block size rather
// than the input size.
//
// A single regular file is read backwards in large blocks (like tac). Other inputs (stdin,
// several files) are first spooled: in memory while they fit the budget, otherwise to a
// spill file, which is then read backwards. Every output line ends with '\n' (a last line
// without one gains it, since it comes out first).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct ReverseStats {
  std::uint64_t lines = 0;
  bool spooled = false;  // input went through a spill file
};

core::Result<ReverseStats> run_reverse(const CommonOptions& options, Output& out);

}  // namespace dorky
