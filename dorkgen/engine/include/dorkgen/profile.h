// Search engine profiles applied to templates (the profiles themselves are in
// dorkgen/engine_profiles.h, shared with dorky). Templates are checked against the chosen profile
// before generation; an operator the engine lacks is translated when it has an equivalent (Yandex
// `mime:` for Google's `filetype:`) and the template is rejected, with the reason, when it has
// none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "dorkgen/engine_profiles.h"  // EngineProfile, engine_profiles(), find_engine_profile()
#include "dorkgen/plan.h"

namespace dorkgen {

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
