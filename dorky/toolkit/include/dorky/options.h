// A tool's command line, declared once. Every tool used to write the same loop over Args
// (its own options, then the shared ones, then "unknown option", then positionals); an
// OptionSet is that loop:
//
//   dorky::CommonOptions options;
//   bool stats = false;
//   dorky::OptionSet cli(kSpec);
//   cli.flag({"--stats"}, stats).number({"-s", "--seed"}, seed).common(options);
//   CORE_RETURN_IF_ERROR(cli.parse(args));
//
// Arguments are matched in order against the tool's options (in the order declared), then the
// shared ones (common()); any other argument that looks like an option is an "unknown option"
// usage error; the rest are positionals (the inputs, unless positionals() says otherwise).
// Options take "--name value", "--name=value" or "-n value" (see Args).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dorky/args.h"
#include "dorky/tool.h"

namespace dorky {

class OptionSet {
 public:
  using ValueHandler = std::function<core::Status(const std::string& value)>;
  using FlagHandler = std::function<core::Status()>;

  explicit OptionSet(const ToolSpec& spec) : spec_(spec) {}

  // An option without a value: runs `on`, or sets `out` to true.
  OptionSet& flag(std::initializer_list<std::string_view> names, FlagHandler on);
  OptionSet& flag(std::initializer_list<std::string_view> names, bool& out);
  // An option with a value: runs `on` with it, or stores it in `out` (the last one wins).
  OptionSet& value(std::initializer_list<std::string_view> names, ValueHandler on);
  OptionSet& value(std::initializer_list<std::string_view> names, std::string& out);
  // A non-negative integer value (parse_uint, named after the option's long name).
  OptionSet& number(std::initializer_list<std::string_view> names, std::uint64_t& out);
  OptionSet& number(std::initializer_list<std::string_view> names,
                    std::optional<std::uint64_t>& out);
  OptionSet& number(std::initializer_list<std::string_view> names,
                    std::function<void(std::uint64_t)> store);
  // The shared options (-o/--output, -m/--memory, --temp-dir, --no-progress, --no-sync) go
  // into `common`, and positionals into common.inputs (unless positionals() is set).
  OptionSet& common(CommonOptions& common);
  // Where positionals go instead. With `negative_numbers`, an argument like "-5" is a
  // positional, not an unknown option.
  OptionSet& positionals(std::function<void(std::string)> on, bool negative_numbers = false);

  // Walks `args` to the end. Fails with the first error: a handler's own error as it is, or a
  // usage error (kInvalidArgument with the --help hint) for an unknown option, a missing
  // value, a bad shared option, or a positional where the tool takes none.
  core::Status parse(Args& args);

 private:
  struct Option {
    std::vector<std::string_view> names;
    bool takes_value = false;
    ValueHandler on_value;
    FlagHandler on_flag;
  };

  const ToolSpec& spec_;
  std::vector<Option> options_;
  CommonOptions* common_ = nullptr;
  std::function<void(std::string)> positional_;
  bool negative_numbers_ = false;
};

}  // namespace dorky
