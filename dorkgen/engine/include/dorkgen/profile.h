// Search engine profiles: which operators an engine understands, how long a query may be, and
// how many terms it honours. Templates are checked against the chosen profile before generation;
// an operator the engine lacks is translated when it has an equivalent (Yandex `mime:` for
// Google's `filetype:`) and the template is rejected, with the reason, when it has none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "dorkgen/plan.h"

namespace dorkgen {

struct EngineProfile {
  std::string name;
  std::vector<std::string> operators;                             // without the colon
  std::vector<std::pair<std::string, std::string>> translations;  // from -> to
  std::size_t max_query_bytes = 2048;
  std::size_t max_terms = 32;  // terms past this are ignored by the engine
};

// The built-in profiles: google, bing, duckduckgo, yandex.
const std::vector<EngineProfile>& engine_profiles();
// nullptr for an unknown name.
const EngineProfile* find_engine_profile(std::string_view name);

// The operators a template uses: "name" for every `name:` that starts a term (after the start,
// a space, '(' or '-') outside quoted phrases, in order of appearance.
std::vector<std::string> operators_in(const Template& parsed);

// Outcome of adapting a template to an engine.
struct Adaptation {
  bool accepted = false;
  TemplateSource source;  // rewritten when an operator was translated
  std::string note;       // why it was translated or rejected ("" when unchanged)
};

// Rewrites translatable operators and rejects templates with an operator the engine lacks.
Adaptation adapt_template(const EngineProfile& profile, const TemplateSource& source);

// Length and term-count checks that need the pools: the longest rendering and the most terms a
// template can produce. Returns one note per template that breaks a limit ("<origin>: ...").
std::vector<std::string> limit_violations(const EngineProfile& profile, const Plan& plan);

}  // namespace dorkgen
