#include "dorky/shuffle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::read_file;
using testing::run_program;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

// Shuffles `input_path` in-process with a given memory budget and seed.
std::string shuffle_file(const std::string& input_path, std::uint64_t memory, std::uint64_t seed,
                         const std::string& temp_dir) {
  CommonOptions options;
  options.inputs = {input_path};
  options.memory_bytes = memory;
  options.temp_dir = temp_dir;
  options.progress = false;
  std::string text;
  Output out = Output::to_string(&text);
  auto stats = run_shuffle(options, seed, out);
  EXPECT_TRUE(stats.has_value()) << stats.error().message();
  if (stats) {
    EXPECT_EQ(stats->runs, memory < 64 ? 2u : 0u);
  }
  return text;
}

TEST(ShuffleTest, EmptyInput) {
  auto run = run_program("dorky-shuffle", {"--seed", "1"}, "");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(ShuffleTest, IsAPermutationOfTheBytesWithEveryLineTerminated) {
  std::string huge(1 << 20, 'h');
  std::string input = BYTES("a\r\n\xff\xfe\n\0bin\n") + huge + "\nlast";
  auto run = run_program("dorky-shuffle", {"--seed", "9"}, input);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out.size(), input.size() + 1);
  EXPECT_TRUE(sorted(split_lines(run.out)) == sorted(split_lines(input)));
  auto again = run_program("dorky-shuffle", {"--seed", "9"}, input);
  EXPECT_TRUE(again.out == run.out) << "same seed, same order";
}

TEST(ShuffleTest, ExternalPathKeepsEveryLine) {
  TempDir dir;
  std::string input;
  for (int i = 0; i < 50000; ++i) input += "site:h" + std::to_string(i) + ".example\n";
  write_file(dir / "in.txt", input);
  auto run = run_program("dorky-shuffle", {"--memory", "64K", "--seed", "3", "--temp-dir",
                                           dir.path().string(), (dir / "in.txt").string()});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(sorted(split_lines(run.out)) == sorted(split_lines(input)));
  EXPECT_NE(run.out, input);
}

// Chi-square over all 4! orders of a 4-line input, many seeds, in memory and through the
// external merge (a budget so small that every run holds two lines).
void expect_uniform(std::uint64_t memory, int trials) {
  TempDir dir;
  write_file(dir / "in.txt", "a\nb\nc\nd\n");
  std::map<std::string, int> counts;
  for (int seed = 0; seed < trials; ++seed) {
    counts[shuffle_file((dir / "in.txt").string(), memory, static_cast<std::uint64_t>(seed),
                        dir.path().string())]++;
  }
  ASSERT_EQ(counts.size(), 24u);
  double expected = trials / 24.0, chi2 = 0;
  for (const auto& [order, count] : counts)
    chi2 += (count - expected) * (count - expected) / expected;
  // 23 degrees of freedom: P(chi2 > 49.73) = 0.001.
  EXPECT_LT(chi2, 49.73);
}

#ifdef PROJECT_SANITIZED
constexpr int kScale = 1;
#else
constexpr int kScale = 5;
#endif
TEST(ShuffleTest, UniformInMemory) { expect_uniform(1 << 20, 4800 * kScale); }
TEST(ShuffleTest, UniformThroughExternalRuns) { expect_uniform(48, 480 * kScale); }

TEST(ShuffleTest, ShuffleMergeKeepsRunsAndOpenFilesBounded) {
  // A 48-byte budget makes a run of every line or two: thousands of runs, merged in levels
  // with at most a few open at once (all of them open needed thousands of descriptors).
  TempDir dir;
  std::string input;
  const int lines = 3000;
  for (int i = 0; i < lines; ++i) input += "q" + std::to_string(i) + "\n";
  write_file(dir / "in.txt", input);
  testing::ScopedOpenFileLimit limit(64);
  ASSERT_TRUE(limit.ok());
  CommonOptions options;
  options.inputs = {(dir / "in.txt").string()};
  options.memory_bytes = 48;
  options.temp_dir = dir.path().string();
  options.progress = false;
  std::string text;
  Output out = Output::to_string(&text);
  auto stats = run_shuffle(options, 5, out);
  ASSERT_TRUE(stats.has_value()) << stats.error().message();
  EXPECT_GT(stats->runs, 1000u);
  EXPECT_EQ(sorted(split_lines(text)), sorted(split_lines(input)));
  EXPECT_NE(text, input);
}

TEST(ShuffleTest, ShuffleMemoryStaysInBudgetWhileMerging) {
#ifdef PROJECT_SANITIZED
  const int lines = 20000;  // the sanitizers' own memory hides the tool's: check the result only
#else
  const int lines = 150000;
#endif
  TempDir dir;
  std::string input;
  for (int i = 0; i < lines; ++i) {
    input += "inurl:admin site:host" + std::to_string(i) + ".example filetype:pdf\n";
  }
  write_file(dir / "in.txt", input);
  if (!testing::can_measure_memory())
    GTEST_SKIP() << "needs GNU time (" << testing::kGnuTime << ")";
  auto run = testing::run_program_measured(
      "dorky-shuffle",
      {"-m", "64K", "--seed", "9", "--temp-dir", dir.path().string(), (dir / "in.txt").string()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(sorted(split_lines(run.out)), sorted(split_lines(input)));
#ifndef PROJECT_SANITIZED
  // About 4 MiB is the program itself with its fixed stdout buffer; 180 runs of the 7 MB
  // input each kept a 40 KiB buffer before (13 MiB).
  EXPECT_LT(run.peak_rss_kib, 8 * 1024) << "peak RSS in KiB";
#endif
}

TEST(ShuffleTest, ShuffleLineLongerThanTheBudgetIsAClearError) {
  TempDir dir;
  write_file(dir / "long.txt", "a\n" + std::string(1 << 20, 'x') + "\nb\n");
  auto run =
      run_program("dorky-shuffle", {"-m", "64K", "-o", "out.txt", "long.txt"}, "", {}, dir.path());
  EXPECT_EQ(run.code, 2);
  // The limit is an eighth of the chunk arena (40 KiB of the 64 KiB).
  EXPECT_NE(run.err.find("dorky-shuffle: reading long.txt: a line is longer than 5120 bytes"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("raise --memory"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.txt"));
}

TEST(ShuffleTest, KilledMidWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  write_file(dir / "out.txt", "previous\n");
  std::string input;
  for (int i = 0; i < 100000; ++i) input += std::to_string(i) + "\n";
  core::ExitStatus status = testing::kill_mid_run(
      "dorky-shuffle", {"-o", "out.txt", "--memory", "64K"}, input, 200, dir.path());
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(read_file(dir / "out.txt"), "previous\n");
}

TEST(ShuffleTest, BadSeedIsAUsageError) {
  auto run = run_program("dorky-shuffle", {"--seed", "x"}, "");
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("--seed"), std::string::npos);
}

}  // namespace
}  // namespace dorky
