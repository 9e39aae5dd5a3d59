#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "core/fd_writer.h"

namespace core {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
// With kFsync, the bytes already written are handed to the disk in steps of this size
// (sync_file_range(SYNC_FILE_RANGE_WRITE), which does not wait), so that the disk writes
// while the caller produces the rest and commit()'s fsync finds little left to do.
constexpr std::uint64_t kWritebackBytes = 8 << 20;
// With kFsync, append_from() copies large ranges with direct I/O: the bytes go from the
// source straight to the disk, without filling the page cache with dirty pages that fsync
// must then write (half the CPU work, and the disk is busy from the first chunk).
constexpr std::uint64_t kDirectMinBytes = 1 << 20;
constexpr std::uint64_t kDirectAlign = 4096;  // file offsets, lengths and buffer addresses
constexpr std::uint64_t kDirectChunkBytes = 4 << 20;

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
                                                Durability durability, Permissions permissions) {
  if (target.filename().empty()) {
    return fail(ErrorCode::kInvalidArgument, "output path '" + target.string() + "' names no file");
  }
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  std::random_device entropy;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::filesystem::path temp =
        directory / ("." + target.filename().string() + ".tmp-" + std::to_string(entropy()));
    // 0666 and 0600 are filtered by the umask; an existing target's mode is set exactly.
    mode_t create_mode = permissions == Permissions::kOwnerOnly ? 0600 : 0666;
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, create_mode);
    if (fd < 0 && errno != EEXIST) return fail(io_error("creating", temp, errno));
    if (fd < 0) continue;
    AtomicFileWriter writer(target, std::move(temp), fd, durability);
    struct stat existing {};
    mode_t mode = permissions == Permissions::kOwnerOnly ? 0600 : 0;
    if (permissions == Permissions::kKeep && ::stat(target.c_str(), &existing) == 0 &&
        S_ISREG(existing.st_mode)) {
      mode = existing.st_mode & 07777;
    }
    if (mode != 0 && ::fchmod(fd, mode) != 0) {
      return fail(io_error("setting the mode of", writer.temp_, errno));
    }
    return writer;
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
      file_bytes_(other.file_bytes_),
      writeback_from_(other.writeback_from_),
      synced_bytes_(other.synced_bytes_),
      failed_(other.failed_),
      closed_(std::exchange(other.closed_, false)),
      durability_(other.durability_) {}

AtomicFileWriter::~AtomicFileWriter() { abandon(); }

void AtomicFileWriter::abandon() {
  if (fd_ < 0 && !closed_) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  closed_ = false;
  ::unlink(temp_.c_str());
}

Status AtomicFileWriter::close_file() {
  if (closed_) return ok_status();
  CORE_RETURN_IF_ERROR(sync());
  if (::close(std::exchange(fd_, -1)) != 0) {
    failed_ = true;
    closed_ = true;  // abandon() still removes the temporary
    return fail(io_error("closing", temp_, errno));
  }
  closed_ = true;
  std::string().swap(buffer_);
  return ok_status();
}

Status AtomicFileWriter::flush_buffer() {
  Status written = write_all(fd_, buffer_, temp_.string());
  if (!written) {
    failed_ = true;
    return written;
  }
  file_bytes_ += buffer_.size();
  buffer_.clear();
  start_writeback(false);
  return ok_status();
}

void AtomicFileWriter::start_writeback(bool all) {
  if (durability_ != Durability::kFsync) return;
  std::uint64_t pending = file_bytes_ - writeback_from_;
  if (pending == 0 || (!all && pending < kWritebackBytes)) return;
  // Only a head start for fsync: an error here (a file system without it) changes nothing,
  // and a real write error is reported by the fsync in commit().
  (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_), static_cast<off_t>(pending),
                          SYNC_FILE_RANGE_WRITE);
  writeback_from_ = file_bytes_;
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
  if (durability_ == Durability::kFsync && length >= kDirectMinBytes) {
    // Up to the first aligned file offset through the page cache, the aligned middle
    // straight to the disk, the unaligned tail through the page cache again.
    std::uint64_t head =
        std::min(length, (kDirectAlign - file_bytes_ % kDirectAlign) % kDirectAlign);
    CORE_RETURN_IF_ERROR(copy_cached(fd, offset, head));
    auto copied = copy_direct(fd, offset + head, (length - head) / kDirectAlign * kDirectAlign);
    CORE_RETURN_IF_ERROR(copied);
    offset += head + *copied;
    length -= head + *copied;
  }
  return copy_cached(fd, offset, length);
}

