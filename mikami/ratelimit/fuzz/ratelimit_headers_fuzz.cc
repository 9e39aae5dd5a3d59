// Fuzzes rate-limit header parsing: the input is a header block, one "Name: value" per line
// (the first line with a name wins, names compare case-insensitively, as HTTP has them).
// Parsed counts and durations are never negative, and every value's parse_seconds agrees.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "mikami/ratelimit_headers.h"

namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view block(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  while (!block.empty()) {
    std::size_t end = block.find('\n');
    std::string_view line = block.substr(0, end);
    block.remove_prefix(end == std::string_view::npos ? block.size() : end + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  for (const auto& header : headers) {
    auto seconds = mikami::parse_seconds(header.second);
    if (seconds) FUZZ_ASSERT(seconds->count() >= 0);
  }
  auto parsed = mikami::parse_rate_limit_headers(
      [&](std::string_view name) -> std::optional<std::string_view> {
        for (const auto& header : headers) {
          if (same_name(header.first, name)) return header.second;
        }
        return std::nullopt;
      });
  if (!parsed) {
    FUZZ_ASSERT(!parsed.error().message().empty());
    return 0;
  }
  if (parsed->limit) FUZZ_ASSERT(*parsed->limit >= 0);
  if (parsed->remaining) FUZZ_ASSERT(*parsed->remaining >= 0);
  if (parsed->reset_after_us) FUZZ_ASSERT(parsed->reset_after_us->count() >= 0);
  if (parsed->retry_after_us) FUZZ_ASSERT(parsed->retry_after_us->count() >= 0);
  (void)mikami::to_string(parsed->scope);
  return 0;
}
