#include "core/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace core {

LineReader::LineReader(int fd, std::string name, std::size_t buffer_bytes)
    : fd_(fd),
      name_(std::move(name)),
      buffer_(new char[buffer_bytes < 4096 ? 4096 : buffer_bytes]),
      capacity_(buffer_bytes < 4096 ? 4096 : buffer_bytes) {
  // Only a hint: pipes and terminals reject it, which is fine.
  (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

bool LineReader::fill() {
  if (begin_ > 0) {
    // Move the partial line to the front so the read can append after it.
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (end_ > max_line_bytes_) {
    error_ = Error(ErrorCode::kInvalidArgument,
                   "reading " + name_ + ": a line is longer than " +
                       std::to_string(max_line_bytes_) + " bytes at line " +
                       std::to_string(line_number_ + 1) + " (" + max_line_why_ + ")");
    return false;
  }
  if (end_ == capacity_) {
    // One line fills the whole buffer: grow it.
    std::size_t grown = capacity_ * 2;
    std::unique_ptr<char[]> bigger(new char[grown]);
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  while (true) {
    ssize_t n = ::read(fd_, buffer_.get() + end_, capacity_ - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = Error(ErrorCode::kIo, "reading " + name_ + ": " + std::strerror(errno));
      return false;
    }
    if (n == 0) eof_ = true;
    end_ += static_cast<std::size_t>(n);
    bytes_read_ += static_cast<std::uint64_t>(n);
    return true;
  }
}

bool LineReader::next(Line& line) {
  while (true) {
    if (scan_ < end_) {
      const void* found = std::memchr(buffer_.get() + scan_, '\n', end_ - scan_);
      if (found != nullptr) {
        std::size_t newline =
            static_cast<std::size_t>(static_cast<const char*>(found) - buffer_.get());
        line.bytes = std::string_view(buffer_.get() + begin_, newline - begin_);
        line.terminated = true;
        begin_ = scan_ = newline + 1;
        ++line_number_;
        return true;
      }
      scan_ = end_;
    }
    if (eof_ || error_) {
      if (error_ || begin_ == end_) return false;
      line.bytes = std::string_view(buffer_.get() + begin_, end_ - begin_);
      line.terminated = false;
      begin_ = scan_ = end_;
      ++line_number_;
      return true;
    }
    if (!fill()) return false;
  }
}

Status LineReader::status() const {
  if (error_) return fail(*error_);
  return ok_status();
}

}  // namespace core
