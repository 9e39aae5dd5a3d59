// numgen: integer sequences (start, stop, step, zero padding, a format string) and unique
// random numbers from a range without remembering what was drawn (core::KeyedPermutation).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "dorky/output.h"

namespace dorky {

struct NumgenSettings {
  std::int64_t start = 1;
  std::int64_t stop = 1;  // inclusive
  std::int64_t step = 1;  // never 0
  int width = 0;          // zero-pad the number to this many digits (sign not counted)
  std::string prefix;     // the format string's text before "{}"
  std::string suffix;     // and after it
  std::optional<std::uint64_t> random_count;  // draw this many distinct values instead
  std::uint64_t seed = 0;
};

// Parses a format like "id-{}.txt" ("{{" and "}}" are literal braces) into prefix/suffix.
// Fails with kInvalidArgument unless it holds exactly one "{}".
core::Status parse_format(const std::string& format, NumgenSettings& settings);

// How many values the sequence start, start+step, ... within stop has (0 if none).
std::uint64_t sequence_length(const NumgenSettings& settings);

// Writes the numbers, one a line. Fails with kInvalidArgument when random_count exceeds the
// number of values in the range.
core::Status run_numgen(const NumgenSettings& settings, Output& out);

}  // namespace dorky
