#include "durations.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <vector>

namespace mikami::modules::moderation {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  constexpr std::int64_t kMax = 10LL * 366 * 86'400;
  std::int64_t total = 0;
  std::size_t i = 0;
  if (text.empty()) return std::nullopt;
  while (i < text.size()) {
    std::int64_t number = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      number = number * 10 + (text[i] - '0');
      if (number > kMax) return std::nullopt;
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;
    std::int64_t unit = 0;
    switch (text[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3'600;
        break;
      case 'd':
        unit = 86'400;
        break;
      case 'w':
        unit = 7 * 86'400;
        break;
      default:
        return std::nullopt;
    }
    ++i;
    total += number * unit;
    if (total > kMax) return std::nullopt;
  }
  if (total == 0) return std::nullopt;
  return std::chrono::seconds(total);
}

std::string describe_duration(std::chrono::seconds duration) {
  struct Unit {
    std::int64_t seconds;
    const char* name;
  };
  static const Unit kUnits[] = {{86'400, "day"}, {3'600, "hour"}, {60, "minute"}, {1, "second"}};
  std::int64_t left = duration.count();
  std::vector<std::string> parts;
  for (const Unit& unit : kUnits) {
    const std::int64_t n = left / unit.seconds;
    left %= unit.seconds;
    if (n == 0 || parts.size() == 2) continue;
    parts.push_back(std::to_string(n) + " " + unit.name + (n == 1 ? "" : "s"));
  }
  if (parts.empty()) return "0 seconds";
  return parts.size() == 1 ? parts[0] : parts[0] + " " + parts[1];
}

namespace {

std::tm utc(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string describe_time(std::chrono::system_clock::time_point when) {
  const std::tm tm = utc(when);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

std::string iso8601(std::chrono::system_clock::time_point when) {
  const std::tm tm = utc(when);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buffer, static_cast<long long>(ms));
  return out;
}

}  // namespace mikami::modules::moderation
