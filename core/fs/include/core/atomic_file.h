// Writing a file so that readers see either the old contents or the complete new contents,
// never a partial file, even if the process is killed or the machine loses power:
// the bytes go to a temporary file in the same directory, which is fsync'ed, renamed over
// the target, and the directory is fsync'ed. Writeback of a large file starts while it is
// being written (in 8 MiB steps), so the final fsync has little left to wait for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
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
  // The mode the committed file gets. kKeep: an existing regular target keeps its mode; a new
  // file gets 0666 less the process umask, like any created file. kOwnerOnly: 0600 whatever
  // the target had (for files holding secrets). The temporary file has its final mode from
  // the start, so a secret is never readable by others, not even half written.
  enum class Permissions { kKeep, kOwnerOnly };

  // Creates the temporary file next to `target`. Fails with kIo (with the path and the
  // operating system's reason) if the directory is missing or not writable.
  static Result<AtomicFileWriter> open(const std::filesystem::path& target,
                                       Durability durability = Durability::kFsync,
                                       Permissions permissions = Permissions::kKeep);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  // Appends bytes, buffering internally. Errors are sticky: after one, every call fails.
  Status write(std::string_view bytes);
  // Appends `length` bytes of the file `fd` starting at `offset` (after any buffered bytes).
  // With kFsync, a large range goes to the disk with direct I/O (O_DIRECT, 4 MiB at a time,
  // blocking until written) where the file system has it: nothing is left for the fsync to
  // write. Otherwise it is copied inside the kernel (copy_file_range) where the file systems
  // allow it, else through a buffer. `fd` is not owned and its file position is not used.
  // Fails with kIo when `fd` cannot be read or holds fewer bytes; errors are sticky like
  // write()'s. Writers on different threads may copy from the same `fd` at once.
  Status append_from(int fd, std::uint64_t offset, std::uint64_t length);
  // Flushes, fsyncs, renames over the target and fsyncs the directory.
  Status commit();
  // Commits several writers as one step: every file is flushed and fsync'ed before any is
  // renamed, then each directory involved is fsync'ed once (not once per file). Stops at the
  // first error; the writers renamed before it stay committed, the others are not.
  static Status commit_all(std::span<AtomicFileWriter* const> writers);
  // Flushes and, with kFsync, fsyncs what was written so far without publishing anything:
  // lets a caller make several files durable on several threads, then commit_all() them
  // (which skips an fsync already done). Writing more afterwards is allowed.
  Status sync();
  // sync(), then closes the temporary file, which stays unpublished until commit() or
  // commit_all() (or is removed when the writer is destroyed): lets a caller prepare more
  // files than it may keep descriptors open, and frees the write buffer. Writing afterwards
  // fails.
  Status close_file();
  // Removes the temporary file; the target is left as it was. Idempotent.
  void abandon();

  const std::filesystem::path& target() const { return target_; }
  std::size_t bytes_written() const { return bytes_written_; }

 private:
  AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp, int fd,
                   Durability durability);
  Status flush_buffer();
  // append_from() through the page cache / with direct I/O (aligned offsets and length;
  // returns how much it copied: 0 where direct I/O is not available).
  Status copy_cached(int fd, std::uint64_t offset, std::uint64_t length);
  Result<std::uint64_t> copy_direct(int fd, std::uint64_t offset, std::uint64_t length);
  // Closes the temporary file and renames it over the target.
  Status publish();
  // kFsync only: asks the kernel to start writing the bytes not yet handed to the disk, once
  // there are kWritebackBytes of them (or any, with `all`); does not wait.
  void start_writeback(bool all);

  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  std::string buffer_;
  std::size_t bytes_written_ = 0;
  std::uint64_t file_bytes_ = 0;      // bytes in the temporary file
  std::uint64_t writeback_from_ = 0;  // writeback was started for the bytes before this
  std::uint64_t synced_bytes_ = ~std::uint64_t{0};  // file_bytes_ at the last fsync
  bool failed_ = false;
  bool closed_ = false;  // close_file() done: the temporary exists, fd_ is -1
  Durability durability_ = Durability::kFsync;
};

// Replaces `target` with `contents` atomically (see AtomicFileWriter).
Status write_file_atomically(
    const std::filesystem::path& target, std::string_view contents,
    AtomicFileWriter::Permissions permissions = AtomicFileWriter::Permissions::kKeep);

}  // namespace core
