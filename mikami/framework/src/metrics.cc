#include "mikami/framework/metrics.h"

#include <array>
#include <cstdio>
#include <set>

namespace mikami::framework {
namespace {

constexpr std::array<double, 13> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1,     2.5,  10};

std::string escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string labels_text(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    out += (out.size() > 1 ? "," : "") + k + "=\"" + escape(v) + "\"";
  }
  if (!extra.empty()) out += (out.size() > 1 ? "," : "") + extra;
  return out + "}";
}

std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

void Metrics::add(const std::string& name, const Labels& labels, double amount) {
  std::lock_guard lock(mutex_);
  counters_[{name, labels}] += amount;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  gauges_[{name, labels}] = value;
}

void Metrics::observe(const std::string& name, const Labels& labels,
                      std::chrono::nanoseconds value) {
  const double seconds = std::chrono::duration<double>(value).count();
  std::lock_guard lock(mutex_);
  Histogram& h = histograms_[{name, labels}];
  if (h.buckets.empty()) h.buckets.assign(kBounds.size(), 0);
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

void Metrics::describe(const std::string& name, std::string help) {
  std::lock_guard lock(mutex_);
  help_[name] = std::move(help);
}

double Metrics::counter(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find({name, labels});
  return it == counters_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
  std::vector<Collector> collectors;
  std::map<Key, double> counters, gauges;
  std::map<Key, Histogram> histograms;
  std::map<std::string, std::string> help;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
    counters = counters_;
    gauges = gauges_;
    histograms = histograms_;
    help = help_;
  }
  // Collectors run outside the lock: they may take other components' locks.
  std::vector<Sample> extra_counters, extra_gauges;
  for (const auto& c : collectors) c(extra_counters, extra_gauges);
  for (auto& s : extra_counters) counters[{s.name, s.labels}] += s.value;
  for (auto& s : extra_gauges) gauges[{s.name, s.labels}] = s.value;
  for (const auto* samples : {&extra_counters, &extra_gauges}) {
    for (const Sample& s : *samples) {
      if (!s.help.empty()) help.emplace(s.name, s.help);
    }
  }
  std::string out;
  std::set<std::string> typed;
  auto header = [&](const std::string& name, const char* type) {
    if (!typed.insert(name).second) return;
    if (auto it = help.find(name); it != help.end())
      out += "# HELP " + name + " " + it->second + "\n";
    out += "# TYPE " + name + " " + type + "\n";
  };
  for (const auto& [key, value] : counters) {
    header(key.first, "counter");
    out += key.first + labels_text(key.second) + " " + number(value) + "\n";
  }
  for (const auto& [key, value] : gauges) {
    header(key.first, "gauge");
    out += key.first + labels_text(key.second) + " " + number(value) + "\n";
  }
  for (const auto& [key, h] : histograms) {
    header(key.first, "histogram");
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
      out += key.first + "_bucket" + labels_text(key.second, "le=\"" + number(kBounds[i]) + "\"") +
             " " + std::to_string(h.buckets[i]) + "\n";
    }
    out += key.first + "_bucket" + labels_text(key.second, "le=\"+Inf\"") + " " +
           std::to_string(h.count) + "\n";
    out += key.first + "_sum" + labels_text(key.second) + " " + number(h.sum) + "\n";
    out += key.first + "_count" + labels_text(key.second) + " " + std::to_string(h.count) + "\n";
  }
  return out;
}

}  // namespace mikami::framework
