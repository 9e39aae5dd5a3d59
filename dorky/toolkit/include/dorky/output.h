// Where a tool's output goes: stdout, or a file that appears atomically (temp + fsync +
// rename via core::AtomicFileWriter) only when the tool finishes without error. A path that
// names something other than a regular file (a device such as /dev/null, a FIFO, a socket)
// is written straight through: replacing it by a renamed file would destroy it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/atomic_file.h"
#include "core/fd_writer.h"
#include "core/status.h"

namespace dorky {

// Buffered output. For a file, nothing is visible at the path until commit(); destroying
// the Output without commit() (an error path) leaves the previous file untouched. A tool
// killed mid-write leaves at most a hidden ".<name>.tmp-<n>" beside the target. Not thread
// safe; move-only.
class Output {
 public:
  // `path` empty or "-" means stdout. `sync`: fsync the file before renaming it. An existing
  // non-regular `path` is opened for writing as it is (no temporary, no rename, no sync).
  static core::Result<Output> open(const std::string& path, bool sync = true);
  // Collects everything in `*target` (which must outlive the Output); for tests.
  static Output to_string(std::string* target);

  Output(Output&&) noexcept = default;
  Output& operator=(Output&&) noexcept = default;
  ~Output();

  // Appends bytes. Errors are sticky.
  core::Status write(std::string_view bytes);
  // Appends `line` and a '\n'.
  core::Status write_line(std::string_view line);
  // Flushes stdout, or commits the file. Must be called once on success.
  core::Status commit();

  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  Output() = default;

  std::unique_ptr<core::AtomicFileWriter> file_;
  std::string* memory_ = nullptr;
  std::uint64_t bytes_written_ = 0;
  // Written straight through: stdout, or a device or FIFO named by the path (owned).
  struct Stream {
    int fd = -1;
    std::string name;  // for messages: "stdout" or the path
    bool owned = false;
    Stream() = default;
    Stream(Stream&& other) noexcept;
    Stream& operator=(Stream&& other) noexcept;
    ~Stream();
  };
  Stream stream_;
  std::optional<core::BufferedFdWriter> writer_;  // streams only, over stream_.fd
  bool stdout_ = false;                           // any stream: stdout or a non-regular path
};

// Opens an input path for reading ("-" or empty: stdin, returned as 0). A missing or
// unreadable file fails with kNotFound / kIo naming the path. The caller closes fds > 0.
core::Result<int> open_input(const std::string& path);

// Display name for messages: "stdin" or the path.
std::string input_name(const std::string& path);

}  // namespace dorky
