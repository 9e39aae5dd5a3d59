// dorky-reverse: reverse line order with bounded memory.
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"
#include "dorky/reverse.h"

namespace {

constexpr dorky::ToolSpec kSpec{"reverse", "reverse the order of lines with bounded memory",
                                R"(usage: dorky-reverse [options] [FILE...]

Writes the input lines last to first. A single file is read backwards in blocks; stdin and
several files are spooled (to the temp directory when larger than --memory). Every output
line ends with a newline; CRLF and invalid UTF-8 pass through unchanged.

options:
  -o, --output FILE   write FILE atomically instead of stdout
      --no-sync       skip the fsync before the rename (faster; still never partial)
  -m, --memory SIZE   memory budget (default 256M)
      --temp-dir DIR  where spill files go (default $TMPDIR or /tmp)
      --no-progress   never show progress (it only shows on a terminal anyway)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

exit codes: 0 ok, 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  CORE_RETURN_IF_ERROR(dorky::OptionSet(kSpec).common(options).parse(args));
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  CORE_RETURN_IF_ERROR(dorky::run_reverse(options, *out));
  CORE_RETURN_IF_ERROR(out->commit());
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
