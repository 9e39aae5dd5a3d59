#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/exit_codes.h"

extern char** environ;

namespace core {
namespace {

Error os_error(const std::string& what) {
  return Error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

// Descriptors and spawn structures closed or destroyed however spawn() returns.
class Fds {
 public:
  ~Fds() {
    for (int fd : fds_) ::close(fd);
  }
  int keep(int fd) {
    fds_.push_back(fd);
    return fd;
  }
  // Forgets `fd` without closing it (it now belongs to the Child).
  void release(int fd) { std::erase(fds_, fd); }

 private:
  std::vector<int> fds_;
};

// A posix_spawn structure, initialised and destroyed with its scope.
template <class T, int (*Init)(T*), int (*Destroy)(T*)>
class Scoped {
 public:
  Scoped() { Init(&value_); }
  ~Scoped() { Destroy(&value_); }
  Scoped(const Scoped&) = delete;
  Scoped& operator=(const Scoped&) = delete;
  T* get() { return &value_; }

 private:
  T value_;
};
using SpawnActions = Scoped<posix_spawn_file_actions_t, ::posix_spawn_file_actions_init,
                            ::posix_spawn_file_actions_destroy>;
using SpawnAttributes =
    Scoped<posix_spawnattr_t, ::posix_spawnattr_init, ::posix_spawnattr_destroy>;

// The pseudo-terminal the Stdio::terminal() streams of one spawn share.
struct Terminal {
  int ours = -1;           // our side (the master), -1 until opened
  std::string child_side;  // the path the child opens
  int first_target = -1;   // the child's first descriptor on it; the others are copies
};

Result<int> open_terminal(Terminal& terminal, Fds& fds) {
  int ours = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (ours < 0) return fail(os_error("opening a pseudo-terminal"));
  fds.keep(ours);
  char name[128];
  if (::grantpt(ours) != 0 || ::unlockpt(ours) != 0 || ::ptsname_r(ours, name, sizeof name) != 0) {
    return fail(os_error("preparing a pseudo-terminal"));
  }
  terminal.ours = ours;
  terminal.child_side = name;
  return ours;
}

// Arranges for the child's descriptor `target` to be `stdio`; returns our end of a pipe
// (or -1). `input`: the child reads it.
Result<int> arrange(const Stdio& stdio, int target, bool input, posix_spawn_file_actions_t* actions,
                    Terminal& terminal, Fds& fds) {
  switch (stdio.kind) {
    case Stdio::Kind::kStdout:
      if (target != STDERR_FILENO) {
        return fail(ErrorCode::kInvalidArgument,
                    "only stderr can be a copy of stdout (Stdio::same_as_stdout)");
      }
      ::posix_spawn_file_actions_adddup2(actions, STDOUT_FILENO, target);
      return -1;
    case Stdio::Kind::kTerminal:
      if (terminal.first_target >= 0) {
        ::posix_spawn_file_actions_adddup2(actions, terminal.first_target, target);
        return -1;
      }
      if (terminal.ours < 0) {
        auto opened = open_terminal(terminal, fds);
        if (!opened) return fail(opened.error());
      }
      // Opened by the child, a session leader by then (POSIX_SPAWN_SETSID), without
      // O_NOCTTY: it becomes the child's controlling terminal.
      ::posix_spawn_file_actions_addopen(actions, target, terminal.child_side.c_str(), O_RDWR, 0);
      terminal.first_target = target;
      return -1;
    case Stdio::Kind::kInherit:
      return -1;
    case Stdio::Kind::kNull:
      ::posix_spawn_file_actions_addopen(actions, target, "/dev/null", input ? O_RDONLY : O_WRONLY,
                                         0);
      return -1;
    case Stdio::Kind::kPipe: {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC) != 0) return fail(os_error("creating a pipe"));
      fds.keep(ends[0]);
      fds.keep(ends[1]);
      ::posix_spawn_file_actions_adddup2(actions, input ? ends[0] : ends[1], target);
      return input ? ends[1] : ends[0];
    }
    case Stdio::Kind::kFile: {
      // Opened here rather than by posix_spawn, so that a file that cannot be opened is told
      // apart from a program that cannot be executed.
      int flags = input ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
      int fd = ::open(stdio.path.c_str(), flags | O_CLOEXEC, 0644);
      if (fd < 0) {
        ErrorCode code =
            errno == ENOENT || errno == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo;
        return fail(code, "opening " + stdio.path.string() + ": " + std::strerror(errno));
      }
      ::posix_spawn_file_actions_adddup2(actions, fds.keep(fd), target);
      return -1;
    }
    case Stdio::Kind::kFd:
      ::posix_spawn_file_actions_adddup2(actions, stdio.fd, target);
      return -1;
  }
  return -1;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what `fd` has into `sink` (up to `limit` bytes kept); false at end of file or on an
// error other than EINTR/EAGAIN.
bool read_some(int fd, std::string& sink, std::size_t limit) {
  char buffer[65536];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  std::size_t keep = std::min(static_cast<std::size_t>(n), limit - std::min(limit, sink.size()));
  sink.append(buffer, keep);
  return true;
}

}  // namespace

ExitStatus ExitStatus::from_wait_status(int status) {
  ExitStatus result;
  if (WIFSIGNALED(status)) {
    result.kind = Kind::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.kind = Kind::kExited;
    result.code = WEXITSTATUS(status);
  }
  return result;
}

int ExitStatus::shell_code() const {
  switch (kind) {
    case Kind::kExited:
      return code;
    case Kind::kSignaled:
      return exit_code_for_signal(signal);
    case Kind::kNotStarted:
      return start_errno == ENOENT || start_errno == ENOTDIR ? kExitNotFound : kExitCannotRun;
  }
  return kExitNotFound;
}

std::string ExitStatus::describe() const {
  switch (kind) {
    case Kind::kExited:
      return "exited with code " + std::to_string(code);
    case Kind::kSignaled: {
      const char* text = ::sigdescr_np(signal);
      return "was killed by signal " + signal_name(signal) +
             (text != nullptr ? std::string(" (") + text + ")" : std::string());
    }
    case Kind::kNotStarted:
      return std::string("could not be started: ") + std::strerror(start_errno);
  }
  return "unknown";
}

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  if (abbrev == nullptr) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbrev;
}

