// suggest: variants of queries made from preset pools, and sizing advice.
//
// Pools are read from a preset directory in the dorkgen layout (<dir>/pools/<name>.txt, or
// <dir>/<name>.txt; one value a line, '#' comments and blank lines skipped, a trailing CR
// dropped). Each operator maps to a pool (site->domain, filetype/ext->filetype,
// inurl/allinurl->folder, intitle/allintitle/intext->keyword; --pool OP=NAME overrides).
//
// Variants: for every query and every operator term with a pool, the query with that
// term's value replaced by each pool value not already used by that operator in the query
// (a value with spaces is quoted; one holding '"' is skipped, since no quoting keeps the
// query balanced). A byte-order mark at the start of a pool file is dropped.
// Advice (--target N): the queries' distinct shapes (values of mapped operators replaced by
// their pool), the exact space size, expected duplicates when drawing N at random, and how
// far each pool must grow for the space to hold N with at most 5% expected duplicates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct Pool {
  std::string name;
  std::vector<std::string> values;
};

struct SuggestSettings {
  std::string presets_dir;
  std::map<std::string, std::string> pool_for_operator;  // lowercase op -> pool name
  std::uint64_t max_per_query = 50;
  std::optional<std::uint64_t> target;  // advice mode
};

// The default operator -> pool mapping.
std::map<std::string, std::string> default_pool_mapping();

// Loads the pools the mapping names. A missing or unreadable presets directory is
// kNotFound; a pool file that is empty or unreadable is kInvalidArgument naming file and
// reason. Pools without a file are left out (their operators are not varied), unless
// `required` names them.
core::Result<std::map<std::string, Pool>> load_pools(const SuggestSettings& settings,
                                                     const std::vector<std::string>& required);

core::Status run_suggest(const CommonOptions& options, const SuggestSettings& settings,
                         const std::map<std::string, Pool>& pools, Output& out);

}  // namespace dorky
