#pragma once

#include <filesystem>
#include <string>

namespace autobets::testing {

// What a command run through the shell left: its exit status (-1 when a signal ended it)
// and everything it wrote to standard output and standard error.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with `sh -c` (core::run_shell_command), its output and errors captured in
// files under `scratch` (out.txt and err.txt, overwritten). Aborts (CORE_CHECK) when no shell
// can be started.
CommandResult run_shell(const std::string& command, const std::filesystem::path& scratch);

// The whole content of a file; empty when it cannot be read.
std::string slurp(const std::filesystem::path& path);

}  // namespace autobets::testing