std::vector<int> default_reset_signals() {
  return {SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGHUP, SIGCHLD};
}

std::vector<std::string> environment_with(const std::vector<std::string>& set,
                                          const std::vector<std::string>& unset) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string_view> dropped(unset.begin(), unset.end());
  for (const std::string& entry : set) dropped.push_back(name_of(entry));
  auto is_dropped = [&](std::string_view name) {
    return std::any_of(dropped.begin(), dropped.end(), [&](std::string_view pattern) {
      return pattern.ends_with('*') ? name.starts_with(pattern.substr(0, pattern.size() - 1))
                                    : name == pattern;
    });
  };
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!is_dropped(name_of(*entry))) result.emplace_back(*entry);
  }
  result.insert(result.end(), set.begin(), set.end());
  return result;
}

Result<Child> Child::spawn(const std::string& path, const std::vector<std::string>& argv,
                           const SpawnOptions& options) {
  const std::string what = "starting " + path;
  SpawnActions actions;
  SpawnAttributes attributes;
  Fds fds;
  if (!options.cwd.empty()) {
    struct stat info {};
    if (::stat(options.cwd.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      if (errno == 0 || S_ISREG(info.st_mode)) errno = ENOTDIR;
      ErrorCode code = errno == ENOENT || errno == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo;
      return fail(
          code, what + ": working directory " + options.cwd.string() + ": " + std::strerror(errno));
    }
    ::posix_spawn_file_actions_addchdir_np(actions.get(), options.cwd.c_str());
  }
  Terminal terminal;
  auto in = arrange(options.in, STDIN_FILENO, true, actions.get(), terminal, fds);
  if (!in) return fail(in.error().with_context(what));
  auto out = arrange(options.out, STDOUT_FILENO, false, actions.get(), terminal, fds);
  if (!out) return fail(out.error().with_context(what));
  auto err = arrange(options.err, STDERR_FILENO, false, actions.get(), terminal, fds);
  if (!err) return fail(err.error().with_context(what));

  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigemptyset(&none);
  for (int signal : options.reset_signals) sigaddset(&defaults, signal);
  ::posix_spawnattr_setsigdefault(attributes.get(), &defaults);
  ::posix_spawnattr_setsigmask(attributes.get(), &none);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (terminal.ours >= 0) flags |= POSIX_SPAWN_SETSID;
  ::posix_spawnattr_setflags(attributes.get(), flags);

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  char** envp = environ;
  if (options.env) {
    for (const std::string& entry : *options.env) env.push_back(const_cast<char*>(entry.c_str()));
    env.push_back(nullptr);
    envp = env.data();
  }

  Child child;
  int rc = options.search_path ? ::posix_spawnp(&child.pid_, path.c_str(), actions.get(),
                                                attributes.get(), args.data(), envp)
                               : ::posix_spawn(&child.pid_, path.c_str(), actions.get(),
                                               attributes.get(), args.data(), envp);
  if (rc == EAGAIN) {
    errno = rc;
    return fail(os_error(what));  // no process to be had: our failure, not the program's
  }
  if (rc != 0) {
    // glibc reports exec's errno from the child this way; there is no process to wait for.
    child.pid_ = -1;
    child.start_errno_ = rc;
    return child;
  }
  for (int fd : {*in, *out, *err, terminal.ours}) {
    if (fd >= 0) fds.release(fd);
  }
  child.in_ = *in;
  child.out_ = *out;
  child.err_ = *err;
  child.terminal_ = terminal.ours;
  return child;
}

Result<Child> Child::fork(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) return fail(os_error("forking"));
  if (pid == 0) {
    // Never back into the caller's code: the copy would go on running it.
    try {
      ::_exit(body());
    } catch (...) {
      std::abort();
    }
  }
  Child child;
  child.pid_ = pid;
  return child;
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      start_errno_(other.start_errno_),
      in_(std::exchange(other.in_, -1)),
      out_(std::exchange(other.out_, -1)),
      err_(std::exchange(other.err_, -1)),
      terminal_(std::exchange(other.terminal_, -1)),
      status_(std::move(other.status_)) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    reset();
    pid_ = std::exchange(other.pid_, -1);
    start_errno_ = other.start_errno_;
    in_ = std::exchange(other.in_, -1);
    out_ = std::exchange(other.out_, -1);
    err_ = std::exchange(other.err_, -1);
    terminal_ = std::exchange(other.terminal_, -1);
    status_ = std::move(other.status_);
  }
  return *this;
}

