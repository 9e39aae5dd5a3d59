#include "dorky/input.h"

#include <sys/stat.h>

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

core::Status check_inputs(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    auto fd = open_input(input);
    if (!fd) return core::fail(fd.error());
    if (*fd > 0) ::close(*fd);
  }
  return core::ok_status();
}

}  // namespace dorky
