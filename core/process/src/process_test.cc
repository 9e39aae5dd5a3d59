#include "core/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/testing/shell_run.h"

namespace core {
namespace {

namespace fs = std::filesystem;

class ProcessTest : public ::testing::Test {
 protected:
  static SpawnOptions piped() {
    SpawnOptions options;
    options.in = Stdio::pipe();
    options.out = Stdio::pipe();
    options.err = Stdio::pipe();
    return options;
  }

  core::testing::ScratchDir scratch_{"core-process"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(ProcessTest, PassesArgumentsAsTheyAreAndCollectsOutputErrorsAndTheExitCode) {
  auto child = Child::spawn("/bin/sh",
                            {"sh", "-c", "printf '%s|' \"$@\"; echo oops >&2; exit 3", "sh",
                             "two words", "'quoted' $HOME"},
                            piped());
  ASSERT_TRUE(child.has_value()) << child.error().message();
  EXPECT_TRUE(child->started());
  auto run = child->communicate();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->out, "two words|'quoted' $HOME|");
  EXPECT_EQ(run->err, "oops\n");
  EXPECT_EQ(run->status.kind, ExitStatus::Kind::kExited);
  EXPECT_EQ(run->status.code, 3);
  EXPECT_EQ(run->status.shell_code(), 3);
  EXPECT_EQ(run->status.describe(), "exited with code 3");
}

TEST_F(ProcessTest, FeedsStdinWhileReadingStdoutSoNeitherSideBlocks) {
  // Far more than a pipe holds in both directions: cat blocks on its stdout unless we read
  // while we write.
  std::string input;
  for (int i = 0; input.size() < (4u << 20); ++i) input += "line " + std::to_string(i) + "\n";
  auto child = Child::spawn("/bin/cat", {"cat"}, piped());
  ASSERT_TRUE(child.has_value());
  auto run = child->communicate(input);
  ASSERT_TRUE(run.has_value());
  EXPECT_TRUE(run->status.success());
  EXPECT_EQ(run->out.size(), input.size());
  EXPECT_TRUE(run->out == input);
}

TEST_F(ProcessTest, AMissingProgramIsNotStartedWithEnoentAnd127) {
  auto child = Child::spawn((dir_ / "no-such-program").string(), {"no-such-program"}, piped());
  ASSERT_TRUE(child.has_value()) << child.error().message();
  EXPECT_FALSE(child->started());
  EXPECT_EQ(child->pid(), -1);
  auto run = child->communicate("ignored input");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status.kind, ExitStatus::Kind::kNotStarted);
  EXPECT_EQ(run->status.start_errno, ENOENT);
  EXPECT_EQ(run->status.shell_code(), 127);
  EXPECT_EQ(run->status.describe(), "could not be started: No such file or directory");
}

// The status of a program that could not be started, from exec's errno alone.
ExitStatus not_started(const fs::path& program) {
  auto child = Child::spawn(program.string(), {program.filename().string()});
  EXPECT_TRUE(child.has_value());
  if (!child) return {};
  EXPECT_FALSE(child->started()) << program;
  return *child->wait();
}

TEST_F(ProcessTest, ExecErrnoDecides127ForNotThereAnd126ForNotRunnable) {
  std::ofstream(dir_ / "file") << "x";
  std::ofstream(dir_ / "script.sh") << "#!/bin/sh\nexit 0\n";
  ::chmod((dir_ / "script.sh").c_str(), 0644);
  std::ofstream(dir_ / "junk") << "\x01\x02 not a program";
  ::chmod((dir_ / "junk").c_str(), 0755);
  struct Case {
    fs::path program;
    int start_errno;
    int shell_code;
  } cases[] = {
      {dir_ / "file" / "program", ENOTDIR, 127},  // a path through a file
      {dir_ / "script.sh", EACCES, 126},          // not executable
      {dir_ / "junk", ENOEXEC, 126},              // executable, but no program
  };
  for (const Case& c : cases) {
    ExitStatus status = not_started(c.program);
    EXPECT_EQ(status.kind, ExitStatus::Kind::kNotStarted) << c.program;
    EXPECT_EQ(status.start_errno, c.start_errno) << c.program;
    EXPECT_EQ(status.shell_code(), c.shell_code) << c.program;
  }
}

TEST_F(ProcessTest, AChildKilledByASignalIsDecoded) {
  auto child = Child::spawn("/bin/sh", {"sh", "-c", "kill -SEGV $$"});
  ASSERT_TRUE(child.has_value());
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->kind, ExitStatus::Kind::kSignaled);
  EXPECT_EQ(status->signal, SIGSEGV);
  EXPECT_EQ(status->shell_code(), 139);
  EXPECT_EQ(status->describe(), "was killed by signal SIGSEGV (Segmentation fault)");
  // A second wait returns the same status without waiting again.
  EXPECT_EQ(child->wait()->signal, SIGSEGV);
  EXPECT_EQ(child->pid(), -1);
  EXPECT_FALSE(child->kill(SIGTERM));
}

TEST_F(ProcessTest, AChildThatStopsReadingDoesNotRaiseSigpipeHere) {
  // `true` exits at once: most of the input meets a closed pipe, which must not kill us.
  auto child = Child::spawn("/bin/true", {"true"}, piped());
  ASSERT_TRUE(child.has_value());
  auto run = child->communicate(std::string(8u << 20, 'x'));
  ASSERT_TRUE(run.has_value());
  EXPECT_TRUE(run->status.success());
  sigset_t pending;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));
}

