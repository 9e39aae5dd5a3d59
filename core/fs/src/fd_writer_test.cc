#include "core/fd_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/testing/shell_run.h"

namespace core {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Ignores `signal` for the scope of a test (restored after).
class IgnoreSignal {
 public:
  explicit IgnoreSignal(int signal) : signal_(signal) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(signal_, &ignore, &saved_);
  }
  ~IgnoreSignal() { ::sigaction(signal_, &saved_, nullptr); }

 private:
  int signal_;
  struct sigaction saved_ {};
};

class FdWriterTest : public ::testing::Test {
 protected:
  int open_out(const std::string& name) {
    return ::open((dir_ / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  core::testing::ScratchDir scratch_{"core-fd-writer"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(FdWriterTest, SmallWritesWaitInTheBufferUntilFlushed) {
  int fd = open_out("out.txt");
  ASSERT_GE(fd, 0);
  BufferedFdWriter writer(fd, "out.txt", 64);
  ASSERT_TRUE(writer.write("abc").has_value());
  ASSERT_TRUE(writer.write_line("def").has_value());
  EXPECT_EQ(slurp(dir_ / "out.txt"), "");
  EXPECT_EQ(writer.buffered(), 7u);
  ASSERT_TRUE(writer.flush().has_value());
  EXPECT_EQ(slurp(dir_ / "out.txt"), "abcdef\n");
  EXPECT_EQ(writer.bytes_accepted(), 7u);
  ::close(fd);
}

TEST_F(FdWriterTest, AFullBufferGoesOutAndLargeWritesGoStraightThroughInOrder) {
  int fd = open_out("out.txt");
  ASSERT_GE(fd, 0);
  BufferedFdWriter writer(fd, "out.txt", 16);
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string piece =
        i % 10 == 0 ? std::string(40, static_cast<char>('a' + i / 10)) : std::to_string(i);
    ASSERT_TRUE(writer.write_line(piece).has_value());
    expected += piece + "\n";
  }
  ASSERT_TRUE(writer.flush().has_value());
  EXPECT_EQ(slurp(dir_ / "out.txt"), expected);
  ::close(fd);
}

TEST_F(FdWriterTest, AFullDeviceIsAnIoErrorNamingTheStream) {
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  BufferedFdWriter writer(fd, "/dev/full", 16);
  ASSERT_TRUE(writer.write("fits").has_value());
  Status status = writer.flush();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kIo);
  EXPECT_EQ(status.error().message(), "writing /dev/full: No space left on device");
  // Sticky: later writes fail the same way without trying again.
  EXPECT_EQ(writer.write("x").error().message(), status.error().message());
  EXPECT_EQ(writer.flush().error().message(), status.error().message());
  ::close(fd);
}

TEST_F(FdWriterTest, AFileSizeLimitIsAnIoErrorAndWhatFitsIsWritten) {
  // RLIMIT_FSIZE is what a full disk looks like in a test: writes past it fail with EFBIG
  // (with SIGXFSZ ignored, as a shell's `trap '' XFSZ; ulimit -f` does).
  IgnoreSignal ignore(SIGXFSZ);
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  int fd = open_out("limited.txt");
  ASSERT_GE(fd, 0);
  struct rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  BufferedFdWriter writer(fd, "limited.txt", 1024);
  Status status = ok_status();
  for (int i = 0; i < 100 && status; ++i) status = writer.write(std::string(100, 'z'));
  if (status) status = writer.flush();
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::close(fd);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kIo);
  EXPECT_EQ(status.error().message(), "writing limited.txt: File too large");
  EXPECT_EQ(fs::file_size(dir_ / "limited.txt"), 4096u);
}

TEST_F(FdWriterTest, AClosedPipeIsAnIoErrorWhenSigpipeIsIgnored) {
  IgnoreSignal ignore(SIGPIPE);
  int ends[2];
  ASSERT_EQ(::pipe2(ends, O_CLOEXEC), 0);
  ::close(ends[0]);
  Status status = write_all(ends[1], "nobody reads this", "stdout");
  ::close(ends[1]);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kIo);
  EXPECT_EQ(status.error().message(), "writing stdout: Broken pipe");
}

TEST_F(FdWriterTest, ABadDescriptorIsAnIoError) {
  Status status = write_all(-1, "x", "nothing");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(), "writing nothing: Bad file descriptor");
}

}  // namespace
}  // namespace core
