// The exit codes of every dorky tool: the suite's table (core/exit_codes.h,
// docs/exit-codes.md), under the names the tools use.
#pragma once

#include "core/exit_codes.h"

namespace dorky {

using core::exit_code_for;
using core::ExitCode;
using core::kExitFindings;
using core::kExitIo;
using core::kExitOk;
using core::kExitUsage;

}  // namespace dorky
