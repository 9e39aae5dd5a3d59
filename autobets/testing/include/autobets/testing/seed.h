// Reproducible randomness for simulation tests: every random choice of a test (operations,
// users, amounts, faults, kill times) derives from one seed, printed when the test fails,
// so `AUTOBETS_SEED=N` re-runs exactly that schedule of operations and faults.
#pragma once

#include <cstdint>

namespace autobets::testing {

// AUTOBETS_SEED if set (decimal), else a fresh random seed. Tests print it on failure with
// SCOPED_TRACE("AUTOBETS_SEED=" + std::to_string(seed)).
std::uint64_t simulation_seed();

// A stream of independent seeds derived from one (splitmix64), e.g. one per thread.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace autobets::testing
