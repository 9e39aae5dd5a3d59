// dorky-extract: operator values, phrases, keywords or regex captures out of queries.
#include "dorky/exit_codes.h"
#include "dorky/extract.h"
#include "dorky/input.h"
#include "dorky/query.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "extract", "pull site:/filetype:/inurl: values, phrases, keywords or regex captures",
    R"(usage: dorky-extract SELECTION... [options] [FILE...]

Prints the selected parts of every query, one a line, in input order (or counted). With
more than one kind selected each line is "<kind><TAB><value>".

selection (at least one):
      --site          site: values (domains)
      --filetype      filetype: and ext: values
      --inurl         inurl: and allinurl: values
      --intitle       intitle: and allintitle: values
      --op NAME       values of operator NAME (repeatable)
      --operators     every operator's value, labelled with its name
      --phrases       quoted phrases
      --keywords      bare words
      --regex RE      matches of the ECMAScript regex RE (its first group if it has one)

options:
      --negated       include terms written with a leading '-' (skipped by default)
  -c, --counts        print "<count><TAB><value>" per distinct value, most frequent first
  -o, --output FILE   write FILE atomically instead of stdout
      --no-sync       skip the fsync before the rename
  -m, --memory SIZE   memory budget for --counts (default 256M); beyond it values are
                      counted through spill files in the temp directory
      --temp-dir DIR  where spill files go (default $TMPDIR or /tmp)
      --no-progress   never show progress (it only shows on a terminal anyway)
  -h, --help          this text
      --describe      one-line description (for the dorky launcher)

exit codes: 0 ok, 2 usage or input error (bad regex), 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  dorky::ExtractSettings settings;
  std::string value;
  int kinds = 0;
  auto add_ops = [&](std::initializer_list<const char*> names) {
    for (const char* name : names) settings.operators.emplace_back(name);
    ++kinds;
  };
  while (!args.done()) {
    if (args.flag({"--site"})) {
      add_ops({"site"});
    } else if (args.flag({"--filetype", "--ext"})) {
      add_ops({"filetype", "ext"});
    } else if (args.flag({"--inurl"})) {
      add_ops({"inurl", "allinurl"});
    } else if (args.flag({"--intitle"})) {
      add_ops({"intitle", "allintitle"});
    } else if (args.value({"--op"}, value)) {
      std::string name = dorky::lower_ascii(value);
      if (!name.empty() && name.back() == ':') name.pop_back();
      if (name.empty()) return core::fail(dorky::usage_error(kSpec, "--op needs a name"));
      settings.operators.push_back(name);
      ++kinds;
    } else if (args.flag({"--operators"})) {
      settings.all_operators = true;
      kinds += 2;  // always labelled
    } else if (args.flag({"--phrases"})) {
      settings.phrases = true;
      ++kinds;
    } else if (args.flag({"--keywords"})) {
      settings.keywords = true;
      ++kinds;
    } else if (args.value({"--regex"}, value)) {
      try {
        settings.regex.emplace(value, std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& error) {
        return core::fail(dorky::usage_error(kSpec, "--regex '" + value +
                                                        "' is not a valid "
                                                        "regular expression: " +
                                                        error.what()));
      }
      ++kinds;
    } else if (args.flag({"--negated"})) {
      settings.include_negated = true;
    } else if (args.flag({"-c", "--counts"})) {
      settings.counts = true;
    } else if (dorky::take_common(args, options)) {
    } else if (args.at_option()) {
      return core::fail(dorky::usage_error(kSpec, "unknown option '" + args.take() + "'"));
    } else {
      options.inputs.push_back(args.take());
    }
  }
  if (args.error()) return core::fail(dorky::usage_error(kSpec, *args.error()));
  if (kinds == 0) {
    return core::fail(dorky::usage_error(kSpec,
                                         "nothing to extract: give --site, --filetype, "
                                         "--inurl, --op, --phrases, --keywords or --regex"));
  }
  settings.labelled = kinds > 1;
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  CORE_RETURN_IF_ERROR(dorky::run_extract(options, settings, *out));
  CORE_RETURN_IF_ERROR(out->commit());
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
