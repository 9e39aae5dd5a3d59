#include "dorky/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dorky {
namespace {

constexpr std::size_t kStderrTailBytes = 4096;

// Restores the caller's SIGINT/SIGQUIT dispositions when the run ends, however it ends.
class IgnoreInterrupts {
 public:
  IgnoreInterrupts() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &old_int_);
    ::sigaction(SIGQUIT, &ignore, &old_quit_);
  }
  ~IgnoreInterrupts() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGQUIT, &old_quit_, nullptr);
  }
  IgnoreInterrupts(const IgnoreInterrupts&) = delete;
  IgnoreInterrupts& operator=(const IgnoreInterrupts&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_quit_ {};
};

// SIGTERM and SIGHUP sent to the launcher are passed on to the running tool (so `timeout`
// or a closed terminal ends both), through a self-pipe the wait loop watches.
int g_forward_pipe[2] = {-1, -1};

void forward_signal(int signal) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signal);
  (void)!::write(g_forward_pipe[1], &byte, 1);
  errno = saved;
}

class ForwardTermination {
 public:
  ForwardTermination() {
    if (::pipe2(g_forward_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
    struct sigaction forward {};
    forward.sa_handler = forward_signal;
    sigemptyset(&forward.sa_mask);
    ::sigaction(SIGTERM, &forward, &old_term_);
    ::sigaction(SIGHUP, &forward, &old_hup_);
    active_ = true;
  }
  ~ForwardTermination() {
    if (!active_) return;
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGHUP, &old_hup_, nullptr);
    ::close(g_forward_pipe[0]);
    ::close(g_forward_pipe[1]);
    g_forward_pipe[0] = g_forward_pipe[1] = -1;
  }
  ForwardTermination(const ForwardTermination&) = delete;
  ForwardTermination& operator=(const ForwardTermination&) = delete;
  int fd() const { return active_ ? g_forward_pipe[0] : -1; }

 private:
  bool active_ = false;
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
};

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

core::Error os_error(const std::string& what) {
  return core::Error(core::ErrorCode::kIo, what + ": " + std::strerror(errno));
}

core::Status make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return core::fail(os_error("creating a pipe"));
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return core::ok_status();
}

[[noreturn]] void exec_child(const std::string& path, const std::vector<std::string>& args,
                             const RunOptions& options, int stdout_fd, int stderr_fd,
                             int error_fd) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig : {SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!options.inherit_stdin) {
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
  }
  if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
  if (stderr_fd >= 0) ::dup2(stderr_fd, STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  ::execv(path.c_str(), argv.data());
  int saved = errno;
  (void)!::write(error_fd, &saved, sizeof saved);
  ::_exit(127);
}

// Reads what is available from `fd` into `sink`; returns false at end of file.
bool drain(int fd, std::string& sink, std::size_t limit, bool forward, bool keep_tail) {
  char buffer[65536];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  if (forward) {
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(STDERR_FILENO, buffer + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;  // our stderr is gone; keep draining anyway
      done += w;
    }
  }
  sink.append(buffer, static_cast<std::size_t>(n));
  if (sink.size() > limit) {
    if (keep_tail) {
      sink.erase(0, sink.size() - limit);
    } else {
      sink.resize(limit);
    }
  }
  return true;
}

}  // namespace

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  if (abbrev == nullptr) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbrev;
}

int Outcome::launcher_exit_code() const {
  switch (kind) {
    case Kind::kExited:
      return exit_code;
    case Kind::kSignaled:
      return 128 + signal;
    case Kind::kTimedOut:
      return 124;
    case Kind::kNotStarted:
      return start_errno == ENOENT || start_errno == ENOTDIR ? 127 : 126;
  }
  return 127;
}

std::string Outcome::describe() const {
  switch (kind) {
    case Kind::kExited:
      return "exited with code " + std::to_string(exit_code);
    case Kind::kSignaled: {
      const char* text = ::sigdescr_np(signal);
      return "was killed by signal " + signal_name(signal) +
             (text != nullptr ? std::string(" (") + text + ")" : std::string());
    }
    case Kind::kTimedOut:
      return "timed out and was stopped with " + signal_name(signal);
    case Kind::kNotStarted:
      return "could not be started: " + start_error;
  }
  return "unknown";
}

