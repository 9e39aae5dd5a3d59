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

Reports every finding as "<file>:<line>:<column>: <severity>: <message> [<code>]" (stdin is
"stdin"). Errors are what the engine rejects or reads otherwise than written: unclosed
quotes or groups, a stray ')', an operator with no value, an operator this engine lacks,
more terms or bytes than it takes. Warnings are probably not what was meant: a retired
operator, an unknown "name:value", "site: x" with a space, a dangling OR, empty lines,
duplicates of earlier lines. Words that merely end in a colon ("index of:", "Re:") are text,
as the engine reads them. Every code is listed in dorky/docs/check-findings.md.

options:
  -e, --engine NAME   google (default), bing, duckduckgo, yandex
      --max-terms N   override the engine's term limit
      --max-bytes N   override the engine's length limit, in bytes (--max-chars: the same)
      --no-duplicates do not look for duplicate lines
      --errors-only   report errors only (warnings are still looked for, not printed)
      --strict        warnings count like errors for the exit code
      --json          one JSON object a line: file, line, column, severity, code, message
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

exit codes: 0 no error (and no warning with --strict), 1 an error was found (or a warning
with --strict), 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  std::string engine = "google";
  std::optional<std::uint64_t> max_terms, max_bytes;
  bool no_duplicates = false, errors_only = false, strict = false, json = false;
  dorky::OptionSet cli(kSpec);
  cli.value({"-e", "--engine"}, engine)
      .number({"--max-terms"}, max_terms)
      .number({"--max-bytes", "--max-chars"}, max_bytes)
      .flag({"--no-duplicates"}, no_duplicates)
      .flag({"--errors-only"}, errors_only)
      .flag({"--strict"}, strict)
      .flag({"--json"}, json)
      .common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  auto profile = dorky::find_engine_profile(dorky::lower_ascii(engine));
  if (!profile) {
    return core::fail(dorky::usage_error(
        kSpec, "unknown engine '" + engine + "' (known: " + dorky::engine_names() + ")"));
  }
  if (max_terms) profile->max_terms = *max_terms;
  if (max_bytes) profile->max_bytes = *max_bytes;
  if (errors_only && strict) {
    return core::fail(dorky::usage_error(
        kSpec,
        "--errors-only and --strict contradict each other (strict counts the warnings "
        "errors-only hides)"));
  }
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  dorky::CheckSettings settings{*profile, !no_duplicates, errors_only, json};
  auto stats = dorky::run_check(options, settings, *out);
  CORE_RETURN_IF_ERROR(stats);
  CORE_RETURN_IF_ERROR(out->commit());
  bool failed = stats->errors > 0 || (strict && stats->warnings > 0);
  return failed ? dorky::kExitFindings : dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
