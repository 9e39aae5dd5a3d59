// Starting a program as a child process, talking to it through pipes or a pseudo-terminal and
// learning how it ended: the one way every binary and test of the suite runs another
// program (or, for tests that kill a process mid-call, a forked copy of itself). The
// program gets an argument vector, never a shell command line (run /bin/sh -c yourself
// where a shell is the point).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace core {

// How a child ended, or why it never started.
struct ExitStatus {
  enum class Kind { kExited, kSignaled, kNotStarted };
  Kind kind = Kind::kNotStarted;
  int code = 0;         // kExited: the exit code
  int signal = 0;       // kSignaled: the signal that ended it
  int start_errno = 0;  // kNotStarted: the errno exec failed with (ENOENT, EACCES, ...)

  // From a waitpid() status.
  static ExitStatus from_wait_status(int status);

  // The status a shell reports (docs/exit-codes.md): the code; 128 + the signal; when the
  // program could not be started, 127 if it is not there (ENOENT, ENOTDIR) and 126 if it is
  // but cannot be executed (EACCES, ENOEXEC, ...).
  int shell_code() const;
  // Worded to follow the program's name: "exited with code 3", "was killed by signal SIGSEGV
  // (Segmentation fault)", "could not be started: No such file or directory".
  std::string describe() const;
  bool success() const { return kind == Kind::kExited && code == 0; }
};

// "SIGSEGV" for 11 and so on; "signal 63" for one without a name.
std::string signal_name(int signal);

// Where one of the child's standard streams goes.
struct Stdio {
  enum class Kind { kInherit, kNull, kPipe, kFile, kFd, kTerminal, kStdout };
  Kind kind = Kind::kInherit;
  std::filesystem::path path;  // kFile: read (stdin) or created and truncated (stdout, stderr)
  int fd = -1;                 // kFd: a descriptor of ours (not owned) the child gets a copy of

  static Stdio inherit() { return {}; }
  static Stdio null() { return {Kind::kNull, {}, -1}; }
  static Stdio pipe() { return {Kind::kPipe, {}, -1}; }
  static Stdio file(std::filesystem::path path) { return {Kind::kFile, std::move(path), -1}; }
  static Stdio descriptor(int fd) { return {Kind::kFd, {}, fd}; }
  // The child's side of a new pseudo-terminal. Every stream given terminal() shares the one
  // terminal; the child then starts a new session with it as its controlling terminal (so a
  // ^C written to it interrupts the child as a keyboard would), and Child::terminal_fd() is
  // our side. Reading our side fails (EIO) once the child and its children have closed theirs.
  static Stdio terminal() { return {Kind::kTerminal, {}, -1}; }
  // For stderr only: a copy of the child's stdout, wherever that goes (the shell's 2>&1).
  // Given for stdin or stdout, spawn() fails with kInvalidArgument.
  static Stdio same_as_stdout() { return {Kind::kStdout, {}, -1}; }
};

// Our environment with each "NAME=value" of `set` in place of the variable of that name, and
// each NAME of `unset` removed (a NAME ending in '*' removes every variable whose name starts
// with the rest): for SpawnOptions::env when a child needs a few changes only.
std::vector<std::string> environment_with(const std::vector<std::string>& set,
                                          const std::vector<std::string>& unset = {});

// The signals a child starts with their default action unless told otherwise. Ignored
// signals stay ignored across exec, so a child of a process that ignores SIGPIPE or SIGINT
// would otherwise inherit that.
std::vector<int> default_reset_signals();  // SIGINT SIGQUIT SIGPIPE SIGTERM SIGHUP SIGCHLD

struct SpawnOptions {
  Stdio in, out, err;
  // Where the child starts; empty: our working directory. Must exist.
  std::filesystem::path cwd;
  // The child's whole environment ("NAME=value"); nullopt: ours.
  std::optional<std::vector<std::string>> env;
  // Look `path` up on $PATH when it has no '/' (as the shell does).
  bool search_path = false;
  // Signals given their default action in the child; it also starts with no signal blocked.
  std::vector<int> reset_signals = default_reset_signals();
};

// What communicate() collected.
struct Captured {
  ExitStatus status;
  std::string out;  // the child's stdout, when it was a pipe
  std::string err;  // the child's stderr, when it was a pipe
};

// A started child. Move-only. Destroying a child that was not waited for kills it (SIGKILL)
// and reaps it, so no test or error path leaves a process behind. Not thread safe.
class Child {
 public:
  // Starts `path` with `argv` (argv[0] is conventionally the program's name). Fails only when
  // we cannot: no pipe, no process, a Stdio file that cannot be opened, a missing `cwd`
  // (kNotFound or kIo, naming what). A program that cannot be executed is not an error
  // here: the Child is then not running and wait() says kNotStarted with exec's errno.
  static Result<Child> spawn(const std::string& path, const std::vector<std::string>& argv,
                             const SpawnOptions& options = {});

  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  // Runs `body` in a forked copy of this process (no exec), which exits with what `body`
  // returns (or as `body` ends it: a signal, _exit; an exception escaping it aborts the copy). For
  // tests that kill a process in the middle of a library call. The copy has only the calling
  // thread, so `body` must not wait for locks other threads might hold. Its streams are ours; it is
  // waited for and killed like any Child. Fails (kIo) only when there is no process to be had.
  static Result<Child> fork(const std::function<int()>& body);

  // -1 when the program could not be started or the child was reaped.
  pid_t pid() const { return pid_; }
  bool started() const { return start_errno_ == 0; }

  // Our ends of the pipes (-1 for a stream that is not a pipe, or was closed or released).
  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  // Our side of the pseudo-terminal of a Stdio::terminal() stream (-1 without one, or once
  // closed): read what the child writes to it, write what it should read.
  int terminal_fd() const { return terminal_; }
  // Closes our end of the child's stdin (the child sees end of file).
  void close_stdin();
  // Closes our end of a pipe the caller is done reading.
  void close_stdout();
  void close_stderr();
  void close_terminal();

  // Sends `signal`; false when the child is not running (or not ours any more).
  bool kill(int signal);

  // Waits for the child to end (retrying on EINTR) and reaps it. Fails with kIo only when
  // waiting itself fails. Calling it again returns the same status.
  Result<ExitStatus> wait();
  // Reaps the child if it has ended, without waiting: its status (as wait() then returns it
  // too), or nullopt while it runs. Fails with kIo only when asking fails.
  Result<std::optional<ExitStatus>> try_wait();

  // Writes `input` to the child's stdin pipe (if any) and closes it, while collecting its
  // stdout and stderr pipes (if any), then waits. A terminal is not read: drain
  // terminal_fd() first when the child writes much to it. A child that exits without reading all of
  // `input` is not an error (the rest is dropped, with no SIGPIPE for us). Output beyond
  // `limit_bytes` per stream is read and dropped.
  Result<Captured> communicate(std::string_view input = {},
                               std::size_t limit_bytes = static_cast<std::size_t>(-1));

 private:
  Child() = default;
  void reset();

  pid_t pid_ = -1;
  int start_errno_ = 0;
  int in_ = -1;
  int out_ = -1;
  int err_ = -1;
  int terminal_ = -1;
  std::optional<ExitStatus> status_;
};

// Runs `/bin/sh -c command` with `options` and collects its output (communicate() with no
// input): for callers whose command line is meant for a shell (pipes, redirections).
Result<Captured> run_shell_command(const std::string& command, const SpawnOptions& options);

}  // namespace core
