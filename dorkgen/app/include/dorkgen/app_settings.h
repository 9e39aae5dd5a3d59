// Config resolution, the same for every front end: an optional config file, then the values a
// front end's flags or fields give, which replace the file's (lists are replaced whole, not
// appended to). Every value goes through apply_setting(), so a flag, a field and a config-file
// line accept and refuse exactly the same text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "dorkgen/config.h"

namespace dorkgen {

// What the user gave; nullopt or an empty list means "not given". An empty string that was
// given (`-k ""`) is refused rather than ignored.
struct SettingOverrides {
  std::optional<std::string> config_file;
  std::vector<std::string> presets, types, keywords, filetypes;
  std::vector<std::string> sites;         // --site, one target each
  std::optional<std::string> sites_file;  // --sites FILE: one target a line (targets.h)
  std::optional<std::string> engine, size, seed, format, memory;
};

// Fails with the config file's error, or with kInvalidArgument naming the flag
// ("--seed: seed '-1' is out of range ...") for a bad value. --site and --sites together
// replace the file's targets (the --site ones first); a target given twice is refused.
core::Result<GeneratorConfig> resolve_config(const SettingOverrides& overrides);

}  // namespace dorkgen
