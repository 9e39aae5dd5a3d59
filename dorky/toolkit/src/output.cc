#include "dorky/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dorky {
namespace {
constexpr std::size_t kStdoutBufferBytes = 1 << 20;
}

core::Result<Output> Output::open(const std::string& path, bool sync) {
  Output output;
  if (path.empty() || path == "-") {
    output.stdout_ = true;
    output.buffer_.reserve(kStdoutBufferBytes);
    return output;
  }
  auto writer =
      core::AtomicFileWriter::open(path, sync ? core::AtomicFileWriter::Durability::kFsync
                                              : core::AtomicFileWriter::Durability::kRenameOnly);
  if (!writer) return core::fail(writer.error().with_context("output"));
  output.file_ = std::make_unique<core::AtomicFileWriter>(std::move(*writer));
  return output;
}

Output Output::to_string(std::string* target) {
  Output output;
  output.memory_ = target;
  return output;
}

Output::~Output() {
  if (stdout_ && !buffer_.empty()) (void)flush_stdout();
}

namespace {
core::Status write_fd(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return core::fail(core::ErrorCode::kIo,
                        std::string("writing to stdout: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return core::ok_status();
}
}  // namespace

core::Status Output::flush_stdout() {
  core::Status status = write_fd(STDOUT_FILENO, buffer_);
  buffer_.clear();
  return status;
}

core::Status Output::write(std::string_view bytes) {
  bytes_written_ += bytes.size();
  if (memory_ != nullptr) {
    memory_->append(bytes);
    return core::ok_status();
  }
  if (!stdout_) return file_->write(bytes);
  if (buffer_.size() + bytes.size() > kStdoutBufferBytes) {
    CORE_RETURN_IF_ERROR(flush_stdout());
    // Large writes go straight out, without a copy into the buffer.
    if (bytes.size() >= kStdoutBufferBytes) return write_fd(STDOUT_FILENO, bytes);
  }
  buffer_.append(bytes);
  return core::ok_status();
}

core::Status Output::write_line(std::string_view line) {
  if (stdout_ && buffer_.size() + line.size() + 1 <= kStdoutBufferBytes) {
    buffer_.append(line);
    buffer_.push_back('\n');
    bytes_written_ += line.size() + 1;
    return core::ok_status();
  }
  CORE_RETURN_IF_ERROR(write(line));
  return write("\n");
}

core::Status Output::commit() {
  if (memory_ != nullptr) return core::ok_status();
  if (stdout_) return flush_stdout();
  return file_->commit();
}

core::Result<int> open_input(const std::string& path) {
  if (path.empty() || path == "-") return STDIN_FILENO;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    auto code =
        (errno == ENOENT || errno == ENOTDIR) ? core::ErrorCode::kNotFound : core::ErrorCode::kIo;
    return core::fail(code, "input file '" + path + "': " + std::strerror(errno));
  }
  return fd;
}

std::string input_name(const std::string& path) {
  return path.empty() || path == "-" ? std::string("stdin") : path;
}

}  // namespace dorky
