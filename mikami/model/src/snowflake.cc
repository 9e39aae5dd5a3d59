#include "mikami/model/snowflake.h"

#include <charconv>

namespace mikami::model {

core::Result<std::uint64_t> parse_snowflake(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || text.front() == '+') {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "not a snowflake: \"" + std::string(text.substr(0, 32)) + "\"");
  }
  return value;
}

}  // namespace mikami::model