TEST_F(ProcessTest, AChildWritingToAClosedPipeDiesOfSigpipeEvenWhenWeIgnoreIt) {
  // Ignored signals survive exec; the child gets SIGPIPE's default action back.
  struct sigaction ignore {
  }, saved{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &saved);
  SpawnOptions options;
  options.out = Stdio::pipe();
  auto child = Child::spawn("/usr/bin/yes", {"yes"}, options);
  ::sigaction(SIGPIPE, &saved, nullptr);
  ASSERT_TRUE(child.has_value());
  char some[16];
  ASSERT_GT(::read(child->stdout_fd(), some, sizeof some), 0);
  child->close_stdout();
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->kind, ExitStatus::Kind::kSignaled);
  EXPECT_EQ(status->signal, SIGPIPE);
  EXPECT_EQ(status->shell_code(), 141);
}

TEST_F(ProcessTest, RunsInTheGivenDirectoryWithTheGivenEnvironment) {
  SpawnOptions options = piped();
  options.cwd = dir_;
  options.env = std::vector<std::string>{"GREETING=hello there"};
  auto child =
      Child::spawn("/bin/sh", {"sh", "-c", "pwd; echo \"$GREETING\"; echo \"${HOME-}\""}, options);
  ASSERT_TRUE(child.has_value());
  auto run = child->communicate();
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->out, fs::canonical(dir_).string() + "\nhello there\n\n");
}

TEST_F(ProcessTest, AMissingWorkingDirectoryIsAnErrorNotAMissingProgram) {
  SpawnOptions options;
  options.cwd = dir_ / "absent";
  auto child = Child::spawn("/bin/true", {"true"}, options);
  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(child.error().message().find((dir_ / "absent").string()), std::string::npos);
}

TEST_F(ProcessTest, StreamsGoToFilesToDevNullOrToADescriptor) {
  std::ofstream(dir_ / "in.txt") << "from a file\n";
  SpawnOptions options;
  options.in = Stdio::file(dir_ / "in.txt");
  options.out = Stdio::file(dir_ / "out.txt");
  options.err = Stdio::null();
  auto child = Child::spawn("/bin/sh", {"sh", "-c", "cat; echo hidden >&2"}, options);
  ASSERT_TRUE(child.has_value());
  ASSERT_TRUE(child->wait()->success());
  std::ifstream out(dir_ / "out.txt");
  std::string text((std::istreambuf_iterator<char>(out)), {});
  EXPECT_EQ(text, "from a file\n");

  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  options = {};
  options.out = Stdio::descriptor(ends[1]);
  auto echo = Child::spawn("/bin/echo", {"echo", "through"}, options);
  ::close(ends[1]);
  ASSERT_TRUE(echo.has_value());
  ASSERT_TRUE(echo->wait()->success());
  char buffer[32] = {};
  EXPECT_EQ(::read(ends[0], buffer, sizeof buffer), 8);
  EXPECT_STREQ(buffer, "through\n");
  ::close(ends[0]);
}

