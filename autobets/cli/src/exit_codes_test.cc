// The `autobets` binary against the suite's exit-code table (docs/exit-codes.md): a usage
// error and bad input are 2, an I/O failure is 3, a rejection is 1, success is 0.
#include <gtest/gtest.h>

#include <string>

#include "core/testing/shell_run.h"

namespace autobets {
namespace {

class AutobetsExitCodes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("file", "a regular file, so file/bets.db cannot be created\n");
  }

  core::testing::ShellRun run(const std::string& args) {
    return core::testing::run_shell_in(dir_.path(),
                                       "'" + core::testing::bin_dir() + "/autobets' " + args);
  }

  core::testing::ScratchDir dir_{"autobets-exit"};
};

TEST_F(AutobetsExitCodes, EachClassHasItsStatus) {
  struct Case {
    const char* args;
    int expected;
  };
  for (const Case& c : {
           Case{"init --db bets.db", 0},
           Case{"--db bets.db deposit --user alice --amount 100", 0},
           Case{"--no-such-option", 2},
           Case{"no-such-command", 2},
           Case{"--db bets.db deposit --user alice --amount lots", 2},
           Case{"--db missing.db balance --user alice", 2},
           Case{"init --db bets.db", 2},  // already exists: nothing is overwritten
           Case{"--db bets.db withdraw --user alice --amount 1000", 1},  // refused: too little
           Case{"init --db file/bets.db", 3},
           Case{"--db /proc/self/mem balance --user alice", 3},
       }) {
    core::testing::ShellRun result = run(c.args);
    EXPECT_EQ(result.status, c.expected) << c.args << "\n" << result.err;
    if (c.expected >= 2) {
      EXPECT_NE(result.err.find("autobets"), std::string::npos) << c.args << ": " << result.err;
    }
  }
}

}  // namespace
}  // namespace autobets