core::Result<Outcome> run_process(const std::string& path, const std::vector<std::string>& args,
                                  const RunOptions& options) {
  Fd err_read, err_write, out_read, out_write, exec_read, exec_write;
  CORE_RETURN_IF_ERROR(make_pipe(exec_read, exec_write));
  if (options.capture_stderr) CORE_RETURN_IF_ERROR(make_pipe(err_read, err_write));
  if (options.capture_stdout) CORE_RETURN_IF_ERROR(make_pipe(out_read, out_write));

  IgnoreInterrupts ignore_interrupts;
  ForwardTermination forward_termination;
  pid_t pid = ::fork();
  if (pid < 0) return core::fail(os_error("starting " + path));
  if (pid == 0) {
    exec_child(path, args, options, out_write.get(), err_write.get(), exec_write.get());
  }
  exec_write.reset();
  err_write.reset();
  out_write.reset();

  Outcome outcome;
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_read.get(), &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  bool exec_failed = got == static_cast<ssize_t>(sizeof exec_errno);

  Fd pid_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pid_fd.get() < 0) {
    int saved = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    errno = saved;
    return core::fail(os_error("watching the child process"));
  }

  using Clock = std::chrono::steady_clock;
  // A time_point plus a flag rather than std::optional: g++ 12 warns falsely on the latter.
  bool has_deadline = options.timeout.has_value();
  Clock::time_point deadline =
      Clock::now() + options.timeout.value_or(std::chrono::milliseconds(0));
  bool child_done = false, timed_out = false, killed = false;
  int kill_signal = 0;
  while (!child_done || err_read.get() >= 0 || out_read.get() >= 0) {
    pollfd fds[4];
    nfds_t count = 0;
    fds[count++] = {child_done ? -1 : pid_fd.get(), POLLIN, 0};
    fds[count++] = {err_read.get(), POLLIN, 0};
    fds[count++] = {out_read.get(), POLLIN, 0};
    fds[count++] = {child_done ? -1 : forward_termination.fd(), POLLIN, 0};
    int wait_ms = -1;
    if (has_deadline && !child_done) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<std::int64_t>(0, left.count()));
    }
    if (child_done) wait_ms = 1000;  // pipes held open by a grandchild: do not wait forever
    int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0 && child_done) break;
    if (ready == 0 && has_deadline && Clock::now() >= deadline) {
      if (!timed_out) {
        timed_out = true;
        kill_signal = SIGTERM;
        ::kill(pid, SIGTERM);
        deadline = Clock::now() + options.kill_grace;
      } else if (!killed) {
        killed = true;
        kill_signal = SIGKILL;
        ::kill(pid, SIGKILL);
        has_deadline = false;
      }
      continue;
    }
    if (fds[3].revents != 0) {
      unsigned char signal_number = 0;
      while (::read(forward_termination.fd(), &signal_number, 1) == 1) {
        ::kill(pid, signal_number);
      }
    }
    if (fds[0].revents != 0) child_done = true;
    if (fds[1].revents != 0 && !drain(err_read.get(), outcome.stderr_tail, kStderrTailBytes,
                                      !options.quiet_stderr, true)) {
      err_read.reset();
    }
    if (fds[2].revents != 0 &&
        !drain(out_read.get(), outcome.stdout_text, options.stdout_limit_bytes, false, false)) {
      out_read.reset();
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return core::fail(os_error("waiting for " + path));
  }
  if (exec_failed) {
    outcome.kind = Outcome::Kind::kNotStarted;
    outcome.start_error = path + ": " + std::strerror(exec_errno);
    outcome.start_errno = exec_errno;
  } else if (timed_out) {
    outcome.kind = Outcome::Kind::kTimedOut;
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : kill_signal;
  } else if (WIFSIGNALED(status)) {
    outcome.kind = Outcome::Kind::kSignaled;
    outcome.signal = WTERMSIG(status);
  } else {
    outcome.kind = Outcome::Kind::kExited;
    outcome.exit_code = WEXITSTATUS(status);
  }
  return outcome;
}

}  // namespace dorky