Child::~Child() { reset(); }

void Child::reset() {
  close_stdin();
  close_stdout();
  close_stderr();
  close_terminal();
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

void Child::close_stdin() { close_fd(in_); }
void Child::close_stdout() { close_fd(out_); }
void Child::close_stderr() { close_fd(err_); }
void Child::close_terminal() { close_fd(terminal_); }

bool Child::kill(int signal) { return pid_ > 0 && ::kill(pid_, signal) == 0; }

Result<ExitStatus> Child::wait() {
  if (status_) return *status_;
  if (!started()) {
    ExitStatus not_started;
    not_started.start_errno = start_errno_;
    status_ = not_started;
    return *status_;
  }
  int raw = 0;
  while (::waitpid(pid_, &raw, 0) < 0) {
    if (errno != EINTR) return fail(os_error("waiting for process " + std::to_string(pid_)));
  }
  pid_ = -1;
  status_ = ExitStatus::from_wait_status(raw);
  return *status_;
}

Result<std::optional<ExitStatus>> Child::try_wait() {
  if (status_ || !started()) return std::optional<ExitStatus>(*wait());
  int raw = 0;
  pid_t reaped;
  while ((reaped = ::waitpid(pid_, &raw, WNOHANG)) < 0) {
    if (errno != EINTR) return fail(os_error("asking after process " + std::to_string(pid_)));
  }
  if (reaped == 0) return std::optional<ExitStatus>();
  pid_ = -1;
  status_ = ExitStatus::from_wait_status(raw);
  return status_;
}

Result<Captured> Child::communicate(std::string_view input, std::size_t limit_bytes) {
  Captured captured;
  if (in_ >= 0) {
    if (input.empty()) {
      close_stdin();
    } else {
      ::fcntl(in_, F_SETFL, ::fcntl(in_, F_GETFL) | O_NONBLOCK);
    }
  }
  // A child that stops reading makes our write fail with EPIPE and raise SIGPIPE at this
  // thread: keep it blocked meanwhile, and take back the one it raised.
  sigset_t pipe_signal, saved;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &saved);
  bool broken_pipe = false;
  std::size_t written = 0;
  while (in_ >= 0 || out_ >= 0 || err_ >= 0) {
    pollfd polled[3] = {{in_, POLLOUT, 0}, {out_, POLLIN, 0}, {err_, POLLIN, 0}};
    int ready = ::poll(polled, 3, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    if (polled[0].revents != 0) {
      ssize_t n = ::write(in_, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno == EPIPE) broken_pipe = true;
      if ((n < 0 && errno != EINTR && errno != EAGAIN) || written == input.size()) close_stdin();
    }
    if (polled[1].revents != 0 && !read_some(out_, captured.out, limit_bytes)) close_stdout();
    if (polled[2].revents != 0 && !read_some(err_, captured.err, limit_bytes)) close_stderr();
  }
  if (broken_pipe) {
    sigset_t pending;
    sigpending(&pending);
    const timespec now{0, 0};
    if (sigismember(&pending, SIGPIPE) && !sigismember(&saved, SIGPIPE)) {
      ::sigtimedwait(&pipe_signal, nullptr, &now);
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  auto status = wait();
  if (!status) return fail(status.error());
  captured.status = *status;
  return captured;
}

Result<Captured> run_shell_command(const std::string& command, const SpawnOptions& options) {
  auto child = Child::spawn("/bin/sh", {"sh", "-c", command}, options);
  if (!child) return fail(child.error());
  return child->communicate();
}

}  // namespace core
