// Built-in search engine profiles: which operators each engine understands and its query
// limits. Documented in dorky/docs/engine-profiles.md. These are dorky's own small table
// for now; they should later come from the dorkgen engine's profiles so both systems agree.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace dorky {

struct EngineProfile {
  std::string_view name;                    // "google"
  std::vector<std::string_view> operators;  // lowercase, without ':'
  std::size_t max_terms;                    // words the engine considers
  std::size_t max_chars;                    // characters (UTF-8 code points) in a query

  bool knows(std::string_view lowercase_operator) const;
};

// google, bing, duckduckgo (alias ddg), yandex; nullopt for anything else.
std::optional<EngineProfile> find_engine_profile(std::string_view name);

// "google, bing, duckduckgo, yandex", for messages.
std::string_view engine_names();

}  // namespace dorky
