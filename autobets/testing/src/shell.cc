#include "autobets/testing/shell.h"

#include <fstream>
#include <sstream>

#include "core/process.h"

namespace autobets::testing {

CommandResult run_shell(const std::string& command, const std::filesystem::path& scratch) {
  // Files rather than pipes, so that a command leaving a process in the background returns
  // when the shell does.
  core::SpawnOptions options;
  options.out = core::Stdio::file(scratch / "out.txt");
  options.err = core::Stdio::file(scratch / "err.txt");
  auto run = core::run_shell_command(command, options);
  CORE_CHECK(run.has_value());
  CommandResult result;
  result.exit_code = run->status.kind == core::ExitStatus::Kind::kExited ? run->status.code : -1;
  result.out = slurp(scratch / "out.txt");
  result.err = slurp(scratch / "err.txt");
  return result;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace autobets::testing
