#include "dorky/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace dorky {
namespace {
constexpr std::size_t kStdoutBufferBytes = 1 << 20;
}

Output::Stream::Stream(Stream&& other) noexcept
    : fd(std::exchange(other.fd, -1)),
      name(std::move(other.name)),
      owned(std::exchange(other.owned, false)) {}

Output::Stream& Output::Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    if (owned && fd >= 0) ::close(fd);
    fd = std::exchange(other.fd, -1);
    name = std::move(other.name);
    owned = std::exchange(other.owned, false);
  }
  return *this;
}

Output::Stream::~Stream() {
  if (owned && fd >= 0) ::close(fd);
}

core::Result<Output> Output::open(const std::string& path, bool sync) {
  Output output;
  struct stat info {};
  bool special = !path.empty() && path != "-" && ::stat(path.c_str(), &info) == 0 &&
                 !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode);
  if (path.empty() || path == "-" || special) {
    output.stdout_ = true;
    output.stream_.fd = STDOUT_FILENO;
    output.stream_.name = "stdout";
    if (special) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd < 0) {
        return core::fail(core::ErrorCode::kIo,
                          "output: opening " + path + ": " + std::strerror(errno));
      }
      output.stream_.fd = fd;
      output.stream_.name = path;
      output.stream_.owned = true;
    }
    output.writer_.emplace(output.stream_.fd, output.stream_.name, kStdoutBufferBytes);
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
  if (writer_ && writer_->buffered() > 0) (void)writer_->flush();
}

core::Status Output::write(std::string_view bytes) {
  bytes_written_ += bytes.size();
  if (memory_ != nullptr) {
    memory_->append(bytes);
    return core::ok_status();
  }
  if (!stdout_) return file_->write(bytes);
  return writer_->write(bytes);
}

core::Status Output::write_line(std::string_view line) {
  if (stdout_) {
    bytes_written_ += line.size() + 1;
    return writer_->write_line(line);
  }
  CORE_RETURN_IF_ERROR(write(line));
  return write("\n");
}

core::Status Output::commit() {
  if (memory_ != nullptr) return core::ok_status();
  if (!stdout_) return file_->commit();
  CORE_RETURN_IF_ERROR(writer_->flush());
  if (stream_.owned && ::close(std::exchange(stream_.fd, -1)) != 0) {
    return core::fail(core::ErrorCode::kIo,
                      "closing " + stream_.name + ": " + std::strerror(errno));
  }
  return core::ok_status();
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
