// dorky tools in hostile environments: a disk that fills up while a tool writes its output,
// and a reader that closes the pipe early (`dorky shuffle big.txt | head`).
//
// The full disk is a file-size limit (RLIMIT_FSIZE, `ulimit -f`, with SIGXFSZ ignored so a
// write past it fails with EFBIG as a full disk fails with ENOSPC): mounting a small tmpfs
// needs privileges that test machines and CI containers do not grant.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/testing/shell_run.h"
#include "dorky/testing/tool_runner.h"

namespace dorky::testing {
namespace {

namespace fs = std::filesystem;

class DorkyHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string lines;
    for (int i = 0; i < 400000; ++i) lines += "query-" + std::to_string(i) + "\n";
    write_file(dir_ / "big.txt", lines);  // about 5 MiB: more than a pipe and a write buffer
  }

  core::testing::ShellRun bash(const std::string& script) {
    return core::testing::run_shell_in(dir_.path(), "exec bash -c \"" + script + "\"");
  }

  std::string bin(const std::string& program) { return "'" + bin_dir() + "/" + program + "'"; }

  TempDir dir_;
};

TEST_F(DorkyHostile, FullDiskWhileWritingLeavesThePreviousOutput) {
  for (std::string tool : {"dorky-shuffle", "dorky-dedup", "dorky-reverse"}) {
    write_file(dir_ / "out.txt", "the previous output\n");
    core::testing::ShellRun run =
        bash("trap '' XFSZ; ulimit -f 1024; exec " + bin(tool) + " big.txt -o out.txt");
    EXPECT_EQ(run.status, 3) << tool << ": " << run.err;
    EXPECT_NE(run.err.find(tool + ": "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("File too large"), std::string::npos) << run.err;
    EXPECT_EQ(read_file(dir_ / "out.txt"), "the previous output\n") << tool;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
          << tool << " left " << entry.path();
    }
  }
  // Through the launcher: the same status, and a line saying how the tool ended.
  core::testing::ShellRun launched =
      bash("trap '' XFSZ; ulimit -f 1024; exec " + bin("dorky") + " shuffle big.txt -o out.txt");
  EXPECT_EQ(launched.status, 3) << launched.err;
  EXPECT_NE(launched.err.find("dorky: shuffle exited with code 3"), std::string::npos)
      << launched.err;
  EXPECT_EQ(read_file(dir_ / "out.txt"), "the previous output\n");
}

// Regression: `dorky shuffle big.txt | head` was reported by the launcher as a tool killed
// by a signal.
TEST_F(DorkyHostile, ClosedPipeStopsQuietlyWithTheSigpipeStatus) {
  core::testing::ShellRun launched =
      bash("set -o pipefail; " + bin("dorky") + " shuffle --seed 7 big.txt | head -n 1");
  EXPECT_EQ(launched.status, 141) << launched.err;
  EXPECT_EQ(launched.err, "");
  // Run directly by a parent that ignores SIGPIPE (as some supervisors do), the tool still
  // stops at once, quietly, with the same status.
  for (std::string tool : {"dorky-shuffle", "dorky-dedup", "dorky-reverse"}) {
    core::testing::ShellRun direct =
        bash("trap '' PIPE; set -o pipefail; " + bin(tool) + " big.txt | head -n 1");
    EXPECT_EQ(direct.status, 141) << tool << ": " << direct.err;
    EXPECT_EQ(direct.err, "") << tool;
  }
}

}  // namespace
}  // namespace dorky::testing
