// The server's counters, printed in Prometheus' text format on /metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace autobets::http_api {

class Metrics {
 public:
  // One finished request: its HTTP status and how long it took from its first byte.
  void record(unsigned status, std::chrono::nanoseconds elapsed);
  void connection_opened() {
    ++connections_;
    ++connections_total_;
  }
  void connection_closed() { --connections_; }
  void connection_refused() { ++connections_refused_; }
  void wager_reply(bool ok) { ++(ok ? wagers_ok_ : wagers_rejected_); }
  // A money-moving request handed to the engine, and its reply back.
  void engine_request_started() { ++engine_in_flight_; }
  void engine_request_done() { --engine_in_flight_; }

  std::string prometheus_text() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   1.0};
  std::array<std::atomic<std::uint64_t>, 6> by_class_{};  // 1xx..5xx, index 1..5
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> latency_{};
  std::atomic<std::uint64_t> latency_sum_us_ = 0;
  std::atomic<std::int64_t> connections_ = 0;
  std::atomic<std::uint64_t> connections_total_ = 0;
  std::atomic<std::uint64_t> connections_refused_ = 0;
  std::atomic<std::uint64_t> wagers_ok_ = 0;
  std::atomic<std::uint64_t> wagers_rejected_ = 0;
  std::atomic<std::int64_t> engine_in_flight_ = 0;
};

}  // namespace autobets::http_api
