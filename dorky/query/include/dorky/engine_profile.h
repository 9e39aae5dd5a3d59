// Search engine profiles for dorky-check: dorkgen's profiles (dorkgen/engine_profiles.h, the
// one definition generation and linting share), looked up by name, with limits a user may
// override. Documented in dorky/docs/engine-profiles.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "dorkgen/engine_profiles.h"

namespace dorky {

struct EngineProfile {
  const dorkgen::EngineProfile* engine = nullptr;  // one of dorkgen::engine_profiles()
  std::string_view name;                           // engine->name
  std::size_t max_terms = 0;                       // engine->max_terms unless overridden
  std::size_t max_bytes = 0;                       // engine->max_query_bytes unless overridden

  bool knows(std::string_view lowercase_operator) const {
    return engine->knows(lowercase_operator);
  }
  // The engine's own spelling of an operator it lacks ("mime" for yandex's "filetype"), or "".
  std::string_view translation(std::string_view lowercase_operator) const {
    return engine->translation(lowercase_operator);
  }
};

// google, bing, duckduckgo (alias ddg), yandex: every dorkgen profile; nullopt otherwise.
std::optional<EngineProfile> find_engine_profile(std::string_view name);

// "google, bing, duckduckgo, yandex", for messages.
std::string engine_names();

}  // namespace dorky
