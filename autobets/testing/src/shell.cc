#include "autobets/testing/shell.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace autobets::testing {

CommandResult run_shell(const std::string& command, const std::filesystem::path& scratch) {
  const auto out = scratch / "out.txt";
  const auto err = scratch / "err.txt";
  const int status = std::system((command + " >" + out.string() + " 2>" + err.string()).c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace autobets::testing
