// extract: pull values out of queries: operator values (site: domains, filetype:/ext:
// types, inurl: paths, ...), quoted phrases, bare keywords, shapes or regex captures, one a
// line, optionally counted. Operator values are given as the engine reads them (quotes
// dropped, spaces squeezed, a group value "(a|b)" as its alternatives a and b).
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorky/output.h"
#include "dorky/tool.h"

namespace dorky {

struct ExtractSettings {
  std::vector<std::string> operators;  // lowercase names ("site", "filetype", "ext", ...)
  bool all_operators = false;          // every operator, whatever its name
  bool phrases = false;                // quoted phrases outside operators
  bool keywords = false;               // bare words
  bool include_negated = false;        // also terms written with a leading '-'
  // RE2 syntax (linear time, no recursion: safe on any line length). Capture group 1 if the
  // pattern has one, else the whole match; every non-overlapping match of a line.
  std::shared_ptr<const re2::RE2> regex;
  bool labelled = false;     // prefix "<kind>\t" (set when several kinds are asked)
  bool counts = false;       // print "<count>\t<value>", most frequent first
  bool shapes = false;       // each query's shape (dorky::query_shape)
  bool ignore_case = false;  // values ASCII-lowercased, so case variants count once
};

// Writes the extracted values of every input line to `out`. With counts, distinct values
// are counted in memory while they fit options.memory_bytes and through hash-partitioned
// spill files beyond (see value_counter.h).
core::Status run_extract(const CommonOptions& options, const ExtractSettings& settings,
                         Output& out);

}  // namespace dorky
