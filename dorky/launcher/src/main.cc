// `dorky`: the launcher. It knows tools only as `dorky-<name>` executables found on disk
// (see tool_catalog.h) and runs each as a child process (see process.h). It never links or
// includes tool code; dorky/CMakeLists.txt checks that at build time.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "dorky/menu.h"
#include "dorky/process.h"
#include "dorky/tool_catalog.h"

namespace {

constexpr const char* kUsage =
    "usage: dorky                          menu of tools (on a terminal)\n"
    "       dorky menu                     the menu, even when not on a terminal\n"
    "       dorky list [--json]            the tools found, with their descriptions\n"
    "       dorky [--timeout SECONDS] <tool> [args...]\n"
    "                                      run one tool; its exit code is passed through\n"
    "\n"
    "Tools are executables named dorky-<tool> in the launcher's directory or on DORKY_PATH\n"
    "(colon-separated). Each tool has --help. Launcher exit codes: the tool's own code;\n"
    "128+N when the tool died of signal N; 124 when --timeout stopped it; 126/127 when it\n"
    "could not be started or does not exist; 2 for a launcher usage error; 141, silently, when\n"
    "the tool's reader closed the pipe. All of them: docs/exit-codes.md.\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "dorky: %s\n%s", message.c_str(), kUsage);
  return core::kExitUsage;
}

int list_tools(const std::vector<std::string>& directories, bool json) {
  std::vector<dorky::ToolEntry> tools = dorky::discover_tools(directories);
  std::vector<std::string> descriptions;
  for (const auto& tool : tools) descriptions.push_back(dorky::describe_tool(tool));
  if (json) {
    std::fputs(dorky::tools_to_json(tools, descriptions).c_str(), stdout);
    return 0;
  }
  for (std::size_t i = 0; i < tools.size(); ++i) {
    std::printf("%-12s %s\n", tools[i].name.c_str(), descriptions[i].c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("DORKY_PATH");
  std::vector<std::string> directories =
      dorky::search_directories(dorky::own_directory(), env != nullptr ? env : "");

  dorky::RunOptions run;
  int index = 1;
  while (index < argc && argv[index][0] == '-') {
    std::string arg = argv[index];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--timeout" || arg.starts_with("--timeout=")) {
      std::string value;
      if (arg == "--timeout") {
        if (index + 1 >= argc) return usage_error("--timeout needs a number of seconds");
        value = argv[++index];
      } else {
        value = arg.substr(10);
      }
      char* end = nullptr;
      double seconds = std::strtod(value.c_str(), &end);
      // At least a millisecond (the resolution of the timer), at most 10^7 s (116 days).
      if (value.empty() || *end != '\0' || !(seconds >= 0.001) || seconds > 1e7) {
        return usage_error("--timeout must be a number of seconds from 0.001 to 10000000, got '" +
                           value + "'");
      }
      run.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
      ++index;
      continue;
    }
    return usage_error("unknown option '" + arg + "'");
  }

  bool on_terminal = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1;
  // On a terminal the tool writes progress and errors straight to it; elsewhere its stderr
  // is drained through the launcher so a chatty tool never blocks and we keep the tail.
  run.capture_stderr = ::isatty(STDERR_FILENO) != 1;

  if (index >= argc) {
    if (!on_terminal) {
      std::fputs(kUsage, stderr);
      return core::kExitUsage;
    }
    return dorky::run_menu({directories, run}, stdin, stdout);
  }
  std::string command = argv[index];
  if (command == "menu") return dorky::run_menu({directories, run}, stdin, stdout);
  if (command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "list") {
    bool json = false;
    for (int i = index + 1; i < argc; ++i) {
      if (std::string(argv[i]) == "--json") {
        json = true;
      } else {
        return usage_error("list takes only --json, got '" + std::string(argv[i]) + "'");
      }
    }
    return list_tools(directories, json);
  }

  dorky::ToolEntry tool = dorky::find_tool(directories, command);
  if (tool.path.empty()) {
    std::fprintf(stderr,
                 "dorky: no tool named '%s' (looked for dorky-%s in the launcher's "
                 "directory and DORKY_PATH); run 'dorky list'\n",
                 command.c_str(), command.c_str());
    return core::kExitNotFound;
  }
  std::vector<std::string> args = {"dorky-" + tool.name};
  for (int i = index + 1; i < argc; ++i) args.emplace_back(argv[i]);
  auto outcome = dorky::run_process(tool.path, args, run);
  if (!outcome) {
    std::fprintf(stderr, "dorky: %s: %s\n", tool.name.c_str(), outcome.error().message().c_str());
    return 127;
  }
  // A tool whose reader went away (`dorky shuffle big.txt | head`) stopped as it should, by
  // SIGPIPE: 141 is passed on without a word, as the shell does (docs/exit-codes.md).
  const bool reader_gone =
      outcome->kind == dorky::Outcome::Kind::kSignaled && outcome->signal == SIGPIPE;
  if (!reader_gone && (outcome->kind != dorky::Outcome::Kind::kExited || outcome->exit_code != 0)) {
    std::fprintf(stderr, "dorky: %s %s\n", tool.name.c_str(), outcome->describe().c_str());
  }
  return outcome->launcher_exit_code();
}
