// dorky-split: one input into parts by line count, part count, round robin or operator.
#include <cstdio>

#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"
#include "dorky/query.h"
#include "dorky/split.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "split", "split lines into files by count, into N parts, round robin, or per operator value",
    R"(usage: dorky-split (-l N | -n N | -r N | --by OPERATOR) [options] [FILE...]

Writes the input into part files, every line's bytes unchanged. Exactly one mode:
  -l, --lines N         N lines per part
  -n, --parts N         N contiguous parts of about equal size, never splitting a line
  -r, --round-robin N   N parts, line i into part i mod N
      --by OPERATOR     one part per value of OPERATOR (e.g. site, filetype); lines
                        without it go to <prefix>_none<suffix>

options:
  -p, --prefix PREFIX   part names start with PREFIX (default "part-"; may hold a directory)
      --suffix SUFFIX   part names end with SUFFIX (default none, e.g. ".txt")
      --digits D        digits in part numbers (default 4)
      --no-sync         skip the fsync before each rename (faster; parts still never partial)
  -m, --memory SIZE     memory budget (default 256M); bounds the parts --by keeps open
                        (more values wait in spill files for later passes)
      --temp-dir DIR    where stdin is spooled for --parts (default $TMPDIR or /tmp)
      --list            print the names of the parts written, one a line
      --no-progress     never show progress (it only shows on a terminal anyway)
  -h, --help            this text
      --describe        one-line description (for the dorky launcher)

Each part appears atomically (complete or not at all). With --lines each part is committed
when full; other modes commit every part at the end.

exit codes: 0 ok, 2 usage or input error, 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  dorky::SplitSettings settings;
  int modes = 0;
  bool list = false;
  auto mode = [&](dorky::SplitSettings::Mode chosen, const char* what) {
    return [&settings, &modes, chosen, what](const std::string& value) -> core::Status {
      auto n = dorky::parse_uint(value, what);
      CORE_RETURN_IF_ERROR(n);
      if (*n == 0) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          std::string(what) + " must be at least 1");
      }
      if (chosen != dorky::SplitSettings::Mode::kLines && *n > dorky::kMaxParts) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          std::string(what) + " must be from 1 to " +
                              std::to_string(dorky::kMaxParts) + " (every part is a file), got " +
                              value);
      }
      settings.mode = chosen;
      settings.count = *n;
      ++modes;
      return core::ok_status();
    };
  };
  using Mode = dorky::SplitSettings::Mode;
  dorky::OptionSet cli(kSpec);
  cli.value({"-l", "--lines"}, mode(Mode::kLines, "--lines"))
      .value({"-n", "--parts"}, mode(Mode::kParts, "--parts"))
      .value({"-r", "--round-robin"}, mode(Mode::kRoundRobin, "--round-robin"))
      .value(
          {"--by"},
          [&](const std::string& value) -> core::Status {
            settings.mode = Mode::kByOperator;
            settings.by = dorky::lower_ascii(value);
            if (!settings.by.empty() && settings.by.back() == ':') settings.by.pop_back();
            if (settings.by.empty()) {
              return core::fail(dorky::usage_error(kSpec, "--by needs an operator name like site"));
            }
            ++modes;
            return core::ok_status();
          })
      .value({"-p", "--prefix"}, settings.prefix)
      .value({"--suffix"}, settings.suffix)
      .value({"--digits"},
             [&](const std::string& value) -> core::Status {
               auto digits = dorky::parse_uint(value, "--digits");
               CORE_RETURN_IF_ERROR(digits);
               if (*digits < 1 || *digits > static_cast<std::uint64_t>(dorky::kMaxDigits)) {
                 return core::fail(dorky::usage_error(
                     kSpec, "--digits must be between 1 and " + std::to_string(dorky::kMaxDigits)));
               }
               settings.digits = static_cast<int>(*digits);
               return core::ok_status();
             })
      .flag({"--list"}, list)
      .common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  if (!options.output.empty()) {
    return core::fail(dorky::usage_error(kSpec, "split writes parts; use --prefix, not -o"));
  }
  if (modes != 1) {
    return core::fail(dorky::usage_error(kSpec,
                                         "give exactly one of --lines, --parts, "
                                         "--round-robin or --by"));
  }
  if (settings.prefix.empty()) return core::fail(dorky::usage_error(kSpec, "--prefix is empty"));
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  auto stats = dorky::run_split(options, settings);
  CORE_RETURN_IF_ERROR(stats);
  if (list) {
    for (const std::string& file : stats->files) std::printf("%s\n", file.c_str());
  }
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
