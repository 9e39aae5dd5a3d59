// dorky-extract: operator values, phrases, keywords or regex captures out of queries.
#include "dorky/exit_codes.h"
#include "dorky/extract.h"
#include "dorky/input.h"
#include "dorky/options.h"
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
      --shapes        each query's shape: operators kept, values as {} (intitle:"{}" {});
                      implies --counts
      --regex RE      matches of the RE2 regex RE (its first group if it has one): Perl-like
                      syntax without backreferences or lookaround, linear time on any line

Operator values come as the engine reads them: quotes dropped, runs of spaces as one, a
group value split into its alternatives (inurl:(admin|login) gives admin and login).

options:
  -i, --ignore-case   lowercase (ASCII) every value, so "Index of" and "index of" count once
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
  int kinds = 0;
  auto add_ops = [&](std::initializer_list<const char*> list) {
    return [&settings, &kinds, names = std::vector<std::string>(list.begin(), list.end())]() {
      for (const std::string& name : names) settings.operators.push_back(name);
      ++kinds;
      return core::ok_status();
    };
  };
  auto add_kind = [&](bool& selected) {
    return [&selected, &kinds]() -> core::Status {
      selected = true;
      ++kinds;
      return core::ok_status();
    };
  };
  dorky::OptionSet cli(kSpec);
  cli.flag({"--site"}, add_ops({"site"}))
      .flag({"--filetype", "--ext"}, add_ops({"filetype", "ext"}))
      .flag({"--inurl"}, add_ops({"inurl", "allinurl"}))
      .flag({"--intitle"}, add_ops({"intitle", "allintitle"}))
      .value({"--op"},
             [&](const std::string& value) -> core::Status {
               std::string name = dorky::lower_ascii(value);
               if (!name.empty() && name.back() == ':') name.pop_back();
               if (name.empty()) return core::fail(dorky::usage_error(kSpec, "--op needs a name"));
               settings.operators.push_back(name);
               ++kinds;
               return core::ok_status();
             })
      .flag({"--operators"},
            [&]() -> core::Status {
              settings.all_operators = true;
              kinds += 2;  // always labelled
              return core::ok_status();
            })
      .flag({"--phrases"}, add_kind(settings.phrases))
      .flag({"--keywords"}, add_kind(settings.keywords))
      .flag({"--shapes"},
            [&]() -> core::Status {
              settings.shapes = true;
              settings.counts = true;
              ++kinds;
              return core::ok_status();
            })
      .flag({"-i", "--ignore-case"}, settings.ignore_case)
      .value({"--regex"},
             [&](const std::string& value) -> core::Status {
               re2::RE2::Options dialect;
               dialect.set_log_errors(false);
               auto regex = std::make_shared<const re2::RE2>(value, dialect);
               if (!regex->ok()) {
                 return core::fail(dorky::usage_error(
                     kSpec, "--regex '" + value +
                                "' is not a valid RE2 regular expression: " + regex->error()));
               }
               settings.regex = std::move(regex);
               ++kinds;
               return core::ok_status();
             })
      .flag({"--negated"}, settings.include_negated)
      .flag({"-c", "--counts"}, settings.counts)
      .common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  if (kinds == 0) {
    return core::fail(
        dorky::usage_error(kSpec,
                           "nothing to extract: give --site, --filetype, "
                           "--inurl, --op, --phrases, --keywords, --shapes or --regex"));
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
