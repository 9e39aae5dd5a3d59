// Command-line parsing shared by the tools, in git/ripgrep style: arguments are first parsed
// into plain values here, then each tool validates them into its own settings.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dorky {

// Walks argv once. Options take "--name value", "--name=value" or "-n value"; "--" ends
// options; "-" alone is a positional argument (stdin). Not thread safe.
class Args {
 public:
  Args(int argc, const char* const* argv);

  bool done() {
    skip_separator();
    return index_ >= args_.size();
  }

  // If the current argument is one of `names`, consumes it and returns true.
  bool flag(std::span<const std::string_view> names);
  bool flag(std::initializer_list<std::string_view> names) {
    return flag(std::span<const std::string_view>(names.begin(), names.size()));
  }
  // If the current argument is one of `names`, consumes it and its value into `out` and
  // returns true. A missing value records an error (see error()).
  bool value(std::span<const std::string_view> names, std::string& out);
  bool value(std::initializer_list<std::string_view> names, std::string& out) {
    return value(std::span<const std::string_view>(names.begin(), names.size()), out);
  }
  // True if the current argument looks like an option (and "--" was not seen).
  bool at_option();
  // Consumes the current argument and returns it.
  std::string take();
  // The current argument without consuming it (empty when done).
  std::string peek() { return done() ? std::string() : args_[index_]; }

  // The first parse error ("option --memory needs a value"), if any.
  const std::optional<std::string>& error() const { return error_; }
  // Records a parse error found by a caller (an invalid option value); the first one wins.
  void set_error(std::string message) {
    if (!error_) error_ = std::move(message);
  }

 private:
  // Consumes a first "--", after which everything is positional.
  void skip_separator();

  std::vector<std::string> args_;
  std::size_t index_ = 0;
  bool options_ended_ = false;
  std::optional<std::string> error_;
};

// "256M", "1G", "4096", "64k" (binary units, case-insensitive, optional "iB"/"B").
// Fails with kInvalidArgument naming `what` when the text is not a size or is zero.
core::Result<std::uint64_t> parse_size(std::string_view text, std::string_view what);
// A decimal integer, optionally negative; fails with kInvalidArgument naming `what`.
core::Result<std::int64_t> parse_int(std::string_view text, std::string_view what);
// A non-negative decimal integer that fits in 64 bits; the error names that range.
core::Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what);

}  // namespace dorky
