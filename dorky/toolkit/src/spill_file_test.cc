#include "dorky/spill_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace dorky {
namespace {

TEST(SpillFileTest, WritesThenReadsBackAndLeavesNoFileBehind) {
  // A directory of its own: counting entries of the shared temp directory would see other
  // tests' files come and go when tests run in parallel.
  std::filesystem::path own =
      std::filesystem::temp_directory_path() / ("spill_file_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(own);
  std::string dir = own.string();
  auto file = SpillFile::create(dir, 4096);
  ASSERT_TRUE(file.has_value()) << file.error().message();
  std::string expected;
  for (int i = 0; i < 5000; ++i) {
    std::string piece = std::to_string(i) + ",";
    expected += piece;
    ASSERT_TRUE(file->write(piece).has_value());
  }
  std::string big(10000, 'b');
  expected += big;
  ASSERT_TRUE(file->write(big).has_value());
  ASSERT_TRUE(file->finish_writing().has_value());
  EXPECT_EQ(file->size(), expected.size());

  SpillReader reader(*file, 0, file->size(), 1000);
  std::string got;
  while (reader.remaining() > 0) {
    std::size_t n = std::min<std::uint64_t>(reader.remaining(), got.size() % 3 == 0 ? 7 : 3000);
    auto piece = reader.read(n);
    ASSERT_TRUE(piece.has_value());
    got += *piece;
  }
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(reader.read(1).has_value());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0);
  std::filesystem::remove_all(own);
}

}  // namespace
}  // namespace dorky
