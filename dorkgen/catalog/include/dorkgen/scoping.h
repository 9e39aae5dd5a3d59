// Target scoping (`dorkgen generate --site example.com`): every chosen template gets the
// engine's site operator over the reserved pool {target}, whose values are the targets, so the
// plan spans queries x targets exactly and sampling, dedup, seeds and sizes work unchanged.
// A template's own site: and -site: terms are replaced by the target (pagodo's behaviour: the
// dork, on the target); a template that is nothing but such a scope, or that has one inside a
// ( ) group, is left out, and one that becomes the same text as another is kept once, so the
// space still counts distinct queries exactly. dorkgen/docs/cli.md ("Target scoping")
// documents the rules.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "dorkgen/engine_profiles.h"
#include "dorkgen/plan.h"

namespace dorkgen {

// The placeholder (and pool) the targets fill.
inline constexpr const char* kTargetPool = "target";

// Prefixes every template of `sources` with "<site operator>:{target} " after removing its own
// site terms (as above; one note per kind of change, naming the templates), and replaces or
// adds the {target} pool in `pools` with `targets` (normalised, distinct: dorkgen/targets.h).
// Does nothing for empty `targets`. Fails with kInvalidArgument when the engine has no site
// operator, or when no template is left.
core::Status scope_to_targets(const EngineProfile& profile, const std::vector<std::string>& targets,
                              std::vector<TemplateSource>& sources, std::vector<Pool>& pools,
                              std::vector<std::string>& notes);

}  // namespace dorkgen
