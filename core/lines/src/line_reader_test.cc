#include "core/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace core {
namespace {

// Feeds `input` through a pipe and returns every line, with "<no-eol>" appended to a last
// line that lacked its '\n'.
std::vector<std::string> read_all(const std::string& input, std::size_t buffer_bytes) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < input.size()) {
      ssize_t n = ::write(fds[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  LineReader reader(fds[0], "test pipe", buffer_bytes);
  std::vector<std::string> lines;
  Line line;
  while (reader.next(line)) {
    lines.emplace_back(line.bytes);
    if (!line.terminated) lines.back() += "<no-eol>";
  }
  EXPECT_TRUE(reader.status().has_value());
  EXPECT_EQ(reader.bytes_read(), input.size());
  writer.join();
  ::close(fds[0]);
  return lines;
}

TEST(LineReaderTest, EmptyInputHasNoLines) { EXPECT_TRUE(read_all("", 4096).empty()); }

TEST(LineReaderTest, KeepsCarriageReturnsBinaryBytesAndEmptyLines) {
  std::string input("a\r\n\n\xff\xfe\0z\nlast", 13);
  std::vector<std::string> expected = {"a\r", "", std::string("\xff\xfe\0z", 4), "last<no-eol>"};
  EXPECT_EQ(read_all(input, 4096), expected);
}

TEST(LineReaderTest, LinesLongerThanTheBufferGrowIt) {
  std::string huge(3 << 20, 'q');
  std::string input = "x\n" + huge + "\ny\n";
  std::vector<std::string> expected = {"x", huge, "y"};
  EXPECT_EQ(read_all(input, 4096), expected);
}

TEST(LineReaderTest, ManySmallLinesAcrossBufferBoundaries) {
  std::string input;
  std::vector<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    expected.push_back(std::to_string(i * 7919));
    input += expected.back() + "\n";
  }
  EXPECT_EQ(read_all(input, 4096), expected);
}

TEST(LineReaderTest, LineLongerThanTheLimitIsRefusedWithoutGrowingPastIt) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string input = "short\n" + std::string(100000, 'x') + "\nafter\n";
  std::thread writer([&] {
    (void)!::write(fds[1], input.data(), input.size());
    ::close(fds[1]);
  });
  LineReader reader(fds[0], "test pipe", 4096);
  reader.set_max_line_bytes(10000, "raise the limit");
  Line line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line.bytes, "short");
  EXPECT_FALSE(reader.next(line));
  Status status = reader.status();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message(),
            "reading test pipe: a line is longer than 10000 bytes at line 2 (raise the limit)");
  char drain[65536];
  while (::read(fds[0], drain, sizeof drain) > 0) {
  }
  writer.join();
  ::close(fds[0]);
}

TEST(LineReaderTest, ReadErrorIsReported) {
  LineReader reader(-1, "bad descriptor");
  Line line;
  EXPECT_FALSE(reader.next(line));
  ASSERT_FALSE(reader.status().has_value());
  EXPECT_NE(reader.status().error().message().find("bad descriptor"), std::string::npos);
}

}  // namespace
}  // namespace core
