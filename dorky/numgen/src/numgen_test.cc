#include "dorky/numgen.h"

#include <gtest/gtest.h>

#include <set>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::read_file;
using testing::run_program;
using testing::split_lines;
using testing::TempDir;

TEST(NumgenTest, SequencesLikeSeq) {
  EXPECT_EQ(run_program("dorky-numgen", {"3"}).out, "1\n2\n3\n");
  EXPECT_EQ(run_program("dorky-numgen", {"8", "12"}).out, "8\n9\n10\n11\n12\n");
  EXPECT_EQ(run_program("dorky-numgen", {"98", "101"}).out, "98\n99\n100\n101\n");
  EXPECT_EQ(run_program("dorky-numgen", {"10", "-4", "-3"}).out, "10\n6\n2\n-2\n");
  EXPECT_EQ(run_program("dorky-numgen", {"-2", "1"}).out, "-2\n-1\n0\n1\n");
  EXPECT_EQ(run_program("dorky-numgen", {"5", "1"}).out, "");
  EXPECT_EQ(run_program("dorky-numgen", {"--start", "0", "--step", "5", "--stop", "10"}).out,
            "0\n5\n10\n");
  EXPECT_EQ(run_program("dorky-numgen", {"9223372036854775806", "9223372036854775807"}).out,
            "9223372036854775806\n9223372036854775807\n");
}

TEST(NumgenTest, PaddingAndFormat) {
  EXPECT_EQ(run_program("dorky-numgen", {"-w", "3", "9", "11"}).out, "009\n010\n011\n");
  EXPECT_EQ(run_program("dorky-numgen", {"-w", "3", "-1", "0"}).out, "-001\n000\n");
  EXPECT_EQ(run_program("dorky-numgen", {"-f", "page={}&x={{y}}", "2"}).out,
            "page=1&x={y}\npage=2&x={y}\n");
}

TEST(NumgenTest, RandomValuesAreDistinctInRangeAndSeeded) {
  auto run = run_program("dorky-numgen", {"--random", "1000", "--seed", "7", "5", "3", "10000"});
  EXPECT_EQ(run.code, 0) << run.err;
  auto lines = split_lines(run.out);
  ASSERT_EQ(lines.size(), 1000u);
  std::set<long long> seen;
  for (const auto& line : lines) {
    long long v = std::stoll(line);
    EXPECT_GE(v, 5);
    EXPECT_LE(v, 10000);
    EXPECT_EQ((v - 5) % 3, 0);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(run_program("dorky-numgen", {"-r", "1000", "-s", "7", "5", "3", "10000"}).out, run.out);
  EXPECT_NE(run_program("dorky-numgen", {"-r", "1000", "-s", "8", "5", "3", "10000"}).out, run.out);
}

TEST(NumgenTest, ErrorsAreClear) {
  auto zero = run_program("dorky-numgen", {"1", "0", "5"});
  EXPECT_EQ(zero.code, 2);
  EXPECT_NE(zero.err.find("STEP"), std::string::npos);
  auto too_many = run_program("dorky-numgen", {"--random", "11", "10"});
  EXPECT_EQ(too_many.code, 2);
  EXPECT_NE(too_many.err.find("more values than the range holds"), std::string::npos);
  EXPECT_EQ(run_program("dorky-numgen", {"-f", "no hole", "3"}).code, 2);
  EXPECT_EQ(run_program("dorky-numgen", {"x"}).code, 2);
  EXPECT_EQ(run_program("dorky-numgen", {}).code, 2);
}

TEST(NumgenTest, WritesFilesAtomically) {
  TempDir dir;
  auto run = run_program("dorky-numgen", {"-o", (dir / "n.txt").string(), "2"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(read_file(dir / "n.txt"), "1\n2\n");
}

TEST(NumgenTest, KilledMidWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  testing::write_file(dir / "n.txt", "previous\n");
  // A trillion numbers cannot finish before the kill, which comes once the temporary file
  // has bytes in it.
  bool wrote = false;
  core::ExitStatus status = testing::kill_mid_write(
      "dorky-numgen", {"-o", "n.txt", "1", "1000000000000"}, "", "n.txt", dir.path(), &wrote);
  EXPECT_TRUE(wrote) << "killed before it wrote anything";
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(read_file(dir / "n.txt"), "previous\n");
}

}  // namespace
}  // namespace dorky
