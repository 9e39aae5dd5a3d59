#include "dorkgen/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "dorkgen/targets.h"

namespace dorkgen {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

core::Error invalid(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

void append_list(std::vector<std::string>& list, std::string_view value) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = trim(value.substr(start, comma - start));
    if (!item.empty()) list.emplace_back(item);
    start = comma + 1;
  }
}

}  // namespace

core::Result<std::size_t> parse_byte_size(std::string_view text) {
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    return core::fail(invalid("'" + std::string(text) + "' is not a size (e.g. 512MiB, 2GiB)"));
  }
  std::string_view unit = trim(std::string_view(end, text.data() + text.size() - end));
  std::uint64_t scale = 1;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "KiB" || unit == "K") {
    scale = 1ull << 10;
  } else if (unit == "MiB" || unit == "M") {
    scale = 1ull << 20;
  } else if (unit == "GiB" || unit == "G") {
    scale = 1ull << 30;
  } else if (unit == "TiB" || unit == "T") {
    scale = 1ull << 40;
  } else if (unit == "KB") {
    scale = 1000;
  } else if (unit == "MB") {
    scale = 1000'000;
  } else if (unit == "GB") {
    scale = 1000'000'000;
  } else {
    return core::fail(invalid("unknown size unit '" + std::string(unit) +
                              "' (use B, KiB, MiB, GiB, TiB, KB, MB or GB)"));
  }
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(number, scale, &bytes)) {
    return core::fail(invalid("size '" + std::string(text) + "' is too large"));
  }
  return static_cast<std::size_t>(bytes);
}

core::Status apply_setting(GeneratorConfig& config, std::string_view key, std::string_view value) {
  if (value.empty()) return core::fail(invalid("'" + std::string(key) + "' has an empty value"));
  if (key == "keyword") {
    config.keywords.emplace_back(value);
  } else if (key == "filetype") {
    append_list(config.filetypes, value);
  } else if (key == "type") {
    append_list(config.query_types, value);
  } else if (key == "site") {
    auto target = normalize_target(value);
    if (!target) return core::fail(target.error());
    if (std::find(config.sites.begin(), config.sites.end(), *target) != config.sites.end()) {
      return core::fail(invalid("duplicate target '" + *target + "'"));
    }
    config.sites.push_back(std::move(*target));
  } else if (key == "engine") {
    config.engine = std::string(value);
  } else if (key == "size") {
    // Digits with an optional K, M or G (thousands, millions, billions): "5000", "10M".
    std::string_view digits = value;
    u128 scale = 1;
    switch (digits.back()) {
      case 'K':
      case 'k':
        scale = 1000;
        break;
      case 'M':
      case 'm':
        scale = 1000'000;
        break;
      case 'G':
      case 'g':
        scale = 1000'000'000;
        break;
      default:
        break;
    }
    if (scale != 1) digits.remove_suffix(1);
    auto size = parse_decimal(digits);
    std::optional<u128> scaled = size ? checked_mul(*size, scale) : std::nullopt;
    if (!scaled) {
      return core::fail(invalid("size '" + std::string(value) +
                                "' is not a number (digits, optionally followed by K, M or G)"));
    }
    config.size = *scaled;
  } else if (key == "seed") {
    // Neither wrapped nor saturated: a seed outside the range would silently alias another.
    constexpr const char* kRange = "a seed is a whole number from 0 to 18446744073709551615";
    std::uint64_t seed = 0;
    std::string_view digits = value.front() == '-' ? value.substr(1) : value;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seed);
    bool whole = end == digits.data() + digits.size() && ec != std::errc::invalid_argument;
    if (!whole) {
      return core::fail(invalid("seed '" + std::string(value) + "' is not a number: " + kRange));
    }
    if (ec == std::errc::result_out_of_range || digits.size() != value.size()) {
      return core::fail(invalid("seed '" + std::string(value) + "' is out of range: " + kRange));
    }
    config.seed = seed;
  } else if (key == "format") {
    auto format = parse_output_format(value);
    if (!format) {
      return core::fail(
          invalid("format '" + std::string(value) + "' is not one of lines, jsonl, csv"));
    }
    config.format = *format;
  } else if (key == "memory") {
    auto bytes = parse_byte_size(value);
    if (!bytes) return core::fail(bytes.error());
    config.memory_budget_bytes = *bytes;
  } else if (key == "presets") {
    config.preset_dirs.emplace_back(std::string(value));
  } else {
    return core::fail(invalid("unknown key '" + std::string(key) +
                              "' (keyword, filetype, type, site, engine, size, seed, format, "
                              "memory, presets)"));
  }
  return core::ok_status();
}

core::Result<std::string> config_to_text(const GeneratorConfig& config) {
  std::string out = "# dorkgen configuration (dorkgen generate --config FILE)\n";
  auto line = [&](std::string_view key, std::string_view value, bool list) -> core::Status {
    bool blank_edge = !value.empty() && (trim(value).size() != value.size());
    if (value.empty() || blank_edge || value.find_first_of("\r\n") != std::string_view::npos ||
        (list && value.find(',') != std::string_view::npos)) {
      return core::fail(invalid("'" + std::string(value) + "' cannot be written as a '" +
                                std::string(key) + "' line of a config file"));
    }
    out += std::string(key) + " = " + std::string(value) + "\n";
    return core::ok_status();
  };
  for (const std::string& k : config.keywords) CORE_RETURN_IF_ERROR(line("keyword", k, false));
  for (const std::string& f : config.filetypes) CORE_RETURN_IF_ERROR(line("filetype", f, true));
  for (const std::string& t : config.query_types) CORE_RETURN_IF_ERROR(line("type", t, true));
  for (const std::string& t : config.sites) CORE_RETURN_IF_ERROR(line("site", t, false));
  for (const auto& p : config.preset_dirs) CORE_RETURN_IF_ERROR(line("presets", p.string(), false));
  CORE_RETURN_IF_ERROR(line("engine", config.engine, false));
  if (config.size) CORE_RETURN_IF_ERROR(line("size", to_decimal(*config.size), false));
  CORE_RETURN_IF_ERROR(line("seed", std::to_string(config.seed), false));
  CORE_RETURN_IF_ERROR(line("format", to_string(config.format), false));
  if (config.memory_budget_bytes != GeneratorConfig{}.memory_budget_bytes) {
    CORE_RETURN_IF_ERROR(line("memory", std::to_string(config.memory_budget_bytes), false));
  }
  return out;
}

core::Result<GeneratorConfig> load_config_file(const std::filesystem::path& path,
                                               GeneratorConfig base) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      path.string() + ": config file does not exist or is not a file");
  }
  std::ifstream in(path);
  if (!in) return core::fail(core::ErrorCode::kIo, path.string() + ": cannot read config file");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    std::size_t equals = text.find('=');
    std::string where = path.string() + ":" + std::to_string(number) + ": ";
    if (equals == std::string_view::npos) {
      return core::fail(invalid(where + "expected 'key = value'"));
    }
    auto applied = apply_setting(base, trim(text.substr(0, equals)), trim(text.substr(equals + 1)));
    if (!applied)
      return core::fail(applied.error().with_context(where.substr(0, where.size() - 2)));
  }
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path.string() + ": read error");
  return base;
}

}  // namespace dorkgen
