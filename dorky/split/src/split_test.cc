#include "dorky/split.h"

#include <gtest/gtest.h>

#include <map>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::read_file;
using testing::run_program;
using testing::TempDir;
using testing::write_file;

std::string concat(const TempDir& dir, const std::vector<std::string>& names) {
  std::string all;
  for (const auto& name : names) all += read_file(dir / name);
  return all;
}

std::size_t entries(const TempDir& dir) {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator(dir.path()), {}));
}

const std::string kInput = BYTES("a\r\nb\n\xff\xfe\n\0z\ne\nlast-no-newline");

TEST(SplitTest, ByLineCountKeepsBytes) {
  TempDir dir;
  auto run = run_program("dorky-split", {"-l", "2", "--list"}, kInput, {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "part-0000\npart-0001\npart-0002\n");
  EXPECT_EQ(read_file(dir / "part-0000"), "a\r\nb\n");
  EXPECT_EQ(concat(dir, {"part-0000", "part-0001", "part-0002"}), kInput);
}

TEST(SplitTest, ContiguousPartsCoverTheInputWithoutSplittingLines) {
  TempDir dir;
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "line " + std::to_string(i) + (i % 7 ? "\n" : "\r\n");
  input += std::string(1 << 20, 'x') + "\nend";  // a 1 MiB line, no final newline
  write_file(dir / "in.txt", input);
  for (const std::string& source : {std::string("file"), std::string("stdin")}) {
    std::vector<std::string> args = {
        "-n",       "8",    "--prefix", (dir / (source + "-")).string(),
        "--suffix", ".txt", "--digits", "1"};
    if (source == "file") args.push_back((dir / "in.txt").string());
    auto run = run_program("dorky-split", args, source == "file" ? "" : input);
    EXPECT_EQ(run.code, 0) << run.err;
    std::vector<std::string> names;
    for (int k = 0; k < 8; ++k) names.push_back(source + "-" + std::to_string(k) + ".txt");
    EXPECT_TRUE(concat(dir, names) == input);
    for (int k = 0; k < 7; ++k) {
      std::string part = read_file(dir / names[static_cast<std::size_t>(k)]);
      EXPECT_TRUE(part.empty() || part.back() == '\n') << names[static_cast<std::size_t>(k)];
    }
  }
}

TEST(SplitTest, LargeContiguousPartsAreCopiedWholeWithFewerCopiesThanParts) {
  // Parts of several MiB (direct I/O when synced), more parts than copies in flight.
  TempDir dir;
  std::string input;
  std::uint64_t state = 7;
  while (input.size() < (12u << 20)) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    input += "site:h" + std::to_string(state >> 40) + ".example " + std::string(state >> 58, 'q') +
             (state % 5 == 0 ? "\r\n" : "\n");
  }
  write_file(dir / "in.txt", input);
  for (const char* sync : {"--memory=32M", "--no-sync"}) {
    auto run = run_program("dorky-split", {"-n", "20", sync, "--list", "--prefix",
                                           (dir / "p-").string(), (dir / "in.txt").string()});
    ASSERT_EQ(run.code, 0) << run.err;
    auto names = testing::split_lines(run.out);
    ASSERT_EQ(names.size(), 20u);
    std::string all;
    for (const std::string& name : names) {
      std::string part = read_file(name);
      EXPECT_TRUE(part.empty() || part.back() == '\n') << name;
      all += part;
    }
    EXPECT_TRUE(all == input) << sync;
    EXPECT_EQ(entries(dir), 21u);  // no temporaries left
  }
}

