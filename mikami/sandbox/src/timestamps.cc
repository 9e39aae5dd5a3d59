#include "timestamps.h"

#include <cstdio>

namespace mikami::sandbox {
namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<SystemTime> parse_iso8601(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != ' ') || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // SystemTime counts nanoseconds in 64 bits (1677-09-21 to 2262-04-11): a year outside the
  // whole years inside that range (1678 to 2261) is refused, not converted with an overflow.
  if (date.year() < std::chrono::year(1678) || date.year() > std::chrono::year(2261)) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::chrono::microseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    ++at;
    long long value = 0;
    int places = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (places < 6) {
        value = value * 10 + (text[at] - '0');
        ++places;
      }
      ++at;
    }
    if (places == 0) return std::nullopt;
    for (; places < 6; ++places) value *= 10;
    fraction = std::chrono::microseconds(value);
  }
  std::chrono::minutes offset{0};
  if (at < text.size()) {
    if (text[at] == 'Z' || text[at] == 'z') {
      ++at;
    } else if (text[at] == '+' || text[at] == '-') {
      int oh = 0, om = 0;
      if (!digits(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
          !digits(text, at + 4, 2, om)) {
        return std::nullopt;
      }
      offset = std::chrono::minutes(oh * 60 + om) * (text[at] == '-' ? -1 : 1);
      at += 6;
    }
  }
  if (at != text.size()) return std::nullopt;
  SystemTime time = std::chrono::sys_days(date);
  time += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
  time += std::chrono::duration_cast<SystemTime::duration>(fraction);
  return time - offset;
}

std::string format_iso8601(SystemTime time) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(time);
  const auto day = std::chrono::floor<std::chrono::days>(micros);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{micros - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06lld+00:00",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return buffer;
}

}  // namespace mikami::sandbox
