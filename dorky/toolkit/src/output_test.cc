#include "dorky/output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace dorky {
namespace {

namespace fs = std::filesystem;

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dorky_output_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

TEST_F(OutputTest, OutputToAFifoWritesThroughAndKeepsTheFifo) {
  fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    std::stringstream all;
    all << in.rdbuf();
    received = all.str();
  });
  std::string big(3 << 20, 'z');  // more than the stream buffer
  {
    auto out = Output::open(fifo.string());
    ASSERT_TRUE(out.has_value()) << out.error().message();
    ASSERT_TRUE(out->write_line("first").has_value());
    ASSERT_TRUE(out->write(big).has_value());
    ASSERT_TRUE(out->commit().has_value());
  }
  reader.join();
  EXPECT_TRUE(received == "first\n" + big);
  struct stat info {};
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(entries(), 1u);  // no temporary beside it
}

TEST_F(OutputTest, OutputToDevNullWritesThroughWithoutATemporary) {
  struct stat before {};
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  auto out = Output::open("/dev/null");
  ASSERT_TRUE(out.has_value()) << out.error().message();
  ASSERT_TRUE(out->write_line("discarded").has_value());
  ASSERT_TRUE(out->commit().has_value());
  struct stat after {};
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(after.st_rdev, before.st_rdev);
}

TEST_F(OutputTest, OutputToARegularFileIsStillAtomic) {
  fs::path target = dir_ / "out.txt";
  { std::ofstream(target) << "old\n"; }
  {
    auto out = Output::open(target.string());
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(out->write_line("new").has_value());
    // Not committed: the old file stays.
  }
  std::ifstream in(target);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "old");
  EXPECT_EQ(entries(), 1u);
}

}  // namespace
}  // namespace dorky
