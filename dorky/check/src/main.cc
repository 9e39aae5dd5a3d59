// dorky-check: lint queries for an engine profile.
#include <cstdio>

#include "dorky/check.h"
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/query.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "check", "lint queries for an engine: operators, quotes, parentheses, limits, duplicates",
    R"(usage: dorky-check [options] [FILE...]

Reports every problem as "<file>:<line>: <reason>" (stdin is "stdin") and exits 1 when it
found any: empty queries, operators the engine does not know, empty operator values,
unbalanced double quotes or parentheses, more terms or characters than the engine takes,
and duplicates of earlier lines.

options:
  -e, --engine NAME   google (default), bing, duckduckgo, yandex
      --max-terms N   override the engine's term limit
      --max-chars N   override the engine's character limit
      --no-duplicates do not look for duplicate lines
  -o, --output FILE   write the report to FILE atomically instead of stdout
  -m, --memory SIZE   memory for duplicate tracking (default 256M); beyond it duplicates
                      are found through spill files and reported after the other findings
      --temp-dir DIR  where spill files go (default $TMPDIR or /tmp)
      --no-progress   never show progress (it only shows on a terminal anyway)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

Engine profiles are listed in dorky/docs/engine-profiles.md.

exit codes: 0 no findings, 1 findings, 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  std::string engine = "google", value;
  std::optional<std::uint64_t> max_terms, max_chars;
  bool duplicates = true;
  while (!args.done()) {
    if (args.value({"-e", "--engine"}, engine)) {
    } else if (args.value({"--max-terms"}, value)) {
      auto n = dorky::parse_uint(value, "--max-terms");
      CORE_RETURN_IF_ERROR(n);
      max_terms = *n;
    } else if (args.value({"--max-chars"}, value)) {
      auto n = dorky::parse_uint(value, "--max-chars");
      CORE_RETURN_IF_ERROR(n);
      max_chars = *n;
    } else if (args.flag({"--no-duplicates"})) {
      duplicates = false;
    } else if (dorky::take_common(args, options)) {
    } else if (args.at_option()) {
      return core::fail(dorky::usage_error(kSpec, "unknown option '" + args.take() + "'"));
    } else {
      options.inputs.push_back(args.take());
    }
  }
  if (args.error()) return core::fail(dorky::usage_error(kSpec, *args.error()));
  auto profile = dorky::find_engine_profile(dorky::lower_ascii(engine));
  if (!profile) {
    return core::fail(dorky::usage_error(kSpec, "unknown engine '" + engine + "' (known: " +
                                                    std::string(dorky::engine_names()) + ")"));
  }
  if (max_terms) profile->max_terms = *max_terms;
  if (max_chars) profile->max_chars = *max_chars;
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  dorky::CheckSettings settings{*profile, duplicates};
  auto stats = dorky::run_check(options, settings, *out);
  CORE_RETURN_IF_ERROR(stats);
  CORE_RETURN_IF_ERROR(out->commit());
  return stats->findings > 0 ? dorky::kExitFindings : dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
