#include "dorkgen/app_settings.h"

#include "dorkgen/targets.h"

namespace dorkgen {

core::Result<GeneratorConfig> resolve_config(const SettingOverrides& overrides) {
  GeneratorConfig config;
  if (overrides.config_file) {
    auto loaded = load_config_file(*overrides.config_file, config);
    if (!loaded) return core::fail(loaded.error());
    config = std::move(*loaded);
  }
  auto set = [&](const char* key, const std::string& value) -> core::Status {
    auto applied = apply_setting(config, key, value);
    if (!applied) return core::fail(applied.error().with_context(std::string("--") + key));
    return core::ok_status();
  };
  auto set_scalar = [&](const char* key, const std::optional<std::string>& value) {
    return value ? set(key, *value) : core::ok_status();
  };
  if (!overrides.keywords.empty()) config.keywords.clear();
  if (!overrides.filetypes.empty()) config.filetypes.clear();
  if (!overrides.types.empty()) config.query_types.clear();
  for (const std::string& k : overrides.keywords) CORE_RETURN_IF_ERROR(set("keyword", k));
  for (const std::string& f : overrides.filetypes) CORE_RETURN_IF_ERROR(set("filetype", f));
  for (const std::string& t : overrides.types) CORE_RETURN_IF_ERROR(set("type", t));
  if (!overrides.sites.empty() || overrides.sites_file) config.sites.clear();
  for (const std::string& t : overrides.sites) CORE_RETURN_IF_ERROR(set("site", t));
  if (overrides.sites_file) {
    auto targets = read_targets_file(*overrides.sites_file);
    if (!targets) return core::fail(targets.error().with_context("--sites"));
    for (const std::string& t : *targets) {
      auto applied = apply_setting(config, "site", t);
      if (!applied) {
        return core::fail(applied.error().with_context("--sites " + *overrides.sites_file));
      }
    }
  }
  for (const std::string& p : overrides.presets) CORE_RETURN_IF_ERROR(set("presets", p));
  CORE_RETURN_IF_ERROR(set_scalar("engine", overrides.engine));
  CORE_RETURN_IF_ERROR(set_scalar("size", overrides.size));
  CORE_RETURN_IF_ERROR(set_scalar("seed", overrides.seed));
  CORE_RETURN_IF_ERROR(set_scalar("format", overrides.format));
  CORE_RETURN_IF_ERROR(set_scalar("memory", overrides.memory));
  return config;
}

}  // namespace dorkgen