TEST(SplitTest, RoundRobin) {
  TempDir dir;
  auto run = run_program("dorky-split", {"-r", "3"}, "1\n2\n3\n4\n5", {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(read_file(dir / "part-0000"), "1\n4\n");
  EXPECT_EQ(read_file(dir / "part-0001"), "2\n5");
  EXPECT_EQ(read_file(dir / "part-0002"), "3\n");
}

TEST(SplitTest, ByOperatorValue) {
  TempDir dir;
  auto run = run_program("dorky-split", {"--by", "site", "--prefix", "by-", "--suffix", ".txt"},
                         "inurl:a site:x.com\nsite:y.org b\nno site here\nSITE:x.com c\n"
                         "site:\"we/ird\" d\n",
                         {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(read_file(dir / "by-x.com.txt"), "inurl:a site:x.com\nSITE:x.com c\n");
  EXPECT_EQ(read_file(dir / "by-y.org.txt"), "site:y.org b\n");
  EXPECT_EQ(read_file(dir / "by-_none.txt"), "no site here\n");
  EXPECT_EQ(read_file(dir / ("by-" + safe_file_part("we/ird") + ".txt")), "site:\"we/ird\" d\n");
  EXPECT_NE(safe_file_part("we/ird"), safe_file_part("we_ird"));
}

TEST(SplitTest, SplitByValueNamesNeverCollide) {
  TempDir dir;
  // Each value once, chosen to collide under the old naming (mangled name + hash, "_none").
  std::vector<std::string> values = {"a/b",
                                     "a_b-d378babc",
                                     "a%2Fb",
                                     "_none",
                                     ".hidden",
                                     "_hidden",
                                     std::string(300, 'x'),
                                     std::string(299, 'x') + "y"};
  std::string input = "no operator at all\n";
  for (const std::string& value : values) input += "site:" + value + " q\n";
  auto run = run_program("dorky-split", {"--by", "site", "--list"}, input, {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  auto names = testing::split_lines(run.out);
  EXPECT_EQ(names.size(), values.size() + 1) << run.out;
  EXPECT_EQ(entries(dir), values.size() + 1);
  for (const std::string& name : names) {
    EXPECT_EQ(testing::split_lines(read_file(dir / name)).size(), 1u) << name;
    EXPECT_LE(name.size(), 200u);
  }
  EXPECT_EQ(read_file(dir / "part-_none"), "no operator at all\n");
  EXPECT_EQ(read_file(dir / ("part-" + safe_file_part("_none"))), "site:_none q\n");
  EXPECT_EQ(safe_file_part("example.com"), "example.com");
  EXPECT_EQ(safe_file_part("a/b"), "a%2Fb");
}

TEST(SplitTest, ByOperatorWithMoreValuesThanOpenParts) {
  TempDir dir;
  // 64K of memory allows 2 open parts; 300 sites force several overflow passes.
  std::string input;
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 3000; ++i) {
    std::string site = "s" + std::to_string((i * 37) % 300) + ".com";
    std::string line = "inurl:x" + std::to_string(i) + " site:" + site;
    input += line + "\n";
    expected[site] += line + "\n";
  }
  auto run = run_program("dorky-split",
                         {"--by", "site", "--memory", "64K", "--no-sync", "--temp-dir",
                          dir.path().string(), "--prefix", "out-"},
                         input, {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  for (const auto& [site, lines] : expected) {
    EXPECT_EQ(read_file(dir / ("out-" + site)), lines) << site;
  }
  EXPECT_EQ(entries(dir), expected.size());
}

TEST(SplitTest, SplitPartsOfAFileReportingSizeZeroReadToEnd) {
  TempDir dir;
  std::string contents = read_file("/proc/version");  // st_size 0, stable contents
  ASSERT_FALSE(contents.empty());
  auto run = run_program("dorky-split", {"-n", "2", "/proc/version"}, "", {}, dir.path());
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(concat(dir, {"part-0000", "part-0001"}), contents);
  auto status = run_program("dorky-split", {"-n", "2", "--prefix", "st-", "/proc/self/status"}, "",
                            {}, dir.path());
  EXPECT_EQ(status.code, 0) << status.err;
  EXPECT_NE(concat(dir, {"st-0000", "st-0001"}).find("Name:"), std::string::npos);
}

TEST(SplitTest, SplitIntoMorePartsThanOpenFilesAllowed) {
  TempDir dir;
  std::string input;
  for (int i = 0; i < 1000; ++i) input += std::to_string(i) + "\n";
  write_file(dir / "seq.txt", input);
  testing::ScopedOpenFileLimit limit(64);
  ASSERT_TRUE(limit.ok());
  const int parts = 150;
  for (const std::string& mode : {std::string("-n"), std::string("-r")}) {
    for (const std::string& source : {std::string("file"), std::string("stdin")}) {
      std::string prefix = (dir / (mode.substr(1) + source + "-")).string();
      std::vector<std::string> args = {mode, std::to_string(parts), "--prefix", prefix,
                                       "--no-sync"};
      if (source == "file") args.push_back((dir / "seq.txt").string());
      auto run = run_program("dorky-split", args, source == "file" ? "" : input);
      ASSERT_EQ(run.code, 0) << mode << " " << source << ": " << run.err;
      std::vector<std::string> names;
      for (int k = 0; k < parts; ++k) {
        std::string number = std::to_string(k);
        names.push_back(mode.substr(1) + source + "-" + std::string(4 - number.size(), '0') +
                        number);
      }
      if (mode == "-n") {
        EXPECT_TRUE(concat(dir, names) == input) << source;
      } else {
        for (int k : {0, 1, 149}) {
          std::string expected;
          for (int i = k; i < 1000; i += parts) expected += std::to_string(i) + "\n";
          EXPECT_EQ(read_file(dir / names[static_cast<std::size_t>(k)]), expected) << source << k;
        }
      }
    }
  }
}

TEST(SplitTest, SplitHugePartCountNamesThePartLimit) {
  TempDir dir;
  for (const std::string& mode : {std::string("-n"), std::string("-r")}) {
    auto run = run_program("dorky-split", {mode, "18446744073709551615"}, "a\n", {}, dir.path());
    EXPECT_EQ(run.code, 2) << run.err;
    EXPECT_NE(run.err.find("from 1 to 1000000"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("--memory"), std::string::npos) << run.err;
  }
  EXPECT_EQ(entries(dir), 0u);
}

TEST(SplitTest, SplitLinesOutOfRangeNamesTheRange) {
  TempDir dir;
  auto run = run_program("dorky-split", {"-l", "18446744073709551616"}, "a\n", {}, dir.path());
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("--lines must be an integer from 0 to 18446744073709551615"),
            std::string::npos)
      << run.err;
}

TEST(SplitTest, SplitPartNamesOutgrowingDigitsFailUpFront) {
  TempDir dir;
  std::string input;
  for (int i = 1; i <= 101; ++i) input += std::to_string(i) + "\n";
  write_file(dir / "s", input);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"-l", "1", "--digits", "2", "s"},
                                             {"-n", "101", "--digits", "2", "s"},
                                             {"-r", "101", "--digits", "2", "s"}}) {
    auto run = run_program("dorky-split", args, "", {}, dir.path());
    EXPECT_EQ(run.code, 2) << args[0];
    EXPECT_NE(run.err.find("suffixes exhausted"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--digits 3"), std::string::npos) << run.err;
    EXPECT_EQ(entries(dir), 1u) << args[0];  // nothing written
  }
  // Exactly 100 parts fit.
  auto fits = run_program("dorky-split", {"-l", "2", "--digits", "2", "s"}, "", {}, dir.path());
  EXPECT_EQ(fits.code, 0) << fits.err;
  EXPECT_EQ(entries(dir), 1u + 51u);
  // From a pipe the count is not known up front: the run stops when the names run out.
  TempDir piped;
  auto run = run_program("dorky-split", {"-l", "1", "--digits", "2"}, input, {}, piped.path());
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("suffixes exhausted"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(piped / "part-100"));
}

TEST(SplitTest, EmptyInput) {
  TempDir dir;
  EXPECT_EQ(run_program("dorky-split", {"-l", "10"}, "", {}, dir.path()).code, 0);
  EXPECT_EQ(entries(dir), 0u);
  EXPECT_EQ(run_program("dorky-split", {"-n", "2"}, "", {}, dir.path()).code, 0);
  EXPECT_EQ(read_file(dir / "part-0000"), "");
  EXPECT_EQ(read_file(dir / "part-0001"), "");
}

TEST(SplitTest, UsageErrorsWriteNothing) {
  TempDir dir;
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                {"-l", "0"},
                                                                {"-l", "2", "-n", "2"},
                                                                {"-n", "x"},
                                                                {"--by", ""},
                                                                {"-l", "1", "-o", "x"},
                                                                {"-l", "1", "missing-file"}}) {
    auto run = run_program("dorky-split", args, "a\n", {}, dir.path());
    EXPECT_EQ(run.code, 2) << run.err;
    EXPECT_NE(run.err.find("dorky-split: "), std::string::npos);
  }
  EXPECT_EQ(entries(dir), 0u);
}

TEST(SplitTest, KilledMidRunLeavesNoPartialParts) {
  TempDir dir;
  write_file(dir / "part-0000", "previous\n");
  std::string input;
  for (int i = 0; i < 100000; ++i) input += "site:h" + std::to_string(i % 97) + ".example\n";
  core::ExitStatus status =
      testing::kill_mid_run("dorky-split", {"-r", "4"}, input, 200, dir.path());
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(read_file(dir / "part-0000"), "previous\n");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "part-0000" || name.starts_with(".part-")) << name;
  }
}

}  // namespace
}  // namespace dorky
