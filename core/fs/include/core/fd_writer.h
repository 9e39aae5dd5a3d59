// Writing bytes to a descriptor the caller holds (stdout, a device, a FIFO, a temporary file):
// the one write loop of the suite. EINTR and short writes are handled; a write the system
// refuses (ENOSPC, EFBIG past a file-size limit, EPIPE when SIGPIPE is ignored, EIO) comes
// back as kIo "writing <name>: <reason>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace core {

// Writes all of `bytes` to `fd` (not owned); `name` is for the message.
Status write_all(int fd, std::string_view bytes, std::string_view name);

// Collects small writes into one buffer and hands the system large ones. The descriptor is
// not owned. Errors are sticky: after a failed write every call fails with the same error
// and the bytes still buffered are dropped. Not thread safe; move-only.
class BufferedFdWriter {
 public:
  static constexpr std::size_t kDefaultBufferBytes = 1 << 20;

  BufferedFdWriter(int fd, std::string name, std::size_t buffer_bytes = kDefaultBufferBytes);
  BufferedFdWriter(BufferedFdWriter&&) noexcept = default;
  BufferedFdWriter& operator=(BufferedFdWriter&&) noexcept = default;
  BufferedFdWriter(const BufferedFdWriter&) = delete;
  BufferedFdWriter& operator=(const BufferedFdWriter&) = delete;
  // Does not flush: a caller that wants the buffered bytes out calls flush() and reads its
  // status.
  ~BufferedFdWriter() = default;

  // Appends bytes; writes go out once the buffer is full (a write larger than the buffer
  // goes out at once, without a copy).
  Status write(std::string_view bytes);
  // Appends `line` and a '\n'.
  Status write_line(std::string_view line);
  // Writes out whatever is buffered.
  Status flush();

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  // Bytes accepted by write() so far (buffered or written).
  std::uint64_t bytes_accepted() const { return bytes_accepted_; }
  std::size_t buffered() const { return buffer_.size(); }

 private:
  Status fail_with(Status status);

  int fd_;
  std::string name_;
  std::size_t capacity_;
  std::string buffer_;
  std::uint64_t bytes_accepted_ = 0;
  std::optional<Error> error_;
};

}  // namespace core
