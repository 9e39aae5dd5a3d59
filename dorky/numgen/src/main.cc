// dorky-numgen: integer sequences and unique random numbers in a range.
#include "dorky/args.h"
#include "dorky/exit_codes.h"
#include "dorky/numgen.h"
#include "dorky/random.h"
#include "dorky/tool.h"

namespace {

constexpr dorky::ToolSpec kSpec{"numgen",
                                "generate integer sequences, or unique random numbers in a range",
                                R"(usage: dorky-numgen [options] [[START [STEP]] STOP]

Prints START, START+STEP, ... up to STOP inclusive (like seq; START and STEP default to 1;
STEP may be negative). With --random N, prints N distinct values of that sequence in a
random order, using constant memory (a keyed permutation, not a set).

options:
      --start N       first value (or the first positional)
      --step N        increment, not 0
      --stop N        last value (inclusive)
  -w, --width W       zero-pad numbers to W digits
  -f, --format FMT    print each number inside FMT, e.g. "page={}" ({{ and }} for braces)
  -r, --random N      N distinct random values from the sequence
  -s, --seed N        seed for --random (default: random); same seed, same numbers
  -o, --output FILE   write FILE atomically instead of stdout
      --no-sync       skip the fsync before the rename (faster; still never partial)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

exit codes: 0 ok, 2 usage error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  dorky::NumgenSettings settings;
  settings.seed = dorky::Random::entropy_seed();
  std::vector<std::string> positional;
  std::optional<std::string> start, step, stop;
  std::string value;
  while (!args.done()) {
    if (args.value({"--start"}, value)) {
      start = value;
    } else if (args.value({"--step"}, value)) {
      step = value;
    } else if (args.value({"--stop"}, value)) {
      stop = value;
    } else if (args.value({"-w", "--width"}, value)) {
      auto width = dorky::parse_uint(value, "--width");
      CORE_RETURN_IF_ERROR(width);
      if (*width > 40) return core::fail(dorky::usage_error(kSpec, "--width must be at most 40"));
      settings.width = static_cast<int>(*width);
    } else if (args.value({"-f", "--format"}, value)) {
      CORE_RETURN_IF_ERROR(dorky::parse_format(value, settings));
    } else if (args.value({"-r", "--random"}, value)) {
      auto count = dorky::parse_uint(value, "--random");
      CORE_RETURN_IF_ERROR(count);
      settings.random_count = *count;
    } else if (args.value({"-s", "--seed"}, value)) {
      auto seed = dorky::parse_uint(value, "--seed");
      CORE_RETURN_IF_ERROR(seed);
      settings.seed = *seed;
    } else if (dorky::take_common(args, options)) {
    } else if (args.at_option() && !(args.peek()[1] >= '0' && args.peek()[1] <= '9')) {
      // (A leading '-' and a digit is a negative number, not an option.)
      return core::fail(dorky::usage_error(kSpec, "unknown option '" + args.take() + "'"));
    } else {
      positional.push_back(args.take());
    }
  }
  if (args.error()) return core::fail(dorky::usage_error(kSpec, *args.error()));
  if (!positional.empty() && (start || step || stop)) {
    return core::fail(dorky::usage_error(kSpec,
                                         "give the range as positionals or as --start/"
                                         "--step/--stop, not both"));
  }
  if (positional.size() > 3) {
    return core::fail(dorky::usage_error(kSpec, "at most three numbers: START STEP STOP"));
  }
  if (positional.size() == 1) stop = positional[0];
  if (positional.size() == 2) start = positional[0], stop = positional[1];
  if (positional.size() == 3) start = positional[0], step = positional[1], stop = positional[2];
  if (!stop) return core::fail(dorky::usage_error(kSpec, "missing STOP"));
  if (start) {
    auto v = dorky::parse_int(*start, "START");
    CORE_RETURN_IF_ERROR(v);
    settings.start = *v;
  }
  if (step) {
    auto v = dorky::parse_int(*step, "STEP");
    CORE_RETURN_IF_ERROR(v);
    if (*v == 0) return core::fail(dorky::usage_error(kSpec, "STEP must not be 0"));
    settings.step = *v;
  }
  auto v = dorky::parse_int(*stop, "STOP");
  CORE_RETURN_IF_ERROR(v);
  settings.stop = *v;
  if (!options.inputs.empty())
    return core::fail(dorky::usage_error(kSpec, "numgen reads no input"));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  CORE_RETURN_IF_ERROR(dorky::run_numgen(settings, *out));
  CORE_RETURN_IF_ERROR(out->commit());
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
