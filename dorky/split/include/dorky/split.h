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
// with the value made file-name safe (percent-encoded, see safe_file_part). Every part is
// written atomically: a part is either complete or absent. With kLines a part is committed
// as soon as it is full; kParts and kRoundRobin commit all parts at the end, so a failure
// leaves none of them. kParts holds a descriptor only for the parts being copied; kRoundRobin
// keeps as many parts open as the descriptor limit and --memory allow and reads the input
// once per group of parts beyond that (spooling stdin first). kByOperator keeps as many
// parts open as --memory allows (about 1.2 MiB each); lines of further values wait in hash
// buckets on disk and are handled in later passes, each pass committing its parts when done.
// An input whose size cannot be trusted (/proc files report 0) is read to end of file.
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

// Part numbers have 1 to kMaxDigits digits (--digits); --parts and --round-robin make at
// most kMaxParts parts (each is a file, and each costs memory until all are published).
inline constexpr int kMaxDigits = 12;
inline constexpr std::uint64_t kMaxParts = 1000000;

// Fails with kNotFound/kIo for inputs, outputs and spill files, and with kInvalidArgument
// ("suffixes exhausted") before writing anything when the parts would outgrow --digits. For
// --lines that is known up front for files; from a pipe the parts already written stay.
core::Result<SplitStats> run_split(const CommonOptions& options, const SplitSettings& settings);

// Ok when `parts` numbered parts fit in settings.digits digits; else kInvalidArgument
// "suffixes exhausted: ..." naming the digits needed.
core::Status check_part_count(const SplitSettings& settings, std::uint64_t parts);

// "example.com" -> "example.com"; "a/b c" -> "a%2Fb%20c": bytes other than [A-Za-z0-9._-]
// (and a leading '.' or '_') are percent-encoded, so distinct values never share a file and
// none is named "_none". Names longer than 160 bytes keep their start and end in "%~" and a
// 64-bit hash of the value.
std::string safe_file_part(std::string_view value);

}  // namespace dorky
