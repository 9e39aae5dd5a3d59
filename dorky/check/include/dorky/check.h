// check: lint queries for one engine profile. Each finding is reported as
// "<file>:<line>: <reason>"; the tool exits 1 when there is at least one.
//
// Findings: empty query; unknown operator for the engine; empty operator value; unbalanced
// double quotes; unbalanced parentheses; more terms or characters than the engine takes;
// a duplicate of an earlier line (exact bytes, a trailing CR ignored; tracked while the
// seen lines fit in --memory, with a note on stderr when tracking stops).
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
  bool duplicates_stopped = false;  // the memory budget ended duplicate tracking early
};

// Appends the reasons `query` breaks `profile` (not duplicates) to `reasons`.
void lint_query(std::string_view query, const EngineProfile& profile,
                std::vector<std::string>& reasons);

core::Result<CheckStats> run_check(const CommonOptions& options, const CheckSettings& settings,
                                   Output& out);

}  // namespace dorky
