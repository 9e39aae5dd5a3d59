// Fuzzes the zlib-stream inflater (Discord's transport compression). The first input byte
// chooses where the rest is cut into frames (every (b % 61) + 1 bytes; 0 pushes it whole),
// since one message may span several frames and one context spans the connection. The cap
// is small so a bomb is refused quickly; no message may ever exceed it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "mikami/zlib_stream.h"

namespace {
constexpr std::size_t kCap = 1 << 20;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t step = data[0] == 0 ? size : data[0] % 61 + 1;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  mikami::ZlibStreamInflater inflater(kCap);
  while (!stream.empty()) {
    std::size_t n = std::min(step, stream.size());
    auto message = inflater.push(stream.substr(0, n));
    if (!message) {
      FUZZ_ASSERT(!message.error().message().empty());
      return 0;  // the connection would be dropped here
    }
    if (*message) FUZZ_ASSERT((*message)->size() <= kCap);
    stream.remove_prefix(n);
  }
  return 0;
}
