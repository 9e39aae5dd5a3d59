#include "core/line_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/testing/shell_run.h"

namespace core {
namespace {

namespace fs = std::filesystem;

class LineFileTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  core::testing::ScratchDir scratch_{"core-line-file"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(LineFileTest, ReadsEveryLineOfALargeFileWithCrlfAndALastLineWithoutNewline) {
#ifdef PROJECT_SANITIZED
  const int count = 20000;
#else
  const int count = 300000;
#endif
  std::string text;
  for (int i = 0; i < count; ++i) text += "line " + std::to_string(i) + (i % 2 ? "\r\n" : "\n");
  text += "last";
  auto file = LineFile::open(write("big.txt", text), 4096);
  ASSERT_TRUE(file.has_value()) << file.error().message();
  Line line;
  int seen = 0;
  while (file->next(line) && line.terminated) {
    std::string expected = "line " + std::to_string(seen) + (seen % 2 ? "\r" : "");
    ASSERT_EQ(line.bytes, expected);
    ++seen;
  }
  EXPECT_EQ(seen, count);
  EXPECT_FALSE(line.terminated);
  EXPECT_EQ(line.bytes, "last");
  EXPECT_EQ(file->where(), (dir_ / "big.txt").string() + ":" + std::to_string(count + 1));
  EXPECT_FALSE(file->next(line));
  EXPECT_TRUE(file->status().has_value());
}

TEST_F(LineFileTest, ALineLongerThanTheBufferIsReadWhole) {
  std::string huge(1 << 20, 'h');
  auto file = LineFile::open(write("long.txt", "a\n" + huge + "\n"), 4096);
  ASSERT_TRUE(file.has_value());
  Line line;
  ASSERT_TRUE(file->next(line));
  ASSERT_TRUE(file->next(line));
  EXPECT_EQ(line.bytes.size(), huge.size());
  EXPECT_EQ(file->reader().line_number(), 2u);
  EXPECT_FALSE(file->next(line));
}

TEST_F(LineFileTest, ATooLongLineIsRefusedNamingTheFileAndTheLine) {
  auto file = LineFile::open(write("long.txt", "a\nb\n" + std::string(9000, 'x') + "\n"), 4096);
  ASSERT_TRUE(file.has_value());
  file->reader().set_max_line_bytes(5000, "a test limit");
  Line line;
  while (file->next(line)) {
  }
  ASSERT_FALSE(file->status().has_value());
  EXPECT_EQ(file->status().error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(file->status().error().message(),
            "reading " + (dir_ / "long.txt").string() +
                ": a line is longer than 5000 bytes at line 3 (a test limit)");
}

TEST_F(LineFileTest, AMissingFileIsNotFoundNamingThePath) {
  auto file = LineFile::open(dir_ / "absent.txt");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(file.error().message().find("opening " + (dir_ / "absent.txt").string() + ": "),
            std::string::npos);
}

TEST_F(LineFileTest, AReadErrorIsAnIoErrorNamingThePath) {
  // A directory opens read-only but read() fails with EISDIR.
  auto file = LineFile::open(dir_);
  ASSERT_TRUE(file.has_value());
  Line line;
  EXPECT_FALSE(file->next(line));
  ASSERT_FALSE(file->status().has_value());
  EXPECT_EQ(file->status().error().code(), ErrorCode::kIo);
  EXPECT_NE(file->status().error().message().find("reading " + dir_.string() + ": "),
            std::string::npos);
}

TEST_F(LineFileTest, AMovedFileKeepsReadingWhereItWas) {
  auto file = LineFile::open(write("two.txt", "one\ntwo\n"));
  ASSERT_TRUE(file.has_value());
  Line line;
  ASSERT_TRUE(file->next(line));
  LineFile moved(std::move(*file));
  ASSERT_TRUE(moved.next(line));
  EXPECT_EQ(line.bytes, "two");
  EXPECT_FALSE(moved.next(line));
}

}  // namespace
}  // namespace core
