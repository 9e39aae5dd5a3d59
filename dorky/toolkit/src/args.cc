#include "dorky/args.h"

#include <charconv>
#include <limits>

namespace dorky {

Args::Args(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) args_.emplace_back(argv[i]);
}

void Args::skip_separator() {
  if (!options_ended_ && index_ < args_.size() && args_[index_] == "--") {
    options_ended_ = true;
    ++index_;
  }
}

bool Args::at_option() {
  if (done() || options_ended_) return false;
  const std::string& arg = args_[index_];
  return arg.size() > 1 && arg[0] == '-';
}

bool Args::flag(std::span<const std::string_view> names) {
  if (!at_option()) return false;
  for (std::string_view name : names) {
    if (args_[index_] == name) {
      ++index_;
      return true;
    }
  }
  return false;
}

bool Args::value(std::span<const std::string_view> names, std::string& out) {
  if (!at_option()) return false;
  const std::string& arg = args_[index_];
  for (std::string_view name : names) {
    if (arg == name) {
      if (index_ + 1 >= args_.size()) {
        if (!error_) error_ = "option " + std::string(name) + " needs a value";
        ++index_;
        return true;
      }
      out = args_[index_ + 1];
      index_ += 2;
      return true;
    }
    if (name.starts_with("--") && arg.size() > name.size() && arg.starts_with(name) &&
        arg[name.size()] == '=') {
      out = arg.substr(name.size() + 1);
      ++index_;
      return true;
    }
  }
  return false;
}

std::string Args::take() {
  if (done()) return {};
  return args_[index_++];
}

core::Result<std::uint64_t> parse_uint(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      std::string(what) + " must be an integer from 0 to " +
                          std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", got '" +
                          std::string(text) + "'");
  }
  return value;
}

core::Result<std::int64_t> parse_int(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  std::string_view digits = text;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      std::string(what) + " must be an integer in the 64-bit range, got '" +
                          std::string(text) + "'");
  }
  return value;
}

core::Result<std::uint64_t> parse_size(std::string_view text, std::string_view what) {
  auto bad = [&] {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      std::string(what) + " must be a positive size like 256M, 1G or 65536, got '" +
                          std::string(text) + "'");
  };
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return bad();
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc()) return bad();
  std::string unit;
  for (char c : text.substr(digits)) unit += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (unit.ends_with("IB"))
    unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.ends_with("B"))
    unit.resize(unit.size() - 1);
  int shift = 0;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "K")
    shift = 10;
  else if (unit == "M")
    shift = 20;
  else if (unit == "G")
    shift = 30;
  else if (unit == "T")
    shift = 40;
  else
    return bad();
  if (number == 0 || number > (std::numeric_limits<std::uint64_t>::max() >> shift)) return bad();
  return number << shift;
}

}  // namespace dorky
