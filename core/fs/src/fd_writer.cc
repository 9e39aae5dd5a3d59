#include "core/fd_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace core {

Status write_all(int fd, std::string_view bytes, std::string_view name) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return fail(ErrorCode::kIo, "writing " + std::string(name) + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok_status();
}

BufferedFdWriter::BufferedFdWriter(int fd, std::string name, std::size_t buffer_bytes)
    : fd_(fd), name_(std::move(name)), capacity_(buffer_bytes) {
  buffer_.reserve(capacity_);
}

Status BufferedFdWriter::fail_with(Status status) {
  if (!status) {
    error_ = status.error();
    buffer_.clear();
  }
  return status;
}

Status BufferedFdWriter::flush() {
  if (error_) return fail(*error_);
  Status status = write_all(fd_, buffer_, name_);
  buffer_.clear();
  return fail_with(std::move(status));
}

Status BufferedFdWriter::write(std::string_view bytes) {
  if (error_) return fail(*error_);
  bytes_accepted_ += bytes.size();
  if (buffer_.size() + bytes.size() > capacity_) {
    CORE_RETURN_IF_ERROR(flush());
    if (bytes.size() >= capacity_) return fail_with(write_all(fd_, bytes, name_));
  }
  buffer_.append(bytes);
  return ok_status();
}

Status BufferedFdWriter::write_line(std::string_view line) {
  if (!error_ && buffer_.size() + line.size() + 1 <= capacity_) {
    buffer_.append(line);
    buffer_.push_back('\n');
    bytes_accepted_ += line.size() + 1;
    return ok_status();
  }
  CORE_RETURN_IF_ERROR(write(line));
  return write("\n");
}

}  // namespace core
