#include "dorky/reverse.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::read_file;
using testing::run_program;
using testing::split_lines;
using testing::TempDir;
using testing::write_file;

std::string oracle(const std::string& input) {
  std::vector<std::string> lines = split_lines(input);
  if (!input.empty() && input.back() == '\n' && lines.empty()) lines.push_back("");
  std::reverse(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string reverse_in_process(const std::vector<std::string>& inputs, std::uint64_t memory,
                               const std::string& temp, bool expect_spool) {
  CommonOptions options;
  options.inputs = inputs;
  options.memory_bytes = memory;
  options.temp_dir = temp;
  options.progress = false;
  std::string text;
  Output out = Output::to_string(&text);
  auto stats = run_reverse(options, out);
  EXPECT_TRUE(stats.has_value());
  if (stats) {
    EXPECT_EQ(stats->spooled, expect_spool);
  }
  return text;
}

const std::vector<std::string> kCases = {
    "", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\r\nb\r\n", BYTES("\xff\0\n\n\x01z"),
};

TEST(ReverseTest, SmallCasesThroughEveryPath) {
  TempDir dir;
  for (const std::string& input : kCases) {
    write_file(dir / "in.txt", input);
    std::string expected = input.empty() ? "" : oracle(input);
    // A regular file read backwards with the smallest block.
    EXPECT_EQ(reverse_in_process({(dir / "in.txt").string()}, 64, dir.path().string(), false),
              expected)
        << input;
    // The binary through stdin (spooled in memory).
    auto run = run_program("dorky-reverse", {}, input);
    EXPECT_EQ(run.code, 0);
    EXPECT_EQ(run.out, expected) << input;
  }
}

TEST(ReverseTest, LargeInputsWithHugeLinesAndTinyBlocks) {
  TempDir dir;
  std::string input;
  for (int i = 0; i < 20000; ++i) {
    input += "inurl:page" + std::to_string(i);
    if (i % 5000 == 0) input += std::string(1 << 20, 'L');  // 1 MiB lines
    input += i % 3 == 0 ? "\r\n" : "\n";
  }
  input += "no final newline";
  write_file(dir / "in.txt", input);
  std::string expected = oracle(input);
  std::string path = (dir / "in.txt").string();
  EXPECT_TRUE(reverse_in_process({path}, 64 << 10, dir.path().string(), false) == expected);
  // Two inputs spool; a tiny budget sends the spool to disk.
  write_file(dir / "empty.txt", "");
  EXPECT_TRUE(reverse_in_process({(dir / "empty.txt").string(), path}, 64 << 10,
                                 dir.path().string(), true) == expected);
  auto run =
      run_program("dorky-reverse", {"--memory", "64K", "--temp-dir", dir.path().string()}, input);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(run.out == expected);
}

TEST(ReverseTest, ReverseOfAFileReportingSizeZeroReadsToEnd) {
  // /proc files report st_size 0 whatever they hold; this one is stable between reads.
  std::string contents = read_file("/proc/version");
  ASSERT_FALSE(contents.empty());
  TempDir dir;
  EXPECT_EQ(reverse_in_process({"/proc/version"}, 256u << 20, dir.path().string(), false),
            oracle(contents));
  auto run = run_program("dorky-reverse", {"/proc/self/status"});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_GT(split_lines(run.out).size(), 10u);
  EXPECT_EQ(split_lines(run.out).back().rfind("Name:", 0), 0u) << run.out;
}

TEST(ReverseTest, OutputFileAndErrors) {
  TempDir dir;
  auto run = run_program("dorky-reverse", {"-o", (dir / "out").string()}, "1\n2\n");
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(read_file(dir / "out"), "2\n1\n");
  auto missing = run_program("dorky-reverse", {"-o", (dir / "o2").string(), "/nonexistent/x"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/x"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "o2"));
}

TEST(ReverseTest, KilledMidWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  write_file(dir / "out.txt", "previous\n");
  std::string input;
  for (int i = 0; i < 100000; ++i) input += std::to_string(i) + "\n";
  core::ExitStatus status = testing::kill_mid_run(
      "dorky-reverse", {"-o", "out.txt", "--memory", "64K"}, input, 200, dir.path());
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(read_file(dir / "out.txt"), "previous\n");
}

}  // namespace
}  // namespace dorky
