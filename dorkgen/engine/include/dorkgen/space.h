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
};

struct SpaceReport {
  std::vector<TemplateSpace> templates;
  u128 total = 0;         // exact number of (template, value tuple) pairs
  u128 requested = 0;     // the size asked for
  bool fits = true;       // requested <= total
  u128 shortfall = 0;     // requested - total when !fits
  double fill_ratio = 0;  // requested / total
  // Naive sampling (uniform draws with replacement) of `requested` queries: the expected share
  // of draws that repeat an earlier one, and the probability of at least one repeat. Sampling
  // without replacement (what the engine does) has neither problem; these say how far from
  // safe a naive generator would be.
  double naive_duplicate_rate = 0;
  double naive_any_collision_probability = 0;
};

// Exact counts come from the plan; only the two rates are floating point.
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
