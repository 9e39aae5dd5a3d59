#include "dorkgen/space.h"

#include <cmath>
#include <cstdio>

#include "dorkgen/json.h"

namespace dorkgen {

SpaceReport analyse_space(const Plan& plan, u128 requested) {
  SpaceReport report;
  for (const PlanTemplate& t : plan.templates()) {
    report.templates.push_back(
        TemplateSpace{t.source.query_type, t.source.origin, t.source.parsed.text(), t.count});
  }
  report.total = plan.total();
  report.requested = requested;
  report.fits = requested <= report.total;
  report.shortfall = report.fits ? 0 : requested - report.total;
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
  for (const TemplateSpace& t : report.templates) {
    out += format_count(t.count) + "  [" + t.query_type + "] " + t.text + "\n";
  }
  out += "total: " + format_count(report.total) + " in " + std::to_string(report.templates.size()) +
         (report.templates.size() == 1 ? " template\n" : " templates\n");
  if (report.requested == 0) return out;
  out += "requested: " + format_count(report.requested) + " (" + percent(report.fill_ratio) +
         " of the space)\n";
  if (!report.fits) {
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
                    "\",\"fits\":" + (report.fits ? "true" : "false") + ",\"shortfall\":\"" +
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
    append_json_string(out, t.query_type);
    out += ",\"origin\":";
    append_json_string(out, t.origin);
    out += ",\"template\":";
    append_json_string(out, t.text);
    out += ",\"count\":\"" + to_decimal(t.count) + "\"}";
  }
  out += "]}";
  return out;
}

}  // namespace dorkgen
