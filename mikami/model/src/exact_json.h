// Internal: reads JSON text the way boost::json::parse does, except for numbers written with
// a fraction or an exponent (or too large for 64 bits): those become the double nearest to
// their decimal text. Boost.JSON 1.81 multiplies the digits by a power of ten, which can land
// one step off, so a double it serialised did not always read back as itself (a command
// option's max_value of 1.0800184467440737E25 came back as 1.0800184467440735E25, and the
// definitions Discord echoes would never compare equal to ours).
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace mikami::model::detail {

// One complete JSON text (trailing data is an error); on error `ec` is set and the value null.
boost::json::value parse_json_exact(std::string_view text, boost::system::error_code& ec);

}  // namespace mikami::model::detail
