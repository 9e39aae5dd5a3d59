// dorky-generate against the real dorkgen binary when it is built (skipped otherwise), and
// against a missing one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "dorky/testing/tool_runner.h"

namespace {

using dorky::testing::read_file;
using dorky::testing::run_program;
using dorky::testing::TempDir;

bool dorkgen_built() {
  return ::access((dorky::testing::bin_dir() + "/dorkgen").c_str(), X_OK) == 0;
}

TEST(GenerateTest, MissingDorkgenIsAClearError) {
  auto run = run_program("dorky-generate", {"-n", "10"}, "", {"DORKGEN=/nonexistent/dorkgen"});
  EXPECT_EQ(run.code, 3);
  EXPECT_NE(run.err.find("dorkgen engine is not installed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("/nonexistent/dorkgen"), std::string::npos);
}

TEST(GenerateTest, DescribeAndHelpNeedNoDorkgen) {
  auto run = run_program("dorky-generate", {"--describe"}, "", {"DORKGEN=/nonexistent"});
  EXPECT_EQ(run.code, 0);
  EXPECT_NE(run.out.find("dorkgen"), std::string::npos);
}

TEST(GenerateTest, GeneratesThroughDorkgen) {
  if (!dorkgen_built()) GTEST_SKIP() << "dorkgen is not built in this tree";
  TempDir dir;
  auto run = run_program("dorky-generate", {"-k", "admin", "-n", "50", "--seed", "3", "-o",
                                            (dir / "dorks.txt").string()});
  EXPECT_EQ(run.code, 0) << run.err;
  auto lines = dorky::testing::split_lines(read_file(dir / "dorks.txt"));
  EXPECT_EQ(lines.size(), 50u);
  auto bad = run_program("dorky-generate", {"--engine", "altavista", "-n", "5"});
  EXPECT_EQ(bad.code, 2) << bad.err;
}

TEST(GenerateTest, GenerateUnknownOptionNamesTheProgram) {
  if (!dorkgen_built()) GTEST_SKIP() << "dorkgen is not built in this tree";
  auto run = run_program("dorky-generate", {"--bogus"});
  EXPECT_EQ(run.code, 2) << run.err;
  EXPECT_NE(run.err.find("--bogus"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("dorky-generate: "), std::string::npos) << run.err;
}

TEST(GenerateTest, StagedRunGivesEveryQueryOnce) {
  if (!dorkgen_built()) GTEST_SKIP() << "dorkgen is not built in this tree";
  TempDir dir;
  auto run =
      run_program("dorky-generate", {"--staged", (dir / "work").string(), "-k", "admin", "-t",
                                     "directory-listings", "-o", (dir / "all.txt").string()});
  EXPECT_EQ(run.code, 0) << run.err;
  auto lines = dorky::testing::split_lines(read_file(dir / "all.txt"));
  EXPECT_FALSE(lines.empty());
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(std::adjacent_find(lines.begin(), lines.end()), lines.end()) << "a duplicate";
}

}  // namespace
