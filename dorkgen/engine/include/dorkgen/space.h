// Space analysis: how many distinct queries a plan can produce, and what asking for `size` of
// them means, computed before any generation starts.
#pragma once

#include <string>
#include <vector>

#include "dorkgen/plan.h"
#include "dorkgen/uint128.h"

namespace dorkgen {

struct TemplateSpace {
  std::string query_type;
  std::string origin;
  std::string text;
  u128 count = 0;
  // count is the number of distinct queries of this template (every value tuple provably
  // renders its own string); otherwise it is an upper bound, as renderings may collide.
  bool exact = true;
};

struct SpaceReport {
  std::vector<TemplateSpace> templates;
  u128 total = 0;  // exact number of (template, value tuple) pairs
  // total is also the number of distinct queries (every template exact, and no two templates
  // able to render the same string); else an upper bound.
  bool exact = true;
  u128 requested = 0;  // the size asked for
  // requested <= total and total is exact: the request provably fits. When total is only an
  // upper bound, a request within it may still not fit (may_fit), and is never said to fit.
  bool fits = true;
  bool may_fit = false;   // requested <= total, but total is an upper bound
  u128 shortfall = 0;     // requested - total when requested > total (short in any case)
  double fill_ratio = 0;  // requested / total
  // Naive sampling (uniform draws with replacement) of `requested` queries: the expected share
  // of draws that repeat an earlier one, and the probability of at least one repeat. Sampling
  // without replacement (what the engine does) has neither problem; these say how far from
  // safe a naive generator would be.
  double naive_duplicate_rate = 0;
  double naive_any_collision_probability = 0;
};

// Exact counts come from the plan; only the two rates are floating point. A template is
// exact when the exhaustive mode's uniqueness proof covers it (see dorkgen/exhaustive.h).
SpaceReport analyse_space(const Plan& plan, u128 requested);

// "12,345,678".
std::string format_number(u128 value);
// "1 query", "12,345,678 queries".
std::string format_count(u128 value);

// One-paragraph human-readable report (what `dorkgen space` prints).
std::string describe(const SpaceReport& report);
// The same report as a JSON object (counts as decimal strings: they may exceed 2^53).
std::string to_json(const SpaceReport& report);

}  // namespace dorkgen
