// What every dorky tool has in common: --describe and --help, the shared options (inputs,
// -o, --memory, --temp-dir, --progress), error reporting and exit codes. A tool's main() is
//
//   int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
//
// The launcher knows none of this: it only runs `dorky-<name> --describe` and the tool.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dorky/args.h"

namespace dorky {

struct ToolSpec {
  std::string_view name;      // "shuffle"; messages start with "dorky-<name>: "
  std::string_view describe;  // the one line printed by --describe
  std::string_view help;      // the full --help text
};

// Options most tools accept. Tools call take_common() inside their parse loop.
struct CommonOptions {
  std::vector<std::string> inputs;  // empty means stdin; "-" is stdin too
  std::string output;               // empty or "-" means stdout; else written atomically
  std::uint64_t memory_bytes = 256ull << 20;
  std::string temp_dir;  // empty: $TMPDIR, else /tmp
  bool progress = true;  // still only shown when stderr is a terminal
  // fsync outputs before the rename (--no-sync turns it off: still all-or-nothing against a
  // killed tool, but not against a machine crash).
  bool sync = true;
};

// Consumes one shared option (-o/--output, --memory, --temp-dir, --no-progress, --no-sync) if the
// current argument is one and returns true; returns false otherwise.
bool take_common(Args& args, CommonOptions& options);

// Handles --describe and --help (and -h), then calls `run`. `run` returns an exit code or an
// Error, which is printed as "dorky-<name>: <message>" and mapped by exit_code_for().
int run_tool(const ToolSpec& spec, int argc, char** argv,
             const std::function<core::Result<int>(Args&)>& run);

// Builds the error for a usage mistake: code kInvalidArgument, message plus a hint to
// --help.
core::Error usage_error(const ToolSpec& spec, std::string_view message);

// The directory for spill files: options.temp_dir, else $TMPDIR, else /tmp.
std::string temp_directory(const CommonOptions& options);

}  // namespace dorky
