#include "dorky/engine_profile.h"

namespace dorky {

std::optional<EngineProfile> find_engine_profile(std::string_view name) {
  if (name == "ddg") name = "duckduckgo";
  const dorkgen::EngineProfile* engine = dorkgen::find_engine_profile(name);
  if (engine == nullptr) return std::nullopt;
  return EngineProfile{engine, engine->name, engine->max_terms, engine->max_query_bytes};
}

std::string engine_names() {
  std::string names;
  for (const dorkgen::EngineProfile& engine : dorkgen::engine_profiles()) {
    if (!names.empty()) names += ", ";
    names += engine.name;
  }
  return names;
}

}  // namespace dorky
