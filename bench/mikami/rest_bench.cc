// REST benchmark: message creates spread over channels plus interaction callbacks, through
// Mikami's scheduler, against a sandbox with Discord-like limits. Prints the completion
// time, the theoretical minimum the limits allow, and the 429s the client received.
//
//   mikami_rest_bench <api base url> <bucket limit> <bucket window ms> [messages channels
//   interactions]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "mikami/rest_client.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s <api base url> <bucket limit> <bucket window ms> "
                 "[messages=2000 channels=20 interactions=200]\n",
                 argv[0]);
    return 2;
  }
  const std::string base_url = argv[1];
  const int limit = std::atoi(argv[2]);
  const int window_ms = std::atoi(argv[3]);
  const int messages = argc > 4 ? std::atoi(argv[4]) : 2000;
  const int channels = argc > 5 ? std::atoi(argv[5]) : 20;
  const int interactions = argc > 6 ? std::atoi(argv[6]) : 200;
  if (limit <= 0 || window_ms <= 0 || messages <= 0 || channels <= 0 || interactions < 0) {
    std::fprintf(stderr, "all numbers must be positive\n");
    return 2;
  }
  mikami::RestOptions options;
  options.base_url = base_url;
  options.token = "sandbox-token";
  auto client = mikami::RestClient::create(options);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message().c_str());
    return 1;
  }
  std::vector<std::future<mikami::RestResponse>> replies;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < messages; ++i) {
    replies.push_back((*client)->request(
        mikami::Method::kPost, "/channels/" + std::to_string(1000 + i % channels) + "/messages",
        R"({"content":"bench"})"));
  }
  for (int i = 0; i < interactions; ++i) {
    replies.push_back((*client)->request(
        mikami::Method::kPost, "/interactions/" + std::to_string(5000 + i) + "/tok/callback",
        R"({"type":4,"data":{"content":"pong"}})"));
  }
  int failures = 0;
  for (auto& reply : replies) {
    auto response = reply.get();
    if (response.status / 100 != 2) ++failures;
  }
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Each channel needs ceil(n / limit) windows; the last one opens (windows - 1) windows in.
  const int per_channel = (messages + channels - 1) / channels;
  const int windows = (per_channel + limit - 1) / limit;
  const double bucket_minimum_s = (windows - 1) * window_ms / 1000.0;
  // 50 per rolling second: request k (0-based) cannot leave before floor(k / 50) s.
  const double global_minimum_s = static_cast<double>((messages - 1) / 50);
  const double minimum_s = std::max(bucket_minimum_s, global_minimum_s);
  auto counters = (*client)->counters();
  std::printf(
      "mikami rest: %d message creates over %d channels + %d interaction callbacks\n"
      "  completed in %.3f s, theoretical minimum %.3f s (%.2f%% above)\n"
      "  429s received: %llu (avoidable on a learned bucket: %llu), failures: %d\n",
      messages, channels, interactions, elapsed_s, minimum_s,
      minimum_s > 0 ? (elapsed_s / minimum_s - 1.0) * 100.0 : 0.0,
      static_cast<unsigned long long>(counters.rate_limited),
      static_cast<unsigned long long>(counters.rate_limited_avoidable), failures);
  return failures == 0 ? 0 : 1;
}
