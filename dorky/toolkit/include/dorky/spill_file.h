// Anonymous temporary files for external-memory passes (runs, partitions, spools). The file
// is unlinked as soon as it is created, so nothing is left behind however the process ends;
// the descriptor keeps the data alive until the SpillFile is destroyed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace dorky {

// Write once (buffered), then read back sequentially or at offsets. Not thread safe.
class SpillFile {
 public:
  static core::Result<SpillFile> create(const std::string& directory,
                                        std::size_t buffer_bytes = 1 << 20);
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&& other) noexcept;
  SpillFile(const SpillFile&) = delete;
  ~SpillFile();

  core::Status write(std::string_view bytes);
  // Flushes pending writes and frees the write buffer; afterwards size() is final and reads
  // may start.
  core::Status finish_writing();
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }

  // Reads exactly `length` bytes at `offset` into `out`; kIo on a short read.
  core::Status read_at(std::uint64_t offset, char* out, std::size_t length) const;

 private:
  SpillFile(int fd, std::string directory, std::size_t buffer_bytes);
  core::Status flush();

  int fd_ = -1;
  std::string directory_;
  std::string buffer_;
  std::size_t buffer_bytes_ = 0;
  std::uint64_t size_ = 0;
};

// Sequential buffered reader over a byte range of a SpillFile (which must outlive it).
class SpillReader {
 public:
  SpillReader(const SpillFile& file, std::uint64_t begin, std::uint64_t end,
              std::size_t buffer_bytes);
  // Returns a view of the next `length` bytes (valid until the next call), or an error.
  // `length` may exceed the buffer; the buffer grows.
  core::Result<std::string_view> read(std::size_t length);
  // Bytes not yet returned by read().
  std::uint64_t remaining() const { return end_ - offset_ + (limit_ - pos_); }

 private:
  const SpillFile* file_;
  std::uint64_t offset_;  // next file offset to read
  std::uint64_t end_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t limit_ = 0;
};

}  // namespace dorky
