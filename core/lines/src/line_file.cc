#include "core/line_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace core {

Result<LineFile> LineFile::open(const std::filesystem::path& path, std::size_t buffer_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ErrorCode code = errno == ENOENT || errno == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo;
    return fail(code, "opening " + path.string() + ": " + std::strerror(errno));
  }
  return LineFile(fd, path, buffer_bytes);
}

LineFile::LineFile(int fd, std::filesystem::path path, std::size_t buffer_bytes)
    : fd_(fd), path_(std::move(path)), reader_(fd, path_.string(), buffer_bytes) {}

LineFile::LineFile(LineFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      reader_(std::move(other.reader_)) {}

LineFile::~LineFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string LineFile::where() const {
  return path_.string() + ":" + std::to_string(reader_.line_number());
}

}  // namespace core
