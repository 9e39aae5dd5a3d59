#include "metrics.h"

#include <sstream>

namespace autobets::http_api {

void Metrics::record(unsigned status, std::chrono::nanoseconds elapsed) {
  unsigned klass = status / 100;
  if (klass >= 1 && klass <= 5) ++by_class_[klass];
  double seconds = std::chrono::duration<double>(elapsed).count();
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  ++latency_[bucket];
  latency_sum_us_ += std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
}

std::string Metrics::prometheus_text() const {
  std::ostringstream out;
  out << "# HELP autobets_http_requests_total Requests answered, by status class.\n"
         "# TYPE autobets_http_requests_total counter\n";
  for (unsigned klass = 1; klass <= 5; ++klass) {
    out << "autobets_http_requests_total{status=\"" << klass << "xx\"} " << by_class_[klass]
        << "\n";
  }
  out << "# HELP autobets_http_request_duration_seconds From a request's first byte to its "
         "response.\n"
         "# TYPE autobets_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i];
    out << "autobets_http_request_duration_seconds_bucket{le=\"" << kBuckets[i] << "\"} "
        << cumulative << "\n";
  }
  cumulative += latency_[kBuckets.size()];
  out << "autobets_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "autobets_http_request_duration_seconds_sum " << latency_sum_us_ / 1e6 << "\n"
      << "autobets_http_request_duration_seconds_count " << cumulative << "\n"
      << "# HELP autobets_http_connections Open connections.\n"
         "# TYPE autobets_http_connections gauge\n"
      << "autobets_http_connections " << connections_ << "\n"
      << "# HELP autobets_http_connections_total Connections accepted.\n"
         "# TYPE autobets_http_connections_total counter\n"
      << "autobets_http_connections_total " << connections_total_ << "\n"
      << "# HELP autobets_http_connections_refused_total Connections over the maximum.\n"
         "# TYPE autobets_http_connections_refused_total counter\n"
      << "autobets_http_connections_refused_total " << connections_refused_ << "\n"
      << "# HELP autobets_wagers_total Wager replies, accepted or rejected.\n"
         "# TYPE autobets_wagers_total counter\n"
      << "autobets_wagers_total{result=\"accepted\"} " << wagers_ok_ << "\n"
      << "autobets_wagers_total{result=\"rejected\"} " << wagers_rejected_ << "\n"
      << "# HELP autobets_http_engine_requests_in_flight Money-moving requests waiting on the "
         "engine.\n"
         "# TYPE autobets_http_engine_requests_in_flight gauge\n"
      << "autobets_http_engine_requests_in_flight " << engine_in_flight_ << "\n";
  return out.str();
}

}  // namespace autobets::http_api
