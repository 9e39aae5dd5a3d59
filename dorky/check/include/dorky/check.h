// check: lint queries for one engine profile. Each finding has a severity, a stable code
// (dorky/docs/check-findings.md lists them all), a 1-based byte column and a message, and is
// reported as "<file>:<line>:<column>: <severity>: <message> [<code>]", or with --json as one
// object a line: {"file","line","column","severity","code","message"}.
//
// Errors are what the engine rejects or reads otherwise than written (an unclosed quote, an
// empty site:, an operator this engine lacks, more terms or bytes than it takes); warnings
// are what is probably not what was meant (a retired operator, "site: x" with a space, a
// duplicate line). Text that merely ends in a colon ("index of:", "Re:") is text, as the
// engines read it. "line N" counts lines across all inputs. Findings come in line order,
// except duplicates of queries first seen after the in-memory table filled --memory: those
// are found through hash partitions on disk and reported after the rest, in line order among
// themselves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dorky/engine_profile.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

enum class Severity { kWarning, kError };

struct Finding {
  Severity severity = Severity::kError;
  std::string_view code;   // stable, e.g. "unclosed-quote"; static storage
  std::size_t column = 1;  // 1-based byte column in the line; 1 for whole-query findings
  std::string message;
};

struct CheckSettings {
  EngineProfile profile;
  bool duplicates = true;
  bool errors_only = false;  // report errors only (warnings are still counted)
  bool json = false;         // one JSON object a line instead of text
};

struct CheckStats {
  std::uint64_t lines = 0;
  std::uint64_t errors = 0;
  std::uint64_t warnings = 0;
  bool duplicates_spilled = false;  // duplicate tracking outgrew memory and used disk
};

// Appends what `query` does wrong for `profile` (not duplicates) to `findings`, in column
// order within each kind.
void lint_query(std::string_view query, const EngineProfile& profile,
                std::vector<Finding>& findings);

// "error" or "warning".
std::string_view severity_name(Severity severity);

core::Result<CheckStats> run_check(const CommonOptions& options, const CheckSettings& settings,
                                   Output& out);

}  // namespace dorky
