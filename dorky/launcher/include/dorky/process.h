// Running one tool as an isolated child process and saying how it ended. The launcher's
// only contact with a tool is its path, its arguments and its exit status: no shared memory,
// no linked code, so a tool that crashes, aborts or hangs cannot take the launcher down.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/process.h"
#include "core/status.h"

namespace dorky {

struct RunOptions {
  // Kill the child (SIGTERM, then SIGKILL after a grace period) when it runs longer.
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds kill_grace{2000};
  // Pipe the child's stderr through the launcher: drained while the child runs (so a chatty
  // child can never block), forwarded to our stderr unless `quiet_stderr`, and its tail kept
  // in Outcome::stderr_tail. When false the child inherits our stderr (a terminal keeps
  // showing the tool's progress).
  bool capture_stderr = false;
  bool quiet_stderr = false;
  // Collect the child's stdout into Outcome::stdout_text (bounded by `stdout_limit_bytes`)
  // instead of inheriting it.
  bool capture_stdout = false;
  std::size_t stdout_limit_bytes = 64 << 10;
  // Leave stdin attached? When false the child gets /dev/null.
  bool inherit_stdin = true;
};

struct Outcome {
  enum class Kind { kExited, kSignaled, kTimedOut, kNotStarted };
  Kind kind = Kind::kNotStarted;
  int exit_code = 0;        // kExited
  int signal = 0;           // kSignaled, and the signal that finally ended a kTimedOut child
  std::string start_error;  // kNotStarted: why exec failed
  int start_errno = 0;      // kNotStarted: the errno exec failed with
  std::string stderr_tail;  // last bytes of stderr when captured
  std::string stdout_text;  // when captured

  // The exit code a launcher passes on: the child's own code; 128 + signal for a signal
  // (shell convention); 124 for a timeout; when it could not be started, 127 if the file is
  // not there (ENOENT, ENOTDIR) and 126 if it is but cannot be run (EACCES, ENOEXEC, ...).
  int launcher_exit_code() const;
  // What happened, worded to follow the tool's name: "exited with code 3", "was killed by
  // signal SIGSEGV (Segmentation fault)", "timed out and was stopped with SIGTERM", "could
  // not be started: ...".
  std::string describe() const;
};

// "SIGSEGV" for 11 and so on; "signal 63" for one without a name.
using core::signal_name;

// Runs `path` with `args` (args[0] is conventionally the tool name; started with
// core::Child) and waits for it.
// While the child runs, SIGINT and SIGQUIT are ignored by the caller's process (as system()
// does), so Ctrl-C on a terminal reaches the tool, not the launcher; the child gets default
// dispositions. SIGTERM and SIGHUP received meanwhile are passed on to the child (so
// `timeout dorky ...` or a closed terminal ends the tool too). Returns an Error only when the
// launcher itself fails (no pipe, no fork); everything about the child is in the Outcome. Not
// thread safe (it changes the process's signal dispositions for the duration).
core::Result<Outcome> run_process(const std::string& path, const std::vector<std::string>& args,
                                  const RunOptions& options);

}  // namespace dorky
