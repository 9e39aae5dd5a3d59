// Minimal JSON and CSV string encoding for output formats, fast enough for the generation hot
// loop (no allocation beyond the caller's buffer growth).
#pragma once

#include <string>
#include <string_view>

namespace dorkgen {

// Appends `text` (valid UTF-8) as a quoted JSON string with the escapes RFC 8259 requires.
void append_json_string(std::string& out, std::string_view text);
// Appends `text` as one RFC 4180 CSV field, quoted when it contains ',', '"', CR or LF.
void append_csv_field(std::string& out, std::string_view text);

}  // namespace dorkgen
