#include <charconv>
#include <string>

#include "mikami/ratelimit_headers.h"

namespace mikami {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  text = trim(text);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

core::Error malformed(std::string_view header, std::string_view value) {
  // Rate-limit header values carry no secrets, so echoing them helps diagnosis.
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string("malformed ") + std::string(header) + " header: \"" +
                         std::string(value.substr(0, 64)) + "\"");
}

}  // namespace

std::string_view to_string(RateLimitScope scope) {
  switch (scope) {
    case RateLimitScope::kNone:
      return "none";
    case RateLimitScope::kUser:
      return "user";
    case RateLimitScope::kShared:
      return "shared";
    case RateLimitScope::kGlobal:
      return "global";
  }
  return "?";
}

std::optional<std::chrono::microseconds> parse_seconds(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  std::int64_t whole = 0;
  std::int64_t fraction_us = 0;
  std::size_t i = 0;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (whole > 1'000'000'000) return std::nullopt;  // ~31 years: nonsense, refuse
    whole = whole * 10 + (text[i] - '0');
    any_digit = true;
  }
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    std::int64_t scale = 100'000;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      fraction_us += (text[i] - '0') * scale;
      scale /= 10;
      any_digit = true;
    }
  }
  if (!any_digit) return std::nullopt;
  return std::chrono::microseconds(whole * 1'000'000 + fraction_us);
}

core::Result<RateLimitHeaders> parse_rate_limit_headers(const HeaderLookup& lookup) {
  RateLimitHeaders headers;
  if (auto value = lookup("X-RateLimit-Bucket")) {
    std::string_view bucket = trim(*value);
    if (bucket.empty()) return core::fail(malformed("X-RateLimit-Bucket", *value));
    headers.bucket = std::string(bucket);
  }
  if (auto value = lookup("X-RateLimit-Limit")) {
    headers.limit = parse_count(*value);
    if (!headers.limit || *headers.limit == 0) {
      return core::fail(malformed("X-RateLimit-Limit", *value));
    }
  }
  if (auto value = lookup("X-RateLimit-Remaining")) {
    headers.remaining = parse_count(*value);
    if (!headers.remaining) return core::fail(malformed("X-RateLimit-Remaining", *value));
  }
  if (auto value = lookup("X-RateLimit-Reset-After")) {
    headers.reset_after_us = parse_seconds(*value);
    if (!headers.reset_after_us) return core::fail(malformed("X-RateLimit-Reset-After", *value));
  }
  if (auto value = lookup("Retry-After")) {
    headers.retry_after_us = parse_seconds(*value);
    if (!headers.retry_after_us) return core::fail(malformed("Retry-After", *value));
  }
  if (auto value = lookup("X-RateLimit-Global")) {
    headers.global = equals_ignore_case(trim(*value), "true");
  }
  if (auto value = lookup("X-RateLimit-Scope")) {
    std::string_view scope = trim(*value);
    if (equals_ignore_case(scope, "user")) {
      headers.scope = RateLimitScope::kUser;
    } else if (equals_ignore_case(scope, "shared")) {
      headers.scope = RateLimitScope::kShared;
    } else if (equals_ignore_case(scope, "global")) {
      headers.scope = RateLimitScope::kGlobal;
    } else {
      return core::fail(malformed("X-RateLimit-Scope", *value));
    }
  }
  return headers;
}

}  // namespace mikami
