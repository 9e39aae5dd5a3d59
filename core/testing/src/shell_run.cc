#include "core/testing/shell_run.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/process.h"

namespace core::testing {

ScratchDir::ScratchDir(const std::string& prefix) {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void ScratchDir::write(const std::string& name, const std::string& text) const {
  std::ofstream(path_ / name, std::ios::binary) << text;
}

ShellRun run_shell_in(const std::filesystem::path& dir, const std::string& command) {
  SpawnOptions options;
  options.cwd = dir;
  options.in = Stdio::null();
  options.out = Stdio::null();
  options.err = Stdio::pipe();
  auto run = run_shell_command(command, options);
  CORE_CHECK(run.has_value());
  return ShellRun{run->status.shell_code(), std::move(run->err)};
}

std::string bin_dir() {
  const char* bin = std::getenv("PROJECT_BIN_DIR");
  if (bin == nullptr || *bin == '\0') {
    std::fputs("PROJECT_BIN_DIR is not set: run the test through ctest\n", stderr);
    std::abort();
  }
  return bin;
}

}  // namespace core::testing