TEST_F(ProcessTest, StderrCanShareStdoutAsTheShellsTwoToOne) {
  SpawnOptions options;
  options.out = Stdio::file(dir_ / "both.txt");
  options.err = Stdio::same_as_stdout();
  auto child = Child::spawn("/bin/sh", {"sh", "-c", "echo one; echo two >&2; echo three"}, options);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  ASSERT_TRUE(child->wait()->success());
  std::ifstream both(dir_ / "both.txt");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(both)), {}), "one\ntwo\nthree\n");

  options.out = Stdio::same_as_stdout();
  auto refused = Child::spawn("/bin/true", {"true"}, options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ProcessTest, AStdinFileThatCannotBeOpenedIsAnErrorNamingIt) {
  SpawnOptions options;
  options.in = Stdio::file(dir_ / "absent.txt");
  auto child = Child::spawn("/bin/cat", {"cat"}, options);
  ASSERT_FALSE(child.has_value());
  EXPECT_EQ(child.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(child.error().message().find("absent.txt"), std::string::npos);
}

TEST_F(ProcessTest, SearchesThePathOnlyWhenAsked) {
  auto unsearched = Child::spawn("true", {"true"});
  ASSERT_TRUE(unsearched.has_value());
  EXPECT_EQ(unsearched->wait()->shell_code(), 127);
  SpawnOptions options;
  options.search_path = true;
  auto searched = Child::spawn("true", {"true"}, options);
  ASSERT_TRUE(searched.has_value());
  EXPECT_TRUE(searched->wait()->success());
}

TEST_F(ProcessTest, DestroyingARunningChildKillsAndReapsIt) {
  pid_t pid = -1;
  {
    auto child = Child::spawn("/bin/sleep", {"sleep", "600"});
    ASSERT_TRUE(child.has_value());
    pid = child->pid();
    ASSERT_GT(pid, 0);
  }
  // Reaped: the pid is no child of ours any more.
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(ProcessTest, RunShellCommandRunsAShellLine) {
  SpawnOptions options;
  options.out = Stdio::pipe();
  options.cwd = dir_;
  auto run = run_shell_command("echo a > f && cat f f | wc -l; exit 4", options);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status.code, 4);
  EXPECT_EQ(run->out, "2\n");
}

// Reads our side of the child's terminal until the child has closed its side.
std::string drain_terminal(Child& child) {
  std::string seen;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(child.terminal_fd(), buffer, sizeof buffer)) > 0) seen.append(buffer, n);
  return seen;
}

TEST_F(ProcessTest, TerminalStreamsShareOnePseudoTerminalTheChildControls) {
  SpawnOptions options;
  options.in = Stdio::null();
  options.out = Stdio::terminal();
  options.err = Stdio::terminal();
  // test -t: a terminal; field 6 of /proc/PID/stat: the session, the shell's own pid when it
  // leads one.
  auto child = Child::spawn(
      "/bin/sh",
      {"sh", "-c",
       "[ -t 0 ] || echo in-not-tty; [ -t 1 ] && echo out-tty; [ -t 2 ] && echo err-tty >&2; "
       "set -- $(cat /proc/$$/stat); [ \"$6\" -eq $$ ] && echo leader"},
      options);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  ASSERT_GE(child->terminal_fd(), 0);
  EXPECT_EQ(child->stdout_fd(), -1);
  std::string seen = drain_terminal(*child);
  EXPECT_EQ(seen, "in-not-tty\r\nout-tty\r\nerr-tty\r\nleader\r\n");
  EXPECT_TRUE(child->wait()->success());
}

