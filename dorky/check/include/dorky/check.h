// check: lint queries for one engine profile. Each finding is reported as
// "<file>:<line>: <reason>"; the tool exits 1 when there is at least one.
//
// Findings: empty query; unknown operator for the engine (naming the engine's own spelling
// when it has one); empty operator value; unbalanced double quotes; unbalanced parentheses;
// more terms or bytes than the engine takes (counted as dorkgen counts them);
// a duplicate of an earlier line (exact bytes, a trailing CR ignored; "line N" counts lines
// across all inputs). Findings come in line order, except duplicates of queries first seen
// after the in-memory table filled --memory: those are found through hash partitions on
// disk and reported after the rest, in line order among themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorky/engine_profile.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct CheckSettings {
  EngineProfile profile;
  bool duplicates = true;
};

struct CheckStats {
  std::uint64_t lines = 0;
  std::uint64_t findings = 0;
  bool duplicates_spilled = false;  // duplicate tracking outgrew memory and used disk
};

// Appends the reasons `query` breaks `profile` (not duplicates) to `reasons`.
void lint_query(std::string_view query, const EngineProfile& profile,
                std::vector<std::string>& reasons);

core::Result<CheckStats> run_check(const CommonOptions& options, const CheckSettings& settings,
                                   Output& out);

}  // namespace dorky