Result<std::uint64_t> AtomicFileWriter::copy_direct(int fd, std::uint64_t offset,
                                                    std::uint64_t length) {
  if (length == 0) return std::uint64_t{0};
  // A second descriptor on the temporary file, opened for direct I/O; where the file system
  // has none (tmpfs on older kernels, FUSE, ...) the caller copies through the page cache.
  int direct = ::open(temp_.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (direct < 0) return std::uint64_t{0};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{direct};
  std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, kDirectChunkBytes));
  std::unique_ptr<char, decltype(&std::free)> buffer(
      static_cast<char*>(std::aligned_alloc(kDirectAlign, chunk)), &std::free);
  if (!buffer) return fail(ErrorCode::kIo, "no memory for a copy buffer");
  std::uint64_t copied = 0;
  while (copied < length) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length - copied, chunk));
    std::size_t got = 0;
    while (got < want) {
      ssize_t n =
          ::pread(fd, buffer.get() + got, want - got, static_cast<off_t>(offset + copied + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failed_ = true;
        if (n == 0) {
          return fail(ErrorCode::kIo, "copying into " + temp_.string() + ": the source ended " +
                                          std::to_string(length - copied - got) + " bytes early");
        }
        return fail(io_error("copying into", temp_, errno));
      }
      got += static_cast<std::size_t>(n);
    }
    std::size_t put = 0;
    while (put < want) {
      ssize_t n =
          ::pwrite(direct, buffer.get() + put, want - put, static_cast<off_t>(file_bytes_ + put));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EINVAL && copied == 0 && put == 0) {
        return std::uint64_t{0};  // alignment the device does not take: no direct I/O here
      }
      if (n <= 0 || static_cast<std::size_t>(n) % kDirectAlign != 0) {
        // A short direct write leaves no aligned place to go on from; treat it as an error.
        failed_ = true;
        return fail(n < 0 ? io_error("writing", temp_, errno)
                          : Error(ErrorCode::kIo, "writing " + temp_.string() + ": short write"));
      }
      put += static_cast<std::size_t>(n);
    }
    copied += want;
    file_bytes_ += want;
    bytes_written_ += want;
  }
  // The page cache holds nothing of this range to write back, and the buffered descriptor
  // goes on after it.
  writeback_from_ = file_bytes_;
  if (::lseek(fd_, static_cast<off_t>(file_bytes_), SEEK_SET) < 0) {
    failed_ = true;
    return fail(io_error("seeking in", temp_, errno));
  }
  return copied;
}

Status AtomicFileWriter::copy_cached(int fd, std::uint64_t offset, std::uint64_t length) {
  auto in_offset = static_cast<off_t>(offset);
  std::uint64_t left = length;
  bool in_kernel = true;
  while (left > 0) {
    ssize_t n = -1;
    if (in_kernel) {
      // In steps, so that writeback of what is copied starts while the rest is copied.
      std::uint64_t step = durability_ == Durability::kFsync ? kWritebackBytes : left;
      n = ::copy_file_range(fd, &in_offset, fd_, nullptr,
                            static_cast<std::size_t>(std::min(left, step)), 0);
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
    if (in_kernel) {
      file_bytes_ += static_cast<std::uint64_t>(n);
      start_writeback(false);
    }
  }
  return ok_status();
}

Status AtomicFileWriter::sync() {
  if (closed_ && !failed_) return ok_status();  // close_file() synced it
  if (fd_ < 0 || failed_) {
    return fail(ErrorCode::kFailedPrecondition, "writer for " + target_.string() + " is closed");
  }
  CORE_RETURN_IF_ERROR(flush_buffer());
  if (durability_ == Durability::kFsync && synced_bytes_ != file_bytes_) {
    if (::fsync(fd_) != 0) {
      failed_ = true;
      return fail(io_error("syncing", temp_, errno));
    }
    synced_bytes_ = file_bytes_;
  }
  return ok_status();
}

Status AtomicFileWriter::publish() {
  if (closed_) {
    closed_ = false;
  } else if (::close(std::exchange(fd_, -1)) != 0) {
    int saved = errno;
    ::unlink(temp_.c_str());
    return fail(io_error("closing", temp_, saved));
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp_.c_str());
    return fail(io_error("renaming onto", target_, saved));
  }
  return ok_status();
}

Status AtomicFileWriter::commit() {
  AtomicFileWriter* self = this;
  return commit_all(std::span<AtomicFileWriter* const>(&self, 1));
}

Status AtomicFileWriter::commit_all(std::span<AtomicFileWriter* const> writers) {
  for (AtomicFileWriter* writer : writers) CORE_RETURN_IF_ERROR(writer->sync());
  std::vector<std::filesystem::path> directories;
  for (AtomicFileWriter* writer : writers) {
    CORE_RETURN_IF_ERROR(writer->publish());
    if (writer->durability_ != Durability::kFsync) continue;
    std::filesystem::path directory = writer->target_.parent_path();
    if (directory.empty()) directory = ".";
    if (std::find(directories.begin(), directories.end(), directory) == directories.end()) {
      directories.push_back(std::move(directory));
    }
  }
  // One directory sync makes every rename into that directory durable.
  for (const std::filesystem::path& directory : directories) {
    CORE_RETURN_IF_ERROR(fsync_directory(directory));
  }
  return ok_status();
}

Status write_file_atomically(const std::filesystem::path& target, std::string_view contents,
                             AtomicFileWriter::Permissions permissions) {
  auto writer = AtomicFileWriter::open(target, AtomicFileWriter::Durability::kFsync, permissions);
  CORE_RETURN_IF_ERROR(writer);
  CORE_RETURN_IF_ERROR(writer->write(contents));
  return writer->commit();
}

}  // namespace core
