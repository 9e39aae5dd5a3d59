// Integration tests: the real `dorky` binary against misbehaving tools (dorky-fault), a tool
// dropped into DORKY_PATH, and the interactive menu driven through a pseudo-terminal.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/process.h"
#include "dorky/process.h"

namespace {

namespace fs = std::filesystem;

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("PROJECT_BIN_DIR");
    ASSERT_NE(bin, nullptr) << "PROJECT_BIN_DIR must point at the build's bin directory";
    dorky_ = std::string(bin) + "/dorky";
    dir_ = fs::temp_directory_path() / ("dorky_launcher_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "extra");
    dorky_path_ = std::string(DORKY_FAULT_TOOL_DIR) + ":" + (dir_ / "extra").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs dorky with `args`, DORKY_PATH set, stdin from /dev/null, outputs to files.
  Ran run(const std::vector<std::string>& args) {
    std::vector<std::string> all = {dorky_};
    all.insert(all.end(), args.begin(), args.end());
    core::SpawnOptions options;
    options.env = std::vector<std::string>{"DORKY_PATH=" + dorky_path_, "PATH=/usr/bin:/bin"};
    std::string out = (dir_ / "out").string(), err = (dir_ / "err").string();
    options.in = core::Stdio::null();
    options.out = core::Stdio::file(out);
    options.err = core::Stdio::file(err);
    Ran ran;
    auto child = core::Child::spawn(dorky_, all, options);
    EXPECT_TRUE(child.has_value() && child->started());
    if (!child) return ran;
    auto status = child->wait();
    ran.code =
        status->kind == core::ExitStatus::Kind::kSignaled ? 1000 + status->signal : status->code;
    ran.out = slurp(out);
    ran.err = slurp(err);
    return ran;
  }

  std::string dorky_;
  fs::path dir_;
  std::string dorky_path_;
};

TEST_F(LauncherTest, ListsToolsFromItsOwnDirectoryAndDorkyPath) {
  Ran ran = run({"list"});
  EXPECT_EQ(ran.code, 0) << ran.err;
  EXPECT_NE(ran.out.find("fault"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("misbehaves on purpose"), std::string::npos) << ran.out;
  Ran json = run({"list", "--json"});
  EXPECT_EQ(json.code, 0);
  EXPECT_NE(json.out.find("{\"name\": \"fault\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"description\": \"misbehaves on purpose (launcher tests)\""),
            std::string::npos);
}

TEST_F(LauncherTest, SegfaultIsReportedBySignalName) {
  Ran ran = run({"fault", "segv"});
  EXPECT_EQ(ran.code, 128 + SIGSEGV);
  EXPECT_NE(ran.err.find("dorky: fault was killed by signal SIGSEGV"), std::string::npos)
      << ran.err;
}

TEST_F(LauncherTest, LauncherMessagesReadAsSentences) {
  Ran crashed = run({"fault", "segv"});
  EXPECT_EQ(crashed.err.find("ended with"), std::string::npos) << crashed.err;
  Ran failed = run({"fault", "exit3"});
  EXPECT_NE(failed.err.find("dorky: fault exited with code 3\n"), std::string::npos) << failed.err;
  Ran hung = run({"--timeout", "0.3", "fault", "hang"});
  EXPECT_NE(hung.err.find("dorky: fault timed out and was stopped with SIGTERM"), std::string::npos)
      << hung.err;
  EXPECT_EQ(hung.err.find("ended with"), std::string::npos) << hung.err;
}

TEST_F(LauncherTest, TimeoutOutOfRangeNamesTheRange) {
  for (const char* value : {"99999999999", "0", "-1", "0.0001", "soon"}) {
    Ran ran = run({"--timeout", value, "fault", "echo"});
    EXPECT_EQ(ran.code, 2) << value;
    EXPECT_NE(ran.err.find("from 0.001 to 10000000"), std::string::npos) << ran.err;
    EXPECT_NE(ran.err.find(std::string("got '") + value + "'"), std::string::npos) << ran.err;
  }
}

TEST_F(LauncherTest, AbortIsReportedBySignalName) {
  Ran ran = run({"fault", "abort"});
  EXPECT_EQ(ran.code, 128 + SIGABRT);
  EXPECT_NE(ran.err.find("SIGABRT"), std::string::npos) << ran.err;
}

TEST_F(LauncherTest, ExitCodePassesThroughAndStderrIsShown) {
  Ran ran = run({"fault", "exit3"});
  EXPECT_EQ(ran.code, 3);
  EXPECT_NE(ran.err.find("fault: pretending an I/O error"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("exited with code 3"), std::string::npos) << ran.err;
}

TEST_F(LauncherTest, ArgumentsReachTheToolUnchanged) {
  Ran ran = run({"fault", "echo", "a b", "--x=1", ""});
  EXPECT_EQ(ran.code, 0);
  EXPECT_EQ(ran.out, "[a b][--x=1][]\n");
}

TEST_F(LauncherTest, HangingToolIsStoppedByTimeout) {
  auto start = std::chrono::steady_clock::now();
  Ran ran = run({"--timeout", "0.3", "fault", "hang"});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ran.code, 124);
  EXPECT_NE(ran.err.find("timed out"), std::string::npos) << ran.err;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(LauncherTest, SigtermToTheLauncherReachesTheTool) {
  // `timeout` sends SIGTERM to the launcher; the hanging tool must end with it.
  auto start = std::chrono::steady_clock::now();
  core::SpawnOptions options;
  options.env = std::vector<std::string>{"DORKY_PATH=" + dorky_path_, "PATH=/usr/bin:/bin"};
  options.out = core::Stdio::pipe();
  options.err = core::Stdio::null();
  auto child = core::Child::spawn(dorky_, {dorky_, "fault", "hang"}, options);
  ASSERT_TRUE(child.has_value() && child->started());
  char said[16] = {};
  ASSERT_GT(::read(child->stdout_fd(), said, sizeof said - 1), 0);  // the tool runs: "hanging"
  EXPECT_STREQ(said, "hanging\n");
  child->kill(SIGTERM);
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  ASSERT_EQ(status->kind, core::ExitStatus::Kind::kExited);
  EXPECT_EQ(status->code, 128 + SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(LauncherTest, TenMegabytesOfStderrNeverBlockTheTool) {
  Ran ran = run({"--timeout", "60", "fault", "spam"});
  EXPECT_EQ(ran.code, 0);
  EXPECT_EQ(ran.out, "spammed\n");
  EXPECT_GE(ran.err.size(), 10'000'000u);
}

// The launcher used to pick 126 or 127 by searching exec's message for "ermission"; the errno
// decides: not there is 127, there but not runnable is 126, whatever the message says.
TEST(ProcessTest, NotStartedExitCodeComesFromErrnoNotTheMessage) {
  const fs::path dir =
      fs::temp_directory_path() / ("dorky-process-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path not_executable = dir / "not-executable";
  std::ofstream(not_executable) << "#!/bin/sh\nexit 0\n";
  fs::permissions(not_executable, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path not_a_program = dir / "not-a-program";
  std::ofstream(not_a_program) << "\x7f"
                                  "ELF garbage";
  fs::permissions(not_a_program, fs::perms::owner_all);
  struct Case {
    fs::path path;
    int code;
  };
  for (const Case& c : {Case{dir / "missing", 127}, Case{dir / "missing" / "below", 127},
                        Case{not_executable, 126}, Case{not_a_program, 126}, Case{dir, 126}}) {
    auto outcome = dorky::run_process(c.path.string(), {"tool"}, dorky::RunOptions{});
    ASSERT_TRUE(outcome) << outcome.error().message();
    EXPECT_EQ(outcome->kind, dorky::Outcome::Kind::kNotStarted) << c.path;
    EXPECT_NE(outcome->start_errno, 0) << c.path;
    EXPECT_EQ(outcome->launcher_exit_code(), c.code) << c.path << ": " << outcome->start_error;
  }
  dorky::Outcome worded;
  worded.kind = dorky::Outcome::Kind::kNotStarted;
  worded.start_error = "tool: Permission denied (as a translated message might read)";
  worded.start_errno = ENOENT;
  EXPECT_EQ(worded.launcher_exit_code(), 127);
  worded.start_error = "tool: introuvable";
  worded.start_errno = EACCES;
  EXPECT_EQ(worded.launcher_exit_code(), 126);
  fs::remove_all(dir);
}

TEST_F(LauncherTest, UnknownToolAndBadOptionsAreClearErrors) {
  Ran ran = run({"no-such-tool"});
  EXPECT_EQ(ran.code, 127);
  EXPECT_NE(ran.err.find("no tool named 'no-such-tool'"), std::string::npos) << ran.err;
  Ran bad = run({"--timeout", "soon", "fault"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--timeout"), std::string::npos);
  Ran menu_without_terminal = run({});
  EXPECT_EQ(menu_without_terminal.code, 2);
}

TEST_F(LauncherTest, ToolDroppedIntoDorkyPathAppearsWithoutRebuild) {
  fs::path tool = dir_ / "extra" / "dorky-hello";
  {
    std::ofstream script(tool);
    script << "#!/bin/sh\n"
              "if [ \"$1\" = --describe ]; then echo 'says hello'; exit 0; fi\n"
              "echo \"hello $1\"; exit 5\n";
  }
  fs::permissions(tool, fs::perms::owner_all);
  Ran list = run({"list"});
  EXPECT_NE(list.out.find("hello"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("says hello"), std::string::npos) << list.out;
  Ran ran = run({"hello", "world"});
  EXPECT_EQ(ran.code, 5);
  EXPECT_EQ(ran.out, "hello world\n");
}

// Drives `dorky` through a pseudo-terminal like a person would.
class Pty {
 public:
  Pty(const std::string& dorky, const std::string& dorky_path) {
    core::SpawnOptions options;
    options.in = options.out = options.err = core::Stdio::terminal();
    options.env = core::environment_with({"DORKY_PATH=" + dorky_path});
    auto child = core::Child::spawn(dorky, {dorky}, options);
    if (child && child->started()) child_ = std::move(*child);
  }
  bool started() const { return child_.has_value(); }
  void send(const std::string& text) {
    ASSERT_EQ(::write(terminal(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  // Reads until `needle` appears after the last match, or 10 s pass.
  bool expect(const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      std::size_t at = seen_.find(needle, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + needle.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd fd = {terminal(), POLLIN, 0};
      if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      ssize_t n = ::read(terminal(), buffer, sizeof buffer);
      if (n <= 0) return false;
      seen_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  int wait_exit() {
    // Keep draining so the child never blocks on a full terminal.
    char buffer[4096];
    while (::read(terminal(), buffer, sizeof buffer) > 0) {
    }
    auto status = child_->wait();
    return status && status->kind == core::ExitStatus::Kind::kExited ? status->code : -1;
  }
  const std::string& seen() const { return seen_; }

 private:
  int terminal() const { return child_->terminal_fd(); }

  std::optional<core::Child> child_;  // killed and reaped on destruction
  std::string seen_;
  std::size_t consumed_ = 0;
};

TEST_F(LauncherTest, MenuOnATerminalSurvivesCrashesAndCtrlC) {
  Pty pty(dorky_, dorky_path_);
  ASSERT_TRUE(pty.started());
  ASSERT_TRUE(pty.expect("Choose a tool")) << pty.seen();
  EXPECT_NE(pty.seen().find(") fault"), std::string::npos) << pty.seen();
  pty.send("fault\n");
  ASSERT_TRUE(pty.expect("Arguments for fault")) << pty.seen();
  pty.send("segv\n");
  ASSERT_TRUE(pty.expect("fault was killed by signal SIGSEGV")) << pty.seen();
  ASSERT_TRUE(pty.expect("Choose a tool")) << pty.seen();
  pty.send("fault\n");
  ASSERT_TRUE(pty.expect("Arguments for fault")) << pty.seen();
  pty.send("exit3\n");
  ASSERT_TRUE(pty.expect("fault exited with code 3")) << pty.seen();
  ASSERT_TRUE(pty.expect("Choose a tool")) << pty.seen();
  // Ctrl-C while a tool runs ends the tool, not the launcher.
  pty.send("fault\n");
  ASSERT_TRUE(pty.expect("Arguments for fault")) << pty.seen();
  pty.send("hang\n");
  ASSERT_TRUE(pty.expect("hanging")) << pty.seen();  // the tool runs and blocks
  pty.send("\x03");
  ASSERT_TRUE(pty.expect("fault was killed by signal SIGINT")) << pty.seen();
  ASSERT_TRUE(pty.expect("Choose a tool")) << pty.seen();
  pty.send("q\n");
  EXPECT_EQ(pty.wait_exit(), 0);
}

}  // namespace
