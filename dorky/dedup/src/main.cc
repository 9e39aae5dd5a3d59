// dorky-dedup: order-preserving removal of duplicate lines.
#include "dorky/dedup.h"
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"

namespace {

constexpr dorky::ToolSpec kSpec{"dedup",
                                "remove duplicate lines, keeping the first of each in input order",
                                R"(usage: dorky-dedup [options] [FILE...]

Writes each distinct line once, where it first appears. Lines are bytes: CRLF, invalid
UTF-8 and a missing final newline pass through unchanged. Inputs larger than --memory are
deduplicated on disk (hash partitions in the temp directory, merged back in order).

options:
  -o, --output FILE   write FILE atomically instead of stdout
      --no-sync       skip the fsync before the rename (faster; still never partial)
  -m, --memory SIZE   memory budget (default 256M; e.g. 64M, 1G)
      --temp-dir DIR  where spill files go (default $TMPDIR or /tmp)
      --stats         print "lines in, lines out" to stderr at the end
      --no-progress   never show progress (it only shows on a terminal anyway)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

exit codes: 0 ok, 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  bool stats = false;
  dorky::OptionSet cli(kSpec);
  cli.flag({"--stats"}, stats).common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  auto result = dorky::run_dedup(options, *out);
  CORE_RETURN_IF_ERROR(result);
  CORE_RETURN_IF_ERROR(out->commit());
  if (stats) {
    std::fprintf(stderr, "dedup: %llu lines in, %llu lines out%s\n",
                 static_cast<unsigned long long>(result->lines_in),
                 static_cast<unsigned long long>(result->lines_out),
                 result->external ? " (external)" : "");
  }
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
