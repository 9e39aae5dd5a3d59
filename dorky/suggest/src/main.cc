// dorky-suggest: query variants from preset pools, and space/collision advice.
#include "dorky/exit_codes.h"
#include "dorky/input.h"
#include "dorky/options.h"
#include "dorky/query.h"
#include "dorky/suggest.h"

namespace {

constexpr dorky::ToolSpec kSpec{
    "suggest", "make query variants from preset pools, and advise on space and collisions",
    R"(usage: dorky-suggest --presets DIR [options] [FILE...]
       dorky-suggest --presets DIR --target N [options] [FILE...]

Variants: for every input query, each operator value that has a pool is replaced in turn by
the pool's other values (values the query already uses for that operator are skipped).
Advice (--target N): the space of distinct queries the inputs' shapes span with these
pools, the expected duplicates when drawing N at random, and how far to grow which pool.

Pools come from DIR/pools/<name>.txt (the dorkgen preset layout) or DIR/<name>.txt: one
value a line, '#' comments and blank lines skipped. Operators map to pools:
site->domain, filetype/ext->filetype, inurl/allinurl->folder,
intitle/allintitle/intext->keyword, and the engines' own spellings of those (from dorkgen's
engine profiles) to the same pools: mime->filetype, title->keyword, inbody->keyword.

options:
      --presets DIR        the preset directory (required)
      --pool OP=NAME       map operator OP to pool NAME (repeatable; NAME empty: no pool)
      --max-per-query N    at most N variants per input query (default 50)
      --target N           print advice for generating N queries instead of variants
  -o, --output FILE        write FILE atomically instead of stdout
      --no-sync            skip the fsync before the rename
  -m, --memory SIZE        memory budget for --target's shapes (default 256M)
  -h, --help               this text
      --describe           one-line description (for the dorky launcher)

exit codes: 0 ok, 2 usage or input error (missing or malformed presets), 3 I/O error
)"};

core::Result<int> run(dorky::Args& args) {
  dorky::CommonOptions options;
  dorky::SuggestSettings settings;
  settings.pool_for_operator = dorky::default_pool_mapping();
  std::vector<std::string> required;
  dorky::OptionSet cli(kSpec);
  cli.value({"--presets"}, settings.presets_dir)
      .value({"--pool"},
             [&](const std::string& value) -> core::Status {
               std::size_t equals = value.find('=');
               if (equals == std::string::npos || equals == 0) {
                 return core::fail(
                     dorky::usage_error(kSpec, "--pool wants OP=NAME, got '" + value + "'"));
               }
               std::string op = dorky::lower_ascii(value.substr(0, equals));
               std::string pool = value.substr(equals + 1);
               if (pool.empty()) {
                 settings.pool_for_operator.erase(op);
               } else {
                 settings.pool_for_operator[op] = pool;
                 required.push_back(pool);
               }
               return core::ok_status();
             })
      .number({"--max-per-query"}, settings.max_per_query)
      .number({"--target"}, settings.target)
      .common(options);
  CORE_RETURN_IF_ERROR(cli.parse(args));
  if (settings.presets_dir.empty()) {
    return core::fail(dorky::usage_error(kSpec, "--presets DIR is required"));
  }
  CORE_RETURN_IF_ERROR(dorky::check_inputs(options.inputs));
  // Presets are validated before any output exists.
  auto pools = dorky::load_pools(settings, required);
  CORE_RETURN_IF_ERROR(pools);
  auto out = dorky::Output::open(options.output, options.sync);
  CORE_RETURN_IF_ERROR(out);
  CORE_RETURN_IF_ERROR(dorky::run_suggest(options, settings, *pools, *out));
  CORE_RETURN_IF_ERROR(out->commit());
  return dorky::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return dorky::run_tool(kSpec, argc, argv, run); }
