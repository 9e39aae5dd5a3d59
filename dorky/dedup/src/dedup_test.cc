// Runs the real dorky-dedup binary: bytes-exact lines, the external path forced with a tiny
// --memory (checked against an in-memory oracle), errors, and a kill mid-write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <string>

#include "core/process.h"
#include "dorky/random.h"
#include "dorky/testing/tool_runner.h"

namespace {

using dorky::testing::read_file;
using dorky::testing::run_program;
using dorky::testing::TempDir;
using dorky::testing::write_file;

#ifdef PROJECT_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

std::string oracle(const std::string& input) {
  std::set<std::string> seen;
  std::string out;
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    bool terminated = end != std::string::npos;
    if (!terminated) end = input.size();
    std::string line = input.substr(start, end - start);
    if (seen.insert(line).second) out += line + (terminated ? "\n" : "");
    start = end + 1;
  }
  return out;
}

TEST(DedupTest, EmptyInputGivesEmptyOutput) {
  auto run = run_program("dorky-dedup", {}, "");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(DedupTest, KeepsFirstOccurrencesAndBytesExactly) {
  std::string input = BYTES("b\r\na\nb\r\n\xff\xfe\n\0x\nb\n\xff\xfe\n\0x\nlast");
  auto run = run_program("dorky-dedup", {}, input);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, BYTES("b\r\na\n\xff\xfe\n\0x\nb\nlast"));
}

TEST(DedupTest, HugeLinesPassThrough) {
  std::string huge(1 << 20, 'h');
  std::string input = huge + "\nx\n" + huge + "\n" + huge + "y";
  auto run = run_program("dorky-dedup", {}, input);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(run.out == huge + "\nx\n" + huge + "y");
}

std::string random_input(std::uint64_t seed, int lines, int distinct) {
  dorky::Random random(seed);
  std::string input;
  for (int i = 0; i < lines; ++i) {
    std::uint64_t v = random.below(static_cast<std::uint64_t>(distinct));
    input += "inurl:admin site:host" + std::to_string(v) + ".example filetype:pdf";
    if (v % 5 == 0) input += '\r';
    input += '\n';
  }
  return input + "site:unterminated.example";
}

