#include "dorkgen/space.h"

#include <cmath>
#include <cstdio>

#include "core/json_string.h"
#include "dorkgen/exhaustive.h"

namespace dorkgen {

SpaceReport analyse_space(const Plan& plan, u128 requested) {
  SpaceReport report;
  // A template's own count is exact when its renderings are provably distinct; the total also
  // needs every pair of templates provably apart.
  const std::vector<bool> unique = templates_rendering_uniquely(plan);
  const std::vector<bool> needs_dedup = templates_needing_dedup(plan);
  for (std::size_t i = 0; i < plan.templates().size(); ++i) {
    const PlanTemplate& t = plan.templates()[i];
    report.templates.push_back(TemplateSpace{t.source.query_type, t.source.origin,
                                             t.source.parsed.text(), t.count, unique[i]});
    if (needs_dedup[i]) report.exact = false;
  }
  report.total = plan.total();
  report.requested = requested;
  const bool within = requested <= report.total;
  report.fits = within && report.exact;
  report.may_fit = within && !report.exact;
  report.shortfall = within ? 0 : requested - report.total;
  const long double n = static_cast<long double>(report.total);
  const long double k = static_cast<long double>(requested);
  report.fill_ratio = static_cast<double>(k / n);
  if (requested > 0) {
    // Expected distinct values among k uniform draws from n: n * (1 - (1 - 1/n)^k).
    long double distinct = -n * std::expm1(k * std::log1p(-1.0L / n));
    if (report.total == 1) distinct = 1;
    report.naive_duplicate_rate = static_cast<double>(1.0L - distinct / k);
    // Birthday bound: P(any repeat) = 1 - exp(-k(k-1)/2n).
    report.naive_any_collision_probability =
        static_cast<double>(-std::expm1(-k * (k - 1) / (2 * n)));
  }
  return report;
}

std::string format_number(u128 value) {
  std::string digits = to_decimal(value);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped;
}

std::string format_count(u128 value) {
  return format_number(value) + (value == 1 ? " query" : " queries");
}

namespace {

std::string percent(double share) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g%%", share * 100);
  return buffer;
}

}  // namespace

std::string describe(const SpaceReport& report) {
  std::string out;
  std::size_t inexact = 0;
  for (const TemplateSpace& t : report.templates) {
    out += (t.exact ? "" : "at most ") + format_count(t.count) + "  [" + t.query_type + "] " +
           t.text + "\n";
    if (!t.exact) ++inexact;
  }
  out += "total: " + format_count(report.total) + " in " + std::to_string(report.templates.size()) +
         (report.templates.size() == 1 ? " template" : " templates");
  if (!report.exact) {
    out += inexact == 0 ? " (an upper bound: two templates may render the same query)"
                        : " (an upper bound: " + std::to_string(inexact) +
                              (inexact == 1 ? " template" : " templates") +
                              " may render the same query from different values)";
  }
  out += "\n";
  if (report.requested == 0) return out;
  out += "requested: " + format_count(report.requested) + " (" + percent(report.fill_ratio) +
         " of the space)\n";
  if (report.may_fit) {
    out += "it may not fit: the space holds at most " + format_number(report.total) +
           " distinct queries; generation stops with an error if there are fewer than "
           "requested\n";
  }
  if (report.shortfall > 0) {
    out += "the space is " + format_count(report.shortfall) +
           " short of the requested size: add values to the pools, select more query types, or "
           "lower --size\n";
    return out;
  }
  out += "naive random sampling would repeat " + percent(report.naive_duplicate_rate) +
         " of its draws (P(any repeat) = " + percent(report.naive_any_collision_probability) +
         "); dorkgen samples without replacement\n";
  return out;
}

std::string to_json(const SpaceReport& report) {
  std::string out = "{\"total\":\"" + to_decimal(report.total) + "\",\"requested\":\"" +
                    to_decimal(report.requested) +
                    "\",\"exact\":" + (report.exact ? "true" : "false") +
                    ",\"fits\":" + (report.fits ? "true" : "false") +
                    ",\"may_fit\":" + (report.may_fit ? "true" : "false") + ",\"shortfall\":\"" +
                    to_decimal(report.shortfall) + "\"";
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                ",\"fill_ratio\":%.17g,\"naive_duplicate_rate\":%.17g,"
                "\"naive_any_collision_probability\":%.17g",
                report.fill_ratio, report.naive_duplicate_rate,
                report.naive_any_collision_probability);
  out += buffer;
  out += ",\"templates\":[";
  for (std::size_t i = 0; i < report.templates.size(); ++i) {
    const TemplateSpace& t = report.templates[i];
    if (i) out += ',';
    out += "{\"query_type\":";
    core::append_json_string(out, t.query_type);
    out += ",\"origin\":";
    core::append_json_string(out, t.origin);
    out += ",\"template\":";
    core::append_json_string(out, t.text);
    out += ",\"count\":\"" + to_decimal(t.count) + "\",\"exact\":";
    out += t.exact ? "true}" : "false}";
  }
  out += "]}";
  return out;
}

}  // namespace dorkgen
