// The exit statuses every binary of the suite returns (docs/exit-codes.md), and the one
// mapping from an operating error to its status. Scripts rely on these numbers: never
// renumber one, and give a new meaning a new number.
#pragma once

#include "core/status.h"

namespace core {

enum ExitCode : int {
  kExitOk = 0,        // the job is done
  kExitFindings = 1,  // done, and found something or refused (as grep and diff use 1):
                      // lint findings, a business rejection, a command that got no answer
  kExitUsage = 2,     // usage or input error: bad arguments or input; changing them is the fix
  kExitIo = 3,        // I/O or operating error: disk full, unreadable file, a dependency down
  // The launcher's statuses for a child it runs (the conventions of timeout(1) and the shell).
  kExitTimeout = 124,       // the time limit expired and the child was stopped
  kExitLaunchFailed = 125,  // the launcher itself failed (fork, pipe) before the child ran
  kExitCannotRun = 126,     // the program exists but could not be executed
  kExitNotFound = 127,      // no such program
  kExitSignalBase = 128,    // 128 + N: ended by signal N (130 SIGINT, 141 SIGPIPE, 143 SIGTERM)
};

// 128 + `signal`: the status of a run ended by that signal, as the shell reports it.
int exit_code_for_signal(int signal);

// The status for an operating error, the same in every binary:
//   kInvalidArgument, kNotFound, kAlreadyExists, kFailedPrecondition, kCorrupt -> 2 (the input,
//     a named file or the state it names must change: rerunning the same command fails again);
//   kIo, kUnavailable, kInternal -> 3 (the environment failed: rerunning may succeed);
//   kCancelled -> 130 (128 + SIGINT: the user stopped the run).
// An Error is never 1: 1 is a result the program computed, not a failure to compute it.
int exit_code_for(ErrorCode code);
int exit_code_for(const Error& error);

}  // namespace core
