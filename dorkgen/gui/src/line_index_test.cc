#include "dorkgen/line_index.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

#ifdef PROJECT_SANITIZED
constexpr std::uint64_t kLines = 200'000;
#else
constexpr std::uint64_t kLines = 1'000'000;
#endif

std::string line_text(std::uint64_t i) {
  return "site:example.com inurl:admin" + std::to_string(i);
}

fs::path write_lines(const std::string& name, std::uint64_t n, bool final_newline) {
  fs::path path = fs::path(::testing::TempDir()) / name;
  std::ofstream out(path, std::ios::binary);
  for (std::uint64_t i = 0; i < n; ++i) {
    out << line_text(i);
    if (i + 1 < n || final_newline) out << '\n';
  }
  return path;
}

void wait_until_finished(const LineIndex& index) {
  // The indexing thread sets finished(); the test waits for that condition, not for a time.
  while (!index.finished()) std::this_thread::yield();
}

TEST(LineIndexTest, LargeFileLastRowReachableWithBoundedMemory) {
  fs::path path = write_lines("large.txt", kLines, true);
  LineIndex index(path);
  wait_until_finished(index);
  ASSERT_EQ(index.error(), "");
  ASSERT_EQ(index.lines(), kLines);
  EXPECT_NE(index.indexing_thread(), std::this_thread::get_id());
  // One offset per 1,024 lines (and the vector's slack), not one per line.
  EXPECT_LE(index.memory_bytes(), 2 * (kLines / LineIndex::kStride + 1) * sizeof(std::uint64_t));
  EXPECT_EQ(index.read(kLines - 1, 1), std::vector<std::string>{line_text(kLines - 1)});
  EXPECT_EQ(index.read(kLines - 1, 10).size(), 1u) << "nothing past the end";
  EXPECT_EQ(index.read(kLines, 1).size(), 0u);
  for (std::uint64_t first :
       {std::uint64_t{0}, LineIndex::kStride - 1, LineIndex::kStride, kLines / 2 + 17}) {
    std::vector<std::string> rows = index.read(first, 3);
    ASSERT_EQ(rows.size(), 3u) << first;
    for (std::uint64_t k = 0; k < 3; ++k) EXPECT_EQ(rows[k], line_text(first + k));
  }
}

TEST(LineIndexTest, LastLineWithoutNewlineAndEmptyAndMissingFiles) {
  LineIndex open_end(write_lines("open.txt", 3000, false));
  wait_until_finished(open_end);
  EXPECT_EQ(open_end.lines(), 3000u);
  EXPECT_EQ(open_end.read(2999, 1), std::vector<std::string>{line_text(2999)});

  LineIndex empty(write_lines("empty.txt", 0, true));
  wait_until_finished(empty);
  EXPECT_EQ(empty.lines(), 0u);
  EXPECT_EQ(empty.error(), "");

  LineIndex missing(fs::path(::testing::TempDir()) / "no-such-file.txt");
  wait_until_finished(missing);
  EXPECT_NE(missing.error().find("no-such-file.txt: cannot open"), std::string::npos);
}

// Rows can be read while the index is still being built, from another thread.
TEST(LineIndexTest, ReadsWhileIndexing) {
  fs::path path = write_lines("growing.txt", kLines, true);
  LineIndex index(path);
  std::uint64_t seen = 0;
  while (!index.finished()) {
    std::uint64_t known = index.lines();
    if (known > 0) {
      std::vector<std::string> rows = index.read(known - 1, 1);
      ASSERT_EQ(rows.size(), 1u);
      ASSERT_EQ(rows[0], line_text(known - 1));
      seen = known;
    }
  }
  EXPECT_LE(seen, kLines);
  EXPECT_EQ(index.lines(), kLines);
}

// Destroying the index mid-build stops its thread.
TEST(LineIndexTest, DestroyedWhileIndexing) {
  fs::path path = write_lines("abandoned.txt", kLines, true);
  for (int i = 0; i < 5; ++i) LineIndex index(path);
}

}  // namespace
}  // namespace dorkgen
