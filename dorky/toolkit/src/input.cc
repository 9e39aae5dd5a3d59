#include "dorky/input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace dorky {

std::uint64_t known_input_bytes(const std::vector<std::string>& inputs) {
  if (inputs.empty()) {
    struct stat info {};
    if (::fstat(STDIN_FILENO, &info) == 0 && S_ISREG(info.st_mode)) {
      return static_cast<std::uint64_t>(info.st_size);
    }
    return 0;
  }
  std::uint64_t total = 0;
  for (const std::string& input : inputs) {
    struct stat info {};
    int result = input == "-" ? ::fstat(STDIN_FILENO, &info) : ::stat(input.c_str(), &info);
    if (result != 0 || !S_ISREG(info.st_mode)) return 0;
    total += static_cast<std::uint64_t>(info.st_size);
  }
  return total;
}

std::optional<std::uint64_t> stable_file_size(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size < 0) return std::nullopt;
  auto size = static_cast<std::uint64_t>(info.st_size);
  char probe[2];
  if (size > 0) {
    ssize_t last;
    do {
      last = ::pread(fd, probe, 1, static_cast<off_t>(size - 1));
    } while (last < 0 && errno == EINTR);
    if (last != 1) return std::nullopt;
  }
  ssize_t after;
  do {
    after = ::pread(fd, probe, sizeof probe, static_cast<off_t>(size));
  } while (after < 0 && errno == EINTR);
  if (after != 0) return std::nullopt;
  return size;
}

core::Status check_inputs(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    auto fd = open_input(input);
    if (!fd) return core::fail(fd.error());
    if (*fd > 0) ::close(*fd);
  }
  return core::ok_status();
}

}  // namespace dorky
