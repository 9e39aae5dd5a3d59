// Writing a file so that readers see either the old contents or the complete new contents,
// never a partial file, even if the process is killed or the machine loses power:
// the bytes go to a temporary file in the same directory, which is fsync'ed, renamed over
// the target, and the directory is fsync'ed.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace core {

// Streams a new version of `target`. Nothing is visible at `target` until commit()
// succeeds. If the writer is destroyed without a successful commit() (an error, an
// exception, an early return) the temporary file is removed and `target` is untouched.
// A process killed mid-write leaves only a temporary named ".<target>.tmp-<random>" in the
// target's directory. Not thread safe; move-only.
class AtomicFileWriter {
 public:
  // How commit() makes the new contents durable. kFsync (the default) survives power loss;
  // kRenameOnly skips both fsyncs: still all-or-nothing against a killed process, not
  // against a crash of the machine (for bulk outputs a user chose to trade that for speed).
  enum class Durability { kFsync, kRenameOnly };

  // Creates the temporary file next to `target`. Fails with kIo (with the path and the
  // operating system's reason) if the directory is missing or not writable.
  static Result<AtomicFileWriter> open(const std::filesystem::path& target,
                                       Durability durability = Durability::kFsync);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  // Appends bytes, buffering internally. Errors are sticky: after one, every call fails.
  Status write(std::string_view bytes);
  // Appends `length` bytes of the file `fd` starting at `offset` (after any buffered bytes),
  // copied inside the kernel (copy_file_range) where the file systems allow it, else through
  // a buffer. `fd` is not owned and its file position is not used. Fails with kIo when `fd`
  // cannot be read or holds fewer bytes; errors are sticky like write()'s.
  Status append_from(int fd, std::uint64_t offset, std::uint64_t length);
  // Flushes, fsyncs, renames over the target and fsyncs the directory.
  Status commit();
  // Removes the temporary file; the target is left as it was. Idempotent.
  void abandon();

  const std::filesystem::path& target() const { return target_; }
  std::size_t bytes_written() const { return bytes_written_; }

 private:
  AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp, int fd,
                   Durability durability);
  Status flush_buffer();

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t bytes_written_ = 0;
  bool failed_ = false;
  Durability durability_ = Durability::kFsync;
};

// Replaces `target` with `contents` atomically (see AtomicFileWriter).
Status write_file_atomically(const std::filesystem::path& target, std::string_view contents);

}  // namespace core
