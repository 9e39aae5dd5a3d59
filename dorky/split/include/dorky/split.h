// split: one input into several files, bytes of every line unchanged.
//
// Modes:
//   kLines       N lines per part (the last part may be shorter);
//   kParts       N contiguous parts of about equal size; a line goes to the part whose byte
//                range holds its first byte (like `split -n l/N`). Whole byte ranges are
//                copied, several parts at once (fsync'ed parts with direct I/O, up to 8 in
//                flight with a 4 MiB buffer each, one per 16 MiB of --memory);
//   kRoundRobin  line i goes to part i mod N;
//   kByOperator  one part per value of an operator (`--by site`); lines without it go to
//                "<prefix>_none<suffix>".
// Part names are <prefix><number><suffix> with --digits digits, or <prefix><value><suffix>
// with the value made file-name safe. Every part is written atomically: a part is either
// complete or absent. With kLines a part is committed as soon as it is full; kParts and
// kRoundRobin commit all parts at the end, so a failure leaves none of them. kByOperator
// keeps as many parts open as --memory allows (about 1.2 MiB each); lines of further values
// wait in hash buckets on disk and are handled in later passes, each pass committing its
// parts when done.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorky/tool.h"

namespace dorky {

struct SplitSettings {
  enum class Mode { kLines, kParts, kRoundRobin, kByOperator };
  Mode mode = Mode::kLines;
  std::uint64_t count = 0;  // lines per part, or number of parts
  std::string by;           // operator name for kByOperator (lowercase)
  std::string prefix = "part-";
  std::string suffix;
  int digits = 4;
};

struct SplitStats {
  std::uint64_t lines = 0;         // not counted for kParts, which copies byte ranges
  std::vector<std::string> files;  // in part order (first-seen order for kByOperator)
};

// Fails with kNotFound/kIo for inputs, outputs and spill files.
core::Result<SplitStats> run_split(const CommonOptions& options, const SplitSettings& settings);

// "example.com" -> "example.com"; "a/b c" -> "a_b_c-<hash>": only [A-Za-z0-9._-] survive;
// anything changed gets a short hash so distinct values never share a file.
std::string safe_file_part(std::string_view value);

}  // namespace dorky
