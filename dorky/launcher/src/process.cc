#include "dorky/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/exit_codes.h"
#include "core/process.h"

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

core::Error os_error(const std::string& what) {
  return core::Error(core::ErrorCode::kIo, what + ": " + std::strerror(errno));
}

// Closes a descriptor of ours when the run ends.
class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

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

// The child's end as core::ExitStatus words it; a timeout is the launcher's own.
core::ExitStatus as_exit_status(const Outcome& outcome) {
  core::ExitStatus status;
  switch (outcome.kind) {
    case Outcome::Kind::kExited:
      status.kind = core::ExitStatus::Kind::kExited;
      status.code = outcome.exit_code;
      break;
    case Outcome::Kind::kSignaled:
    case Outcome::Kind::kTimedOut:
      status.kind = core::ExitStatus::Kind::kSignaled;
      status.signal = outcome.signal;
      break;
    case Outcome::Kind::kNotStarted:
      status.start_errno = outcome.start_errno;
      break;
  }
  return status;
}

int Outcome::launcher_exit_code() const {
  if (kind == Kind::kTimedOut) return core::kExitTimeout;
  return as_exit_status(*this).shell_code();
}

std::string Outcome::describe() const {
  if (kind == Kind::kTimedOut) return "timed out and was stopped with " + signal_name(signal);
  if (kind == Kind::kNotStarted) return "could not be started: " + start_error;
  return as_exit_status(*this).describe();
}

core::Result<Outcome> run_process(const std::string& path, const std::vector<std::string>& args,
                                  const RunOptions& options) {
  core::SpawnOptions spawn;
  spawn.in = options.inherit_stdin ? core::Stdio::inherit() : core::Stdio::null();
  if (options.capture_stdout) spawn.out = core::Stdio::pipe();
  if (options.capture_stderr) spawn.err = core::Stdio::pipe();

  IgnoreInterrupts ignore_interrupts;
  ForwardTermination forward_termination;
  auto child = core::Child::spawn(path, args, spawn);
  if (!child) return core::fail(child.error());
  Outcome outcome;
  if (!child->started()) {
    auto status = child->wait();
    outcome.kind = Outcome::Kind::kNotStarted;
    outcome.start_errno = status->start_errno;
    outcome.start_error = path + ": " + std::strerror(outcome.start_errno);
    return outcome;
  }
  const pid_t pid = child->pid();
  OwnedFd pid_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pid_fd.get() < 0) {
    core::Error error = os_error("watching the child process");
    child->kill(SIGKILL);
    (void)child->wait();
    return core::fail(error);
  }

  using Clock = std::chrono::steady_clock;
  // A time_point plus a flag rather than std::optional: g++ 12 warns falsely on the latter.
  bool has_deadline = options.timeout.has_value();
  Clock::time_point deadline =
      Clock::now() + options.timeout.value_or(std::chrono::milliseconds(0));
  bool child_done = false, timed_out = false, killed = false;
  int kill_signal = 0;
  while (!child_done || child->stderr_fd() >= 0 || child->stdout_fd() >= 0) {
    pollfd fds[4];
    nfds_t count = 0;
    fds[count++] = {child_done ? -1 : pid_fd.get(), POLLIN, 0};
    fds[count++] = {child->stderr_fd(), POLLIN, 0};
    fds[count++] = {child->stdout_fd(), POLLIN, 0};
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
        child->kill(SIGTERM);
        deadline = Clock::now() + options.kill_grace;
      } else if (!killed) {
        killed = true;
        kill_signal = SIGKILL;
        child->kill(SIGKILL);
        has_deadline = false;
      }
      continue;
    }
    if (fds[3].revents != 0) {
      unsigned char signal_number = 0;
      while (::read(forward_termination.fd(), &signal_number, 1) == 1) {
        child->kill(signal_number);
      }
    }
    if (fds[0].revents != 0) child_done = true;
    if (fds[1].revents != 0 && !drain(child->stderr_fd(), outcome.stderr_tail, kStderrTailBytes,
                                      !options.quiet_stderr, true)) {
      child->close_stderr();
    }
    if (fds[2].revents != 0 &&
        !drain(child->stdout_fd(), outcome.stdout_text, options.stdout_limit_bytes, false, false)) {
      child->close_stdout();
    }
  }

  // Pipes a grandchild still holds are not ours to wait for.
  child->close_stdout();
  child->close_stderr();
  auto status = child->wait();
  if (!status) return core::fail(status.error().with_context(path));
  if (timed_out) {
    outcome.kind = Outcome::Kind::kTimedOut;
    outcome.signal =
        status->kind == core::ExitStatus::Kind::kSignaled ? status->signal : kill_signal;
  } else if (status->kind == core::ExitStatus::Kind::kSignaled) {
    outcome.kind = Outcome::Kind::kSignaled;
    outcome.signal = status->signal;
  } else {
    outcome.kind = Outcome::Kind::kExited;
    outcome.exit_code = status->code;
  }
  return outcome;
}

}  // namespace dorky
