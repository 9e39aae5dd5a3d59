// Fast line input over a file descriptor: large reads into one reusable buffer and no
// allocation per line. A line is the bytes before a '\n'; the '\n' is not part of it and
// everything else is (a '\r' of CRLF, NUL bytes, invalid UTF-8). The last line may lack
// its '\n'; Line::terminated says which.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace core {

struct Line {
  std::string_view bytes;   // valid until the next call to LineReader::next()
  bool terminated = false;  // false only for a last line without '\n'
};

// Reads lines from `fd` (not owned: the caller closes it after the reader is gone).
// A line longer than the buffer grows the buffer to hold it, so a single line must fit in
// memory. Not thread safe.
class LineReader {
 public:
  static constexpr std::size_t kDefaultBufferBytes = 1 << 20;

  // `name` is used in error messages ("reading <name>: ...").
  LineReader(int fd, std::string name, std::size_t buffer_bytes = kDefaultBufferBytes);

  // Fills `line` with the next line and returns true; returns false at end of input or on a
  // read error (then status() holds the error). Returned views die at the next call.
  bool next(Line& line);

  // The first read error, if any; ok after a clean end of input.
  Status status() const;

  // Refuses lines longer than `bytes`: next() then returns false and status() is
  // kInvalidArgument "reading <name>: a line is longer than <bytes> bytes at line <n> (<why>)".
  // Bounds the
  // buffer (to about twice `bytes`) for callers with a memory budget.
  void set_max_line_bytes(std::size_t bytes, std::string why) {
    max_line_bytes_ = bytes;
    max_line_why_ = std::move(why);
  }

  // Bytes consumed from the descriptor so far (for progress reports).
  std::uint64_t bytes_read() const { return bytes_read_; }

  // The 1-based number of the line next() returned last (0 before the first), for messages
  // that point at a line ("<name>:<line>: ...").
  std::uint64_t line_number() const { return line_number_; }

 private:
  bool fill();

  int fd_;
  std::string name_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_;
  std::size_t begin_ = 0;  // first unconsumed byte
  std::size_t end_ = 0;    // one past the last valid byte
  std::size_t scan_ = 0;   // bytes in [begin_, scan_) are known to hold no '\n'
  bool eof_ = false;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t line_number_ = 0;
  std::size_t max_line_bytes_ = static_cast<std::size_t>(-1);
  std::string max_line_why_;
  std::optional<Error> error_;
};

}  // namespace core
