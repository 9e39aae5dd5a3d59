// The exit codes every dorky tool shares (documented in dorky/docs/exit-codes.md).
#pragma once

#include "core/status.h"

namespace dorky {

enum ExitCode : int {
  kExitOk = 0,        // the job is done
  kExitFindings = 1,  // the job is done and found something (check: lint findings)
  kExitUsage = 2,     // bad arguments or bad input; nothing was written
  kExitIo = 3,        // an I/O error (disk full, unreadable file, a helper binary missing)
};

// Maps an operating error to the exit code a tool returns for it: input problems
// (kInvalidArgument, kNotFound, kCorrupt) are 2, everything else is 3.
int exit_code_for(const core::Error& error);

}  // namespace dorky
