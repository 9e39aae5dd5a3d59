#include "dorky/tool.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>

#include "dorky/exit_codes.h"

namespace dorky {

bool take_common(Args& args, CommonOptions& options) {
  std::string value;
  if (args.value({"-o", "--output"}, options.output)) return true;
  if (args.value({"--temp-dir"}, options.temp_dir)) return true;
  if (args.flag({"--no-sync"})) {
    options.sync = false;
    return true;
  }
  if (args.flag({"--no-progress"})) {
    options.progress = false;
    return true;
  }
  if (args.value({"-m", "--memory"}, value)) {
    auto bytes = parse_size(value, "--memory");
    if (!bytes) {
      args.set_error(bytes.error().message());
    } else if (*bytes < (64u << 10)) {
      args.set_error("--memory must be at least 64K, got '" + value + "'");
    } else {
      options.memory_bytes = *bytes;
    }
    return true;
  }
  return false;
}

core::Error usage_error(const ToolSpec& spec, std::string_view message) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string(message) + " (see dorky-" + std::string(spec.name) + " --help)");
}

std::string temp_directory(const CommonOptions& options) {
  if (!options.temp_dir.empty()) return options.temp_dir;
  const char* env = std::getenv("TMPDIR");
  if (env != nullptr && *env != '\0') return env;
  return "/tmp";
}

int run_tool(const ToolSpec& spec, int argc, char** argv,
             const std::function<core::Result<int>(Args&)>& run) {
  // A closed stdout (`dorky-shuffle big.txt | head`) stops the tool quietly by SIGPIPE, status
  // 141, even when whoever started it ignored the signal (docs/exit-codes.md).
  std::signal(SIGPIPE, SIG_DFL);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--describe") {
      std::printf("%.*s\n", static_cast<int>(spec.describe.size()), spec.describe.data());
      return kExitOk;
    }
    if (arg == "--help" || arg == "-h") {
      std::fwrite(spec.help.data(), 1, spec.help.size(), stdout);
      return kExitOk;
    }
  }
  auto report = [&](const std::string& message) {
    std::fprintf(stderr, "dorky-%.*s: %s\n", static_cast<int>(spec.name.size()), spec.name.data(),
                 message.c_str());
  };
  try {
    Args args(argc, argv);
    core::Result<int> result = run(args);
    if (result && args.error()) result = core::fail(usage_error(spec, *args.error()));
    if (result) return *result;
    report(result.error().message());
    return exit_code_for(result.error());
  } catch (const std::bad_alloc&) {
    report("out of memory (try a smaller --memory)");
    return kExitIo;
  }
}

}  // namespace dorky
