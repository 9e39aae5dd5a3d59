#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <utility>

namespace core {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

Error io_error(std::string_view action, const std::filesystem::path& path, int error_number) {
  return Error(ErrorCode::kIo,
               std::string(action) + " " + path.string() + ": " + std::strerror(error_number));
}

Status fsync_directory(const std::filesystem::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(io_error("opening directory", directory, errno));
  int result = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (result != 0) return fail(io_error("syncing directory", directory, saved));
  return ok_status();
}

}  // namespace

Result<AtomicFileWriter> AtomicFileWriter::open(const std::filesystem::path& target,
                                                Durability durability) {
  if (target.filename().empty()) {
    return fail(ErrorCode::kInvalidArgument, "output path '" + target.string() + "' names no file");
  }
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  std::random_device entropy;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::filesystem::path temp =
        directory / ("." + target.filename().string() + ".tmp-" + std::to_string(entropy()));
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return AtomicFileWriter(target, std::move(temp), fd, durability);
    if (errno != EEXIST) return fail(io_error("creating", temp, errno));
  }
  return fail(ErrorCode::kIo, "could not create a temporary file in " + directory.string());
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp, int fd,
                                   Durability durability)
    : target_(std::move(target)), temp_(std::move(temp)), fd_(fd), durability_(durability) {
  buffer_.reserve(kBufferBytes);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      bytes_written_(other.bytes_written_),
      failed_(other.failed_),
      durability_(other.durability_) {}

AtomicFileWriter::~AtomicFileWriter() { abandon(); }

void AtomicFileWriter::abandon() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
}

Status AtomicFileWriter::flush_buffer() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      return fail(io_error("writing", temp_, errno));
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  return ok_status();
}

Status AtomicFileWriter::write(std::string_view bytes) {
  if (fd_ < 0 || failed_) {
    return fail(ErrorCode::kFailedPrecondition, "writer for " + target_.string() + " is closed");
  }
  bytes_written_ += bytes.size();
  if (buffer_.size() + bytes.size() > kBufferBytes) {
    CORE_RETURN_IF_ERROR(flush_buffer());
    if (bytes.size() >= kBufferBytes) {
      buffer_.assign(bytes);
      return flush_buffer();
    }
  }
  buffer_.append(bytes);
  return ok_status();
}

Status AtomicFileWriter::append_from(int fd, std::uint64_t offset, std::uint64_t length) {
  if (fd_ < 0 || failed_) {
    return fail(ErrorCode::kFailedPrecondition, "writer for " + target_.string() + " is closed");
  }
  CORE_RETURN_IF_ERROR(flush_buffer());
  auto in_offset = static_cast<off_t>(offset);
  std::uint64_t left = length;
  bool in_kernel = true;
  while (left > 0) {
    ssize_t n = -1;
    if (in_kernel) {
      n = ::copy_file_range(fd, &in_offset, fd_, nullptr, static_cast<std::size_t>(left), 0);
      if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                    errno == EBADF)) {
        in_kernel = false;  // not supported between these files: copy through the buffer
        continue;
      }
    } else {
      buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(left, kBufferBytes)));
      n = ::pread(fd, buffer_.data(), buffer_.size(), in_offset);
      if (n > 0) {
        buffer_.resize(static_cast<std::size_t>(n));
        in_offset += n;
        CORE_RETURN_IF_ERROR(flush_buffer());
      } else {
        buffer_.clear();
      }
    }
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      if (n == 0) {
        return fail(ErrorCode::kIo, "copying into " + temp_.string() + ": the source ended " +
                                        std::to_string(left) + " bytes early");
      }
      return fail(io_error("copying into", temp_, errno));
    }
    left -= static_cast<std::uint64_t>(n);
    bytes_written_ += static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status AtomicFileWriter::commit() {
  if (fd_ < 0 || failed_) {
    return fail(ErrorCode::kFailedPrecondition, "writer for " + target_.string() + " is closed");
  }
  CORE_RETURN_IF_ERROR(flush_buffer());
  bool sync = durability_ == Durability::kFsync;
  if (sync && ::fsync(fd_) != 0) return fail(io_error("syncing", temp_, errno));
  if (::close(std::exchange(fd_, -1)) != 0) {
    int saved = errno;
    ::unlink(temp_.c_str());
    return fail(io_error("closing", temp_, saved));
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp_.c_str());
    return fail(io_error("renaming onto", target_, saved));
  }
  if (!sync) return ok_status();
  std::filesystem::path directory = target_.parent_path();
  return fsync_directory(directory.empty() ? "." : directory);
}

Status write_file_atomically(const std::filesystem::path& target, std::string_view contents) {
  auto writer = AtomicFileWriter::open(target);
  CORE_RETURN_IF_ERROR(writer);
  CORE_RETURN_IF_ERROR(writer->write(contents));
  return writer->commit();
}

}  // namespace core
