// The program's log: one line per event on stderr, as text ("2026-12-01T20:00:00.123Z info
// message") or JSON lines ({"ts":..., "level":..., "msg":...}) with --log-format json.
// Secrets registered with add_secret() (the bot token) are replaced by "[redacted]" in
// every line, whatever code wrote it. Thread safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mikami::app {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

class Logger {
 public:
  // `level`: debug, info, warn or error; `json`: JSON lines.
  Logger(std::string_view level, bool json);

  void add_secret(std::string secret);
  bool enabled(LogLevel level) const { return level >= level_; }
  void log(LogLevel level, std::string_view message);
  // For components that log with a level name ("warn").
  void log(std::string_view level, std::string_view message);

  void debug(std::string_view m) { log(LogLevel::kDebug, m); }
  void info(std::string_view m) { log(LogLevel::kInfo, m); }
  void warn(std::string_view m) { log(LogLevel::kWarn, m); }
  void error(std::string_view m) { log(LogLevel::kError, m); }

  // The line as it would be written (tests).
  std::string format(LogLevel level, std::string_view message) const;

 private:
  LogLevel level_;
  bool json_;
  mutable std::mutex mutex_;
  std::vector<std::string> secrets_;  // guarded by mutex_
};

}  // namespace mikami::app
