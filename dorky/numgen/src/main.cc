// dorky-numgen: integer sequences and unique random numbers in a range.
#include "dorky/args.h"
#include "dorky/exit_codes.h"
#include "dorky/numgen.h"
#include "dorky/options.h"
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
  auto keep = [](std::optional<std::string>& out) {
    return [&out](const std::string& value) -> core::Status {
      out = value;
      return core::ok_status();
    };
  };
  dorky::OptionSet cli(kSpec);
  cli.value({"--start"}, keep(start))
      .value({"--step"}, keep(step))
      .value({"--stop"}, keep(stop))
      .value({"-w", "--width"},
             [&](const std::string& value) -> core::Status {
               auto width = dorky::parse_uint(value, "--width");
               CORE_RETURN_IF_ERROR(width);
               if (*width > 40) {
                 return core::fail(dorky::usage_error(kSpec, "--width must be at most 40"));
               }
               settings.width = static_cast<int>(*width);
               return core::ok_status();
             })
      .value({"-f", "--format"},
             [&](const std::string& value) { return dorky::parse_format(value, settings); })
      .number({"-r", "--random"}, settings.random_count)
      .number({"-s", "--seed"}, settings.seed)
      .common(options)
      // (A leading '-' and a digit is a negative number, not an option.)
      .positionals([&](std::string value) { positional.push_back(std::move(value)); }, true);
  CORE_RETURN_IF_ERROR(cli.parse(args));
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