TEST(DedupTest, ExternalPathMatchesTheOracle) {
#ifdef PROJECT_SANITIZED
  const int lines = 30000;
#else
  const int lines = 100000;
#endif
  TempDir dir;
  std::string input = random_input(3, lines, lines / 2);
  write_file(dir / "in.txt", input);
  // 64K of memory forces partitions and, inside them, further splits.
  auto run = run_program("dorky-dedup", {"--memory", "64K", "--stats", "--temp-dir",
                                         dir.path().string(), (dir / "in.txt").string()});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_NE(run.err.find("(external)"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out == oracle(input));
  // Same through a pipe, where the size is unknown and spilling starts mid-stream.
  auto piped = run_program("dorky-dedup", {"--memory", "64K", "--stats"}, input);
  EXPECT_EQ(piped.code, 0) << piped.err;
  EXPECT_NE(piped.err.find("(external)"), std::string::npos) << piped.err;
  EXPECT_TRUE(piped.out == oracle(input));
  // Spill files are unlinked at creation: nothing is left in the temp dir.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(DedupTest, DedupMemoryStaysInBudgetWhileMerging) {
  // 100000 lines of 50 bytes, two thirds distinct: many partitions at 64K. Sanitizers add
  // memory of their own, so under them only the result is checked, on fewer lines.
  const int lines = kSanitized ? 20000 : 100000;
  TempDir dir;
  std::string input = random_input(11, lines, lines * 2 / 3);
  write_file(dir / "in.txt", input);
  if (!dorky::testing::can_measure_memory()) GTEST_SKIP() << "needs GNU time";
  auto run = dorky::testing::run_program_measured(
      "dorky-dedup", {"-m", "64K", "--temp-dir", dir.path().string(), (dir / "in.txt").string()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_TRUE(run.out == oracle(input));
  // About 4 MiB is the program itself with its fixed output buffer; up to 512 partitions of
  // 16 KiB buffers each were 15 MiB before.
  if (!kSanitized) {
    EXPECT_LT(run.peak_rss_kib, 8 * 1024) << "peak RSS in KiB";
  }
}

TEST(DedupTest, DedupLineLongerThanTheBudgetIsAClearError) {
  std::string input = "a\n" + std::string(1 << 20, 'x') + "\na\n";
  auto run = run_program("dorky-dedup", {"-m", "64K"}, input);
  EXPECT_EQ(run.code, 2);
  EXPECT_NE(run.err.find("dorky-dedup: reading stdin: a line is longer than 8192 bytes"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(DedupTest, WritesOutputFileAtomically) {
  TempDir dir;
  auto run = run_program("dorky-dedup", {"-o", (dir / "out.txt").string()}, "a\na\nb\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(read_file(dir / "out.txt"), "a\nb\n");
}

TEST(DedupTest, BadInputIsExit2WithNoOutputFile) {
  TempDir dir;
  auto missing =
      run_program("dorky-dedup", {"-o", (dir / "out.txt").string(), (dir / "nope.txt").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope.txt"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.txt"));
  auto bad_memory = run_program("dorky-dedup", {"--memory", "lots"}, "");
  EXPECT_EQ(bad_memory.code, 2);
  EXPECT_NE(bad_memory.err.find("--memory"), std::string::npos) << bad_memory.err;
  auto unknown = run_program("dorky-dedup", {"--frobnicate"}, "");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("--frobnicate"), std::string::npos);
}

TEST(DedupTest, KilledMidWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  write_file(dir / "out.txt", "previous\n");
  core::ExitStatus status = dorky::testing::kill_mid_run(
      "dorky-dedup", {"-o", "out.txt"}, random_input(5, 100000, 50000), 200, dir.path());
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(read_file(dir / "out.txt"), "previous\n");
}

// Progress appears on a terminal and nowhere else.
TEST(DedupTest, ProgressOnlyOnATerminal) {
  std::string chunk;
  for (int i = 0; i < 70000; ++i) chunk += "q" + std::to_string(i) + "\n";
  core::SpawnOptions options;
  options.in = core::Stdio::pipe();
  options.out = core::Stdio::null();
  options.err = core::Stdio::terminal();
  std::string path = dorky::testing::bin_dir() + "/dorky-dedup";
  auto child = core::Child::spawn(path, {path}, options);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  ASSERT_EQ(::write(child->stdin_fd(), chunk.data(), chunk.size()),
            static_cast<ssize_t>(chunk.size()));
  ::usleep(400'000);  // past the first redraw interval
  ASSERT_EQ(::write(child->stdin_fd(), chunk.data(), chunk.size()),
            static_cast<ssize_t>(chunk.size()));
  child->close_stdin();
  std::string seen;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(child->terminal_fd(), buffer, sizeof buffer)) > 0) seen.append(buffer, n);
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->describe();
  EXPECT_NE(seen.find("dedup: "), std::string::npos) << seen;
  EXPECT_NE(seen.find(" MiB"), std::string::npos) << seen;
  // The same input with stderr not a terminal: no progress at all.
  auto quiet = run_program("dorky-dedup", {}, chunk + chunk);
  EXPECT_EQ(quiet.code, 0);
  EXPECT_EQ(quiet.err, "");
}

TEST(DedupTest, HelpAndDescribe) {
  auto help = run_program("dorky-dedup", {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: dorky-dedup"), std::string::npos);
  auto describe = run_program("dorky-dedup", {"--describe"});
  EXPECT_EQ(describe.code, 0);
  EXPECT_EQ(std::count(describe.out.begin(), describe.out.end(), '\n'), 1);
}

}  // namespace
