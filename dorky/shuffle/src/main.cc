// dorky-shuffle: uniform random permutation of lines, seedable, external when large.
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"
#include "dorky/random.h"
#include "dorky/shuffle.h"

namespace {

constexpr dorky::ToolSpec kSpec{"shuffle",
                                "shuffle lines uniformly at random (seedable; external when large)",
                                R"(usage: dorky-shuffle [options] [FILE...]

Writes the input lines in a uniformly random order. With --seed the order is reproducible
(for the same input and --memory). Inputs larger than --memory are shuffled in chunks
written to the temp directory and merged at random, still uniformly. Every output line
ends with a newline; CRLF and invalid UTF-8 pass through unchanged.

options:
  -s, --seed N        seed (a 64-bit integer); default: random
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
  std::uint64_t seed = dorky::Random::entropy_seed();
  dorky::OptionSet cli(kSpec);
  cli.number({"-s", "--seed"}, seed).common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  CORE_RETURN_IF_ERROR(dorky::run_shuffle(options, seed, *out));
  CORE_RETURN_IF_ERROR(out->commit());
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
