// Fuzzes Discord's REST error bodies (parse_rest_error_body): the input is one response body,
// as a 4xx or 429 answer carries it. Whatever it holds, the parse returns, and a retry_after
// it reports lies in [0, 1e7) seconds.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "mikami/rest_error_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const mikami::RestErrorBody parsed = mikami::parse_rest_error_body(body);
  if (parsed.retry_after) {
    FUZZ_ASSERT(parsed.retry_after->count() >= 0);
    FUZZ_ASSERT(*parsed.retry_after < std::chrono::seconds(10'000'000));
  }
  // A field the body lacks keeps its default; the message is no longer than the body.
  FUZZ_ASSERT(parsed.message.size() <= body.size());
  return 0;
}
