// Small plans shared by the engine tests.
#pragma once

#include <string>
#include <vector>

#include "dorkgen/plan.h"

namespace dorkgen::testing {

inline Pool make_pool(std::string name, std::vector<std::string> values) {
  return Pool{std::move(name), std::move(values), "test"};
}

inline TemplateSource make_template(const std::string& text, std::string type = "test") {
  auto parsed = Template::parse(text);
  CORE_CHECK(parsed.has_value());
  return TemplateSource{std::move(type), "test:" + text, std::move(*parsed)};
}

// Builds a plan from pools and template texts; aborts on error (tests only).
inline Plan make_plan(std::vector<Pool> pools, const std::vector<std::string>& texts) {
  std::vector<TemplateSource> templates;
  for (const std::string& text : texts) templates.push_back(make_template(text));
  auto plan = Plan::create(std::move(pools), std::move(templates));
  CORE_CHECK(plan.has_value());
  return std::move(*plan);
}

}  // namespace dorkgen::testing
