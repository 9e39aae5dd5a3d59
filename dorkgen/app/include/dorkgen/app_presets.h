// Preset discovery and layering, the same for every front end (the CLI and dorkgen-pro).
// The search path is: the shipped library ($DORKGEN_PRESETS_DIR, else
// <executable>/../share/dorkgen/presets), then the user's ($XDG_CONFIG_HOME/dorkgen/presets or
// ~/.config/dorkgen/presets, when it exists), then the directories the configuration names.
// Later directories override earlier ones file by file (see dorkgen/preset_library.h).
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "core/status.h"
#include "dorkgen/config.h"
#include "dorkgen/preset_library.h"

namespace dorkgen {

// The shipped library, or nullopt when neither the variable nor the install layout has one.
std::optional<std::filesystem::path> shipped_presets_dir();

// The user's preset directory when it exists.
std::optional<std::filesystem::path> user_presets_dir();

// Checks a directory named by the user before loading it: fails with kInvalidArgument
// ("<path>: is not a directory ...") for an existing non-directory. A missing path is left to
// PresetLibrary::load, which names it.
core::Status check_preset_dir(const std::filesystem::path& dir);

// Shipped, user, then `extra`. Fails with kNotFound when the list would be empty, and as
// check_preset_dir() for a bad entry of `extra`.
core::Result<std::vector<std::filesystem::path>> preset_search_path(
    const std::vector<std::filesystem::path>& extra);

// Loads `dirs` exactly (no shipped or user directory), checking each first.
core::Result<PresetLibrary> load_presets_from(const std::vector<std::filesystem::path>& dirs);

// Loads the search path for `extra`. Errors are kInvalidArgument or kNotFound and name the
// file and line of a preset problem.
core::Result<PresetLibrary> load_presets(const std::vector<std::filesystem::path>& extra);

// Loads the presets `config` names and builds its plan; `notes` says what was adapted to the
// engine profile. Nothing is generated or written.
core::Result<BuiltPlan> load_plan(const GeneratorConfig& config);

}  // namespace dorkgen
