#include "mikami/app/logger.h"

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace mikami::app {
namespace {

const char* name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    default:
      return "error";
  }
}

LogLevel parse(std::string_view level) {
  if (level == "debug") return LogLevel::kDebug;
  if (level == "warn" || level == "warning") return LogLevel::kWarn;
  if (level == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms.count()));
  return buffer;
}

}  // namespace

Logger::Logger(std::string_view level, bool json) : level_(parse(level)), json_(json) {}

void Logger::add_secret(std::string secret) {
  if (secret.empty()) return;
  std::lock_guard lock(mutex_);
  secrets_.push_back(std::move(secret));
}

std::string Logger::format(LogLevel level, std::string_view message) const {
  std::string text(message);
  {
    std::lock_guard lock(mutex_);
    for (const auto& secret : secrets_) {
      for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
        text.replace(at, secret.size(), "[redacted]");
      }
    }
  }
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';  // one line per event
  }
  if (json_) {
    return boost::json::serialize(
        boost::json::object{{"ts", timestamp()}, {"level", name(level)}, {"msg", text}});
  }
  return timestamp() + " " + name(level) + " " + text;
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  const std::string line = format(level, message) + "\n";
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void Logger::log(std::string_view level, std::string_view message) { log(parse(level), message); }

}  // namespace mikami::app
