// For integration tests: run a real binary the way a user's shell does and read its status.
#pragma once

#include <filesystem>
#include <string>

namespace core::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to the file `name` inside the directory.
  void write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct ShellRun {
  int status = -1;  // the exit status; 128 + N when signal N ended the shell's command
  std::string err;  // everything written to standard error
};

// Runs `command` with `sh -c` in `dir` (core::run_shell_command), standard input from
// /dev/null, standard output discarded. Aborts (CORE_CHECK) when the shell cannot be started.
ShellRun run_shell_in(const std::filesystem::path& dir, const std::string& command);

// $PROJECT_BIN_DIR, where the build puts the binaries (aborts when unset).
std::string bin_dir();

}  // namespace core::testing
