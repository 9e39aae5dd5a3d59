// dorky-check: lint queries for an engine profile.
#include <cstdio>

#include "dorky/check.h"
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"
#include "dorky/query.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "check", "lint queries for an engine: operators, quotes, parentheses, limits, duplicates",
    R"(usage: dorky-check [options] [FILE...]

Reports every problem as "<file>:<line>: <reason>" (stdin is "stdin") and exits 1 when it
found any: empty queries, operators the engine does not know, empty operator values,
unbalanced double quotes or parentheses, more terms or bytes than the engine takes,
and duplicates of earlier lines.

options:
  -e, --engine NAME   google (default), bing, duckduckgo, yandex
      --max-terms N   override the engine's term limit
      --max-bytes N   override the engine's length limit, in bytes (--max-chars: the same)
      --no-duplicates do not look for duplicate lines
  -o, --output FILE   write the report to FILE atomically instead of stdout
      --no-sync       skip the fsync before the rename
  -m, --memory SIZE   memory for duplicate tracking (default 256M); beyond it duplicates
                      are found through spill files and reported after the other findings
      --temp-dir DIR  where spill files go (default $TMPDIR or /tmp)
      --no-progress   never show progress (it only shows on a terminal anyway)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

Engine profiles are dorkgen's, so generating and linting agree (listed in
dorky/docs/engine-profiles.md).

exit codes: 0 no findings, 1 findings, 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  std::string engine = "google";
  std::optional<std::uint64_t> max_terms, max_bytes;
  bool no_duplicates = false;
  dorky::OptionSet cli(kSpec);
  cli.value({"-e", "--engine"}, engine)
      .number({"--max-terms"}, max_terms)
      .number({"--max-bytes", "--max-chars"}, max_bytes)
      .flag({"--no-duplicates"}, no_duplicates)
      .common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  auto profile = dorky::find_engine_profile(dorky::lower_ascii(engine));
  if (!profile) {
    return core::fail(dorky::usage_error(
        kSpec, "unknown engine '" + engine + "' (known: " + dorky::engine_names() + ")"));
  }
  if (max_terms) profile->max_terms = *max_terms;
  if (max_bytes) profile->max_bytes = *max_bytes;
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  dorky::CheckSettings settings{*profile, !no_duplicates};
  auto stats = dorky::run_check(options, settings, *out);
  CORE_RETURN_IF_ERROR(stats);
  CORE_RETURN_IF_ERROR(out->commit());
  return stats->findings > 0 ? dorky::kExitFindings : dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
