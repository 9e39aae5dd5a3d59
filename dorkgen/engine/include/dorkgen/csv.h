// CSV field encoding for the output formats, fast enough for the generation hot loop (no
// allocation beyond the caller's buffer growth). JSON strings: core/json_string.h.
#pragma once

#include <string>
#include <string_view>

namespace dorkgen {

// Appends `text` as one RFC 4180 CSV field, quoted when it contains ',', '"', CR or LF.
void append_csv_field(std::string& out, std::string_view text);

}  // namespace dorkgen
