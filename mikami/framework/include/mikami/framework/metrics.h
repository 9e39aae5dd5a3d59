// Counters, gauges and histograms with labels, rendered in Prometheus' text exposition
// format (version 0.0.4). The pipeline records into it; the app adds collectors that
// read other components' counters (REST, gateway, cache) at scrape time and serves the
// text on /metrics. Thread safe; recording takes one short lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mikami::framework {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Collectors append samples when render() runs: (name, labels, value) of type `type`,
  // and the help text of `name` when describe() gave none (one sample of a name suffices).
  struct Sample {
    std::string name;
    Labels labels;
    double value = 0;
    std::string help{};
  };
  using Collector = std::function<void(std::vector<Sample>& counters, std::vector<Sample>& gauges)>;

  void add(const std::string& name, const Labels& labels, double amount = 1);  // counter
  void set(const std::string& name, const Labels& labels, double value);       // gauge
  // Histogram of seconds, with buckets from 0.5 ms to 10 s.
  void observe(const std::string& name, const Labels& labels, std::chrono::nanoseconds value);
  void add_collector(Collector collector);
  // Help text shown for `name` (optional).
  void describe(const std::string& name, std::string help);

  // A counter's current value (tests), 0 when never recorded.
  double counter(const std::string& name, const Labels& labels) const;
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;  // cumulative counts per bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  using Key = std::pair<std::string, Labels>;
  mutable std::mutex mutex_;
  std::map<Key, double> counters_;       // guarded by mutex_
  std::map<Key, double> gauges_;         // guarded by mutex_
  std::map<Key, Histogram> histograms_;  // guarded by mutex_
  std::map<std::string, std::string> help_;
  std::vector<Collector> collectors_;
};

}  // namespace mikami::framework
