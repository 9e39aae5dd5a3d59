// A named file read line by line: the descriptor and its LineReader in one owner, for callers
// that read a path rather than a descriptor they already hold.
#pragma once

#include <cstddef>
#include <filesystem>

#include "core/line_reader.h"
#include "core/status.h"

namespace core {

// Move-only; closes the file when destroyed. Not thread safe.
class LineFile {
 public:
  // Opens `path` for reading. Fails, naming the path and the reason ("opening <path>: ..."),
  // with kNotFound when it does not exist and kIo otherwise. Errors while reading come from
  // the reader as "reading <path>: ...".
  static Result<LineFile> open(const std::filesystem::path& path,
                               std::size_t buffer_bytes = LineReader::kDefaultBufferBytes);

  LineFile(LineFile&& other) noexcept;
  LineFile& operator=(LineFile&&) = delete;
  LineFile(const LineFile&) = delete;
  ~LineFile();

  // LineReader::next: the next line, or false at the end or on an error (see status()).
  bool next(Line& line) { return reader_.next(line); }
  Status status() const { return reader_.status(); }
  LineReader& reader() { return reader_; }
  const std::filesystem::path& path() const { return path_; }

  // "<path>:<n>" for the line next() returned last, to prefix a message about that line.
  std::string where() const;

 private:
  LineFile(int fd, std::filesystem::path path, std::size_t buffer_bytes);

  int fd_;
  std::filesystem::path path_;
  LineReader reader_;
};

}  // namespace core