TEST_F(ProcessTest, ACtrlCTypedOnTheTerminalInterruptsTheChild) {
  SpawnOptions options;
  options.in = Stdio::terminal();
  options.out = Stdio::terminal();
  auto child = Child::spawn("/bin/sh", {"sh", "-c", "echo ready; exec sleep 600"}, options);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  std::string seen;
  char buffer[256];
  while (seen.find("ready") == std::string::npos) {
    ssize_t n = ::read(child->terminal_fd(), buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    seen.append(buffer, n);
  }
  ::usleep(100'000);  // let the shell become sleep
  ASSERT_EQ(::write(child->terminal_fd(), "\x03", 1), 1);
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->kind, ExitStatus::Kind::kSignaled);
  EXPECT_EQ(status->signal, SIGINT);
}

TEST_F(ProcessTest, WithoutATerminalStreamThereIsNoTerminal) {
  auto child = Child::spawn("/bin/true", {"true"}, piped());
  ASSERT_TRUE(child.has_value());
  EXPECT_EQ(child->terminal_fd(), -1);
  EXPECT_TRUE(child->communicate()->status.success());
}

TEST_F(ProcessTest, ForkRunsTheBodyInACopyThatExitsWithItsResult) {
  const fs::path marker = dir_ / "marker";
  auto child = Child::fork([&] {
    std::ofstream(marker) << "written by the copy";
    return 7;
  });
  ASSERT_TRUE(child.has_value()) << child.error().message();
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->kind, ExitStatus::Kind::kExited);
  EXPECT_EQ(status->code, 7);
  EXPECT_TRUE(fs::exists(marker));

  auto killed = Child::fork([] {
    ::pause();
    return 0;
  });
  ASSERT_TRUE(killed.has_value());
  EXPECT_TRUE(killed->kill(SIGKILL));
  EXPECT_EQ(killed->wait()->signal, SIGKILL);
}

TEST_F(ProcessTest, TryWaitSaysRunningUntilTheChildHasEnded) {
  SpawnOptions options;
  options.in = Stdio::pipe();
  auto child = Child::spawn("/bin/sh", {"sh", "-c", "read line; exit 5"}, options);
  ASSERT_TRUE(child.has_value());
  auto running = child->try_wait();
  ASSERT_TRUE(running.has_value());
  EXPECT_FALSE(running->has_value());
  child->close_stdin();
  std::optional<ExitStatus> ended;
  for (int i = 0; i < 1000 && !ended; ++i) {
    auto asked = child->try_wait();
    ASSERT_TRUE(asked.has_value());
    ended = *asked;
    if (!ended) ::usleep(5'000);
  }
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->code, 5);
  EXPECT_EQ(child->wait()->code, 5);
  EXPECT_EQ(child->pid(), -1);
}

TEST(EnvironmentWithTest, ReplacesAddsAndRemovesVariablesAndKeepsTheRest) {
  ::setenv("CORE_PROCESS_TEST_KEEP", "kept", 1);
  ::setenv("CORE_PROCESS_TEST_REPLACE", "old", 1);
  ::setenv("CORE_PROCESS_TEST_DROP", "dropped", 1);
  ::setenv("CORE_PROCESS_TEST_PREFIXED_ONE", "1", 1);
  ::setenv("CORE_PROCESS_TEST_PREFIXED_TWO", "2", 1);
  std::vector<std::string> env =
      environment_with({"CORE_PROCESS_TEST_REPLACE=new", "CORE_PROCESS_TEST_ADD=added"},
                       {"CORE_PROCESS_TEST_DROP", "CORE_PROCESS_TEST_PREFIXED_*"});
  auto count = [&](const std::string& entry) { return std::count(env.begin(), env.end(), entry); };
  EXPECT_EQ(count("CORE_PROCESS_TEST_KEEP=kept"), 1);
  EXPECT_EQ(count("CORE_PROCESS_TEST_REPLACE=new"), 1);
  EXPECT_EQ(count("CORE_PROCESS_TEST_REPLACE=old"), 0);
  EXPECT_EQ(count("CORE_PROCESS_TEST_ADD=added"), 1);
  EXPECT_EQ(count("CORE_PROCESS_TEST_DROP=dropped"), 0);
  EXPECT_EQ(count("CORE_PROCESS_TEST_PREFIXED_ONE=1"), 0);
  EXPECT_EQ(count("CORE_PROCESS_TEST_PREFIXED_TWO=2"), 0);
  ::unsetenv("CORE_PROCESS_TEST_PREFIXED_ONE");
  ::unsetenv("CORE_PROCESS_TEST_PREFIXED_TWO");
  ::unsetenv("CORE_PROCESS_TEST_KEEP");
  ::unsetenv("CORE_PROCESS_TEST_REPLACE");
  ::unsetenv("CORE_PROCESS_TEST_DROP");
}

TEST(SignalNameTest, NamesKnownSignalsAndNumbersOthers) {
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGPIPE), "SIGPIPE");
  EXPECT_EQ(signal_name(63), "signal 63");
}

}  // namespace
}  // namespace core
