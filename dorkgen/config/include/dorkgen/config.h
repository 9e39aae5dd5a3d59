// Generation configuration: what the user asked for, from a config file and/or flags. It is
// plain data; the presets layer turns it into a Plan and the engine only ever reads that.
// The file format is documented in dorkgen/docs/presets.md ("Config files").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dorkgen/output.h"
#include "dorkgen/uint128.h"

namespace dorkgen {

struct GeneratorConfig {
  std::vector<std::string> keywords;     // replace the `keyword` pool when not empty
  std::vector<std::string> filetypes;    // replace the `filetype` pool when not empty
  std::vector<std::string> query_types;  // template files to use; empty = all
  // Targets (normalised domains, distinct): every query is scoped to each one with the
  // engine's site operator (dorkgen/docs/cli.md, "Target scoping"); empty = no scoping.
  std::vector<std::string> sites;
  std::string engine = "google";
  std::optional<u128> size;
  std::uint64_t seed = 0;
  OutputFormat format = OutputFormat::kLines;
  std::size_t memory_budget_bytes = std::size_t{1} << 30;
  std::vector<std::filesystem::path> preset_dirs;  // user preset directories, later ones win
};

// Reads `key = value` lines into a copy of `base` (list keys append, scalar keys replace).
// Fails with kNotFound/kIo when the file cannot be read and with kInvalidArgument, naming
// "<path>:<line>: <reason>", for an unknown key, a missing '=', or a bad value.
core::Result<GeneratorConfig> load_config_file(const std::filesystem::path& path,
                                               GeneratorConfig base);

// Applies one `key`/`value` pair (the same keys as the file). Error messages carry no location;
// callers add it.
core::Status apply_setting(GeneratorConfig& config, std::string_view key, std::string_view value);

// The config file that load_config_file() reads back as `config` (with the default config as
// base): one `keyword`, `filetype`, `type`, `site` and `presets` line per entry, then the scalar
// keys.
// Fails with kInvalidArgument for a value the format cannot hold (a comma inside a file type or
// query type, a line break, or leading or trailing blanks).
core::Result<std::string> config_to_text(const GeneratorConfig& config);

// "1048576", "512KiB", "64MiB", "2GiB" (also KB/MB/GB as powers of 1000) -> bytes.
core::Result<std::size_t> parse_byte_size(std::string_view text);

}  // namespace dorkgen
