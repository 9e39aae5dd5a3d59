// Writing text as a JSON string (RFC 8259), for output written by hand in hot loops (query
// lines, receipts, findings) where building a JSON document first would cost more than the
// line itself. One implementation for every system.
#pragma once

#include <string>
#include <string_view>

namespace core {

// Appends `text` to `out` as a quoted JSON string. '"' and '\' are escaped; control
// characters are written as \b \f \n \r \t or \u00XX, as JSON.stringify writes them; every
// byte that is not part of well-formed UTF-8 (a stray continuation byte, a truncated or
// overlong sequence, a surrogate, a code point past U+10FFFF) is written as U+FFFD. So the
// result is valid JSON whatever bytes `text` holds, and valid UTF-8 text is kept as it is.
void append_json_string(std::string& out, std::string_view text);

}  // namespace core
