#include "dorky/options.h"

namespace dorky {
namespace {

// "--seed" for {"-s", "--seed"}: how messages name the option.
std::string long_name(const std::vector<std::string_view>& names) {
  for (std::string_view name : names) {
    if (name.starts_with("--")) return std::string(name);
  }
  return std::string(names.front());
}

}  // namespace

OptionSet& OptionSet::flag(std::initializer_list<std::string_view> names, FlagHandler on) {
  options_.push_back(Option{std::vector<std::string_view>(names), false, nullptr, std::move(on)});
  return *this;
}

OptionSet& OptionSet::flag(std::initializer_list<std::string_view> names, bool& out) {
  return flag(names, [&out]() -> core::Status {
    out = true;
    return core::ok_status();
  });
}

OptionSet& OptionSet::value(std::initializer_list<std::string_view> names, ValueHandler on) {
  options_.push_back(Option{std::vector<std::string_view>(names), true, std::move(on), nullptr});
  return *this;
}

OptionSet& OptionSet::value(std::initializer_list<std::string_view> names, std::string& out) {
  return value(names, [&out](const std::string& text) -> core::Status {
    out = text;
    return core::ok_status();
  });
}

OptionSet& OptionSet::number(std::initializer_list<std::string_view> names, std::uint64_t& out) {
  return number(names, [&out](std::uint64_t n) { out = n; });
}

OptionSet& OptionSet::number(std::initializer_list<std::string_view> names,
                             std::optional<std::uint64_t>& out) {
  return number(names, [&out](std::uint64_t n) { out = n; });
}

OptionSet& OptionSet::number(std::initializer_list<std::string_view> names,
                             std::function<void(std::uint64_t)> store) {
  std::string what = long_name(std::vector<std::string_view>(names));
  return value(names, [store = std::move(store), what](const std::string& text) -> core::Status {
    auto parsed = parse_uint(text, what);
    CORE_RETURN_IF_ERROR(parsed);
    store(*parsed);
    return core::ok_status();
  });
}

OptionSet& OptionSet::common(CommonOptions& common) {
  common_ = &common;
  return *this;
}

OptionSet& OptionSet::positionals(std::function<void(std::string)> on, bool negative_numbers) {
  positional_ = std::move(on);
  negative_numbers_ = negative_numbers;
  return *this;
}

core::Status OptionSet::parse(Args& args) {
  auto usage = [&](std::string_view message) { return core::fail(usage_error(spec_, message)); };
  std::string text;
  while (!args.done()) {
    bool matched = false;
    for (const Option& option : options_) {
      if (option.takes_value ? args.value(option.names, text) : args.flag(option.names)) {
        matched = true;
        if (args.error()) return usage(*args.error());  // the value was missing
        CORE_RETURN_IF_ERROR(option.takes_value ? option.on_value(text) : option.on_flag());
        break;
      }
    }
    if (matched) continue;
    if (common_ != nullptr && take_common(args, *common_)) {
      if (args.error()) return usage(*args.error());
      continue;
    }
    if (args.at_option()) {
      std::string arg = args.peek();
      bool number = negative_numbers_ && arg.size() > 1 && arg[1] >= '0' && arg[1] <= '9';
      if (!number) return usage("unknown option '" + args.take() + "'");
    }
    if (positional_) {
      positional_(args.take());
    } else if (common_ != nullptr) {
      common_->inputs.push_back(args.take());
    } else {
      return usage("unexpected argument '" + args.take() + "'");
    }
  }
  if (args.error()) return usage(*args.error());
  return core::ok_status();
}

}  // namespace dorky
