#include "dorkgen/app_presets.h"

#include <cstdlib>
#include <system_error>

namespace dorkgen {

namespace fs = std::filesystem;

std::optional<fs::path> shipped_presets_dir() {
  if (const char* env = std::getenv("DORKGEN_PRESETS_DIR"); env != nullptr && *env != 0) {
    return fs::path(env);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path candidate = exe.parent_path().parent_path() / "share" / "dorkgen" / "presets";
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::optional<fs::path> user_presets_dir() {
  fs::path user;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    user = fs::path(xdg) / "dorkgen" / "presets";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != 0) {
    user = fs::path(home) / ".config" / "dorkgen" / "presets";
  }
  std::error_code ec;
  if (!user.empty() && fs::is_directory(user, ec)) return user;
  return std::nullopt;
}

core::Status check_preset_dir(const fs::path& dir) {
  std::error_code ec;
  fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        dir.string() + ": is not a directory (a preset directory holds pools/ and templates/)");
  }
  return core::ok_status();
}

core::Result<std::vector<fs::path>> preset_search_path(const std::vector<fs::path>& extra) {
  std::vector<fs::path> dirs;
  if (auto shipped = shipped_presets_dir()) dirs.push_back(*shipped);
  if (auto user = user_presets_dir()) dirs.push_back(*user);
  for (const fs::path& dir : extra) {
    CORE_RETURN_IF_ERROR(check_preset_dir(dir));
    dirs.push_back(dir);
  }
  if (dirs.empty()) {
    return core::fail(core::ErrorCode::kNotFound,
                      "no preset directory: the shipped presets were not found next to the "
                      "executable; set DORKGEN_PRESETS_DIR or pass --presets DIR");
  }
  return dirs;
}

core::Result<PresetLibrary> load_presets_from(const std::vector<fs::path>& dirs) {
  for (const fs::path& dir : dirs) CORE_RETURN_IF_ERROR(check_preset_dir(dir));
  auto library = PresetLibrary::load(dirs);
  if (!library) return core::fail(core::ErrorCode::kInvalidArgument, library.error().message());
  return library;
}

core::Result<PresetLibrary> load_presets(const std::vector<fs::path>& extra) {
  auto dirs = preset_search_path(extra);
  if (!dirs) return core::fail(dirs.error());
  return load_presets_from(*dirs);
}

core::Result<BuiltPlan> load_plan(const GeneratorConfig& config) {
  auto library = load_presets(config.preset_dirs);
  if (!library) return core::fail(library.error());
  return build_plan(*library, config);
}

}  // namespace dorkgen
