#include "dorky/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace dorky {
namespace {
core::Error io_error(const std::string& what, const std::string& where) {
  return core::Error(core::ErrorCode::kIo, what + " in " + where + ": " + std::strerror(errno));
}
}  // namespace

core::Result<SpillFile> SpillFile::create(const std::string& directory, std::size_t buffer_bytes) {
  std::string pattern = directory + "/dorky-spill-XXXXXX";
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return core::fail(io_error("creating a temporary file", directory));
  // Unlinked at once: a crash or a kill can leave nothing behind.
  ::unlink(pattern.c_str());
  return SpillFile(fd, directory, buffer_bytes);
}

SpillFile::SpillFile(int fd, std::string directory, std::size_t buffer_bytes)
    : fd_(fd), directory_(std::move(directory)), buffer_bytes_(buffer_bytes) {
  buffer_.reserve(buffer_bytes_);
}

SpillFile::SpillFile(SpillFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      directory_(std::move(other.directory_)),
      buffer_(std::move(other.buffer_)),
      buffer_bytes_(other.buffer_bytes_),
      size_(other.size_) {}

SpillFile& SpillFile::operator=(SpillFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    directory_ = std::move(other.directory_);
    buffer_ = std::move(other.buffer_);
    buffer_bytes_ = other.buffer_bytes_;
    size_ = other.size_;
  }
  return *this;
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

core::Status SpillFile::finish_writing() {
  CORE_RETURN_IF_ERROR(flush());
  std::string().swap(buffer_);  // many finished files must not each keep a write buffer
  return core::ok_status();
}

core::Status SpillFile::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                         static_cast<off_t>(size_ - buffer_.size() + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::fail(io_error("writing a temporary file", directory_));
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return core::ok_status();
}

core::Status SpillFile::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > buffer_bytes_) {
    CORE_RETURN_IF_ERROR(flush());
    if (bytes.size() >= buffer_bytes_) {
      buffer_.assign(bytes);
      size_ += bytes.size();
      return flush();
    }
  }
  buffer_.append(bytes);
  size_ += bytes.size();
  return core::ok_status();
}

core::Status SpillFile::read_at(std::uint64_t offset, char* out, std::size_t length) const {
  std::size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::fail(io_error("reading a temporary file", directory_));
    if (n == 0) {
      return core::fail(core::ErrorCode::kIo, "temporary file in " + directory_ + " is short");
    }
    done += static_cast<std::size_t>(n);
  }
  return core::ok_status();
}

SpillReader::SpillReader(const SpillFile& file, std::uint64_t begin, std::uint64_t end,
                         std::size_t buffer_bytes)
    : file_(&file), offset_(begin), end_(end) {
  buffer_.resize(buffer_bytes);
}

core::Result<std::string_view> SpillReader::read(std::size_t length) {
  if (limit_ - pos_ < length) {
    std::size_t have = limit_ - pos_;
    if (length > buffer_.size()) {
      std::string bigger(length, '\0');
      std::memcpy(bigger.data(), buffer_.data() + pos_, have);
      buffer_ = std::move(bigger);
    } else {
      std::memmove(buffer_.data(), buffer_.data() + pos_, have);
    }
    pos_ = 0;
    limit_ = have;
    std::uint64_t want = std::min<std::uint64_t>(buffer_.size() - have, end_ - offset_);
    if (have + want < length) {
      return core::fail(core::ErrorCode::kIo, "temporary file ended early");
    }
    CORE_RETURN_IF_ERROR(file_->read_at(offset_, buffer_.data() + have, want));
    offset_ += want;
    limit_ += want;
  }
  std::string_view view(buffer_.data() + pos_, length);
  pos_ += length;
  return view;
}

}  // namespace dorky
