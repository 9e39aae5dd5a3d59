// dorkgen and dorkgen-pro against the suite's exit-code table (docs/exit-codes.md): a usage
// error and bad input are 2, an I/O failure is 3, success is 0.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/testing/shell_run.h"

namespace {

namespace fs = std::filesystem;

class DorkgenExitCodes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("file", "a regular file, so file/out.txt cannot be created\n");
    dir_.write("bad.conf", "size = 10\nno equals sign here\n");
  }

  // The exit status of `<bin>/<program> <args>` in the test directory; stderr goes to err_.
  int status(const std::string& program, const std::string& args) {
    core::testing::ShellRun run = core::testing::run_shell_in(
        dir_.path(),
        "QT_QPA_PLATFORM=offscreen '" + core::testing::bin_dir() + "/" + program + "' " + args);
    err_ = run.err;
    return run.status;
  }

  core::testing::ScratchDir dir_{"dorkgen-exit"};
  std::string err_;
};

TEST_F(DorkgenExitCodes, Dorkgen) {
  EXPECT_EQ(status("dorkgen", "generate -n 5 -o out.txt"), 0) << err_;
  EXPECT_EQ(status("dorkgen", "--no-such-option"), 2) << err_;
  EXPECT_EQ(status("dorkgen", "generate -n 5 -t no-such-type -o out2.txt"), 2) << err_;
  EXPECT_EQ(status("dorkgen", "generate --config bad.conf -o out2.txt"), 2) << err_;
  EXPECT_NE(err_.find("bad.conf:2"), std::string::npos) << err_;
  EXPECT_EQ(status("dorkgen", "generate --config missing.conf -o out2.txt"), 2) << err_;
  EXPECT_EQ(status("dorkgen", "generate -n 5 -o file/out.txt"), 3) << err_;
  EXPECT_EQ(status("dorkgen", "generate --config /proc/self/mem -o out2.txt"), 3) << err_;
  EXPECT_NE(err_.find("dorkgen: error: /proc/self/mem: read error"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_.path() / "out2.txt"));
}

// Regression: operating failures used to exit 1, the status scripts read as "found something".
TEST_F(DorkgenExitCodes, OperatingFailureIsThreeNotOne) {
  EXPECT_EQ(status("dorkgen", "generate -n 5 -o file/out.txt"), 3) << err_;
}

TEST_F(DorkgenExitCodes, DorkgenPro) {
  if (!fs::exists(core::testing::bin_dir() + "/dorkgen-pro"))
    GTEST_SKIP() << "dorkgen-pro is not built (no Qt 6)";
  EXPECT_EQ(status("dorkgen-pro", "--help"), 0) << err_;
  EXPECT_EQ(status("dorkgen-pro", "--no-such-option"), 2) << err_;
  EXPECT_NE(err_.find("dorkgen-pro: error: unknown argument '--no-such-option'"), std::string::npos)
      << err_;
  EXPECT_EQ(status("dorkgen-pro", "--config"), 2) << err_;
  EXPECT_EQ(status("dorkgen-pro", "--config bad.conf"), 2) << err_;
  EXPECT_NE(err_.find("bad.conf:2"), std::string::npos) << err_;
  EXPECT_EQ(status("dorkgen-pro", "--config missing.conf"), 2) << err_;
  EXPECT_EQ(status("dorkgen-pro", "--config /proc/self/mem"), 3) << err_;
}

}  // namespace
