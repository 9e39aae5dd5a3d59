// The error model shared by every system (docs/conventions.md, "Error model"):
//   - programmer bugs abort through CORE_CHECK;
//   - operating errors (I/O, a broken store, bad input to a library) are returned as a
//     [[nodiscard]] core::Status or core::Result<T> carrying a core::Error;
//   - business rejections (an unaffordable wager, ...) are enums owned by each system.
// Exceptions thrown by third-party libraries are caught at the boundary that calls them and
// turned into an Error there.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace core {

// Stable, coarse classes of operating error. Callers branch on the code; people read the
// message. New codes go at the end.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument = 1,  // the caller's input is wrong; retrying the same call cannot succeed
  kNotFound,             // a named thing (file, user, record) does not exist
  kAlreadyExists,        // creating something that is already there
  kFailedPrecondition,   // the system is not in a state that allows the call
  kIo,                   // the operating system or a store reported a failure; may be retried
  kCorrupt,              // stored data is not what this program wrote
  kUnavailable,          // a dependency is temporarily unable to serve; retry later
  kCancelled,            // the caller (or shutdown) cancelled the work
  kInternal,             // an invariant of ours does not hold; a bug worth reporting
};

// Short lowercase name of a code ("invalid argument"), for messages and JSON.
std::string_view to_string(ErrorCode code);

// An operating error: a code to branch on and a message for people that names what was
// wrong. Cheap to move; copying copies the message.
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Error with_context(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

// A value or an Error. Discarding one is a compile error (the project builds with -Werror).
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
  Result(std::expected<T, Error> other) : std::expected<T, Error>(std::move(other)) {}
};

// Success or an Error.
using Status = Result<void>;

inline Status ok_status() { return {}; }

// Builds the error half of a Result: `return core::fail(ErrorCode::kIo, "...");`
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}
inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

[[noreturn]] void check_failed(const char* expression, const char* file, int line);

}  // namespace core

// Aborts with the expression and location when `condition` is false. For invariants whose
// violation is a bug; never for input or environment problems.
#define CORE_CHECK(condition)                               \
  do {                                                      \
    if (!(condition)) [[unlikely]]                          \
      ::core::check_failed(#condition, __FILE__, __LINE__); \
  } while (false)

// Evaluates a Status/Result expression and returns its error from the enclosing function.
#define CORE_RETURN_IF_ERROR(expression)                                \
  do {                                                                  \
    if (auto&& core_status_ = (expression); !core_status_) [[unlikely]] \
      return ::core::fail(std::move(core_status_).error());             \
  } while (false)
