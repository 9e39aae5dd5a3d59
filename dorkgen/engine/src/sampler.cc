#include "dorkgen/sampler.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "core/keyed_permutation.h"
#include "dorkgen/fingerprint_set.h"
#include "dorkgen/space.h"

namespace dorkgen {
namespace {

constexpr std::size_t kScratchBytes = 4 << 20;  // rendered queries of one chunk
constexpr std::size_t kMaxChunk = 1 << 16;
constexpr int kBucketBits = 12;
constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
constexpr std::size_t kPrefetchAhead = 16;
constexpr std::size_t kFlushBytes = 1 << 20;
constexpr u128 kProgressEvery = 1 << 20;

}  // namespace

core::Result<RunStats> sample(const Plan& plan, const SampleOptions& options, ByteSink& sink) {
  const u128 total = plan.total();
  if (options.size > total) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "requested " + format_count(options.size) + " but the space holds only " +
                          format_count(total) + ": it is " + format_count(options.size - total) +
                          " short");
  }
  if ((options.size >> 62) != 0) {
    return core::fail(
        core::ErrorCode::kFailedPrecondition,
        "requested " + format_count(options.size) + ": more than any dedup set can hold");
  }
  auto set =
      FingerprintSet::create(static_cast<std::uint64_t>(options.size), options.memory_budget_bytes);
  if (!set) return core::fail(set.error());

  RunStats stats;
  const bool plain = options.format == OutputFormat::kLines;
  const std::size_t stride = plan.max_query_bytes() + Plan::kRenderSlack;
  // Records collect in `out` and go to the sink in blocks of about kFlushBytes. Plain lines are
  // copied in 16-byte chunks (the render buffer has slack), so `out` keeps slack too.
  std::vector<char> out(kFlushBytes + stride + 1);
  std::size_t used_bytes = 0;
  std::string record;
  auto flush = [&]() -> core::Status {
    CORE_RETURN_IF_ERROR(sink.write(std::string_view(out.data(), used_bytes)));
    used_bytes = 0;
    return core::ok_status();
  };
  auto append = [&](std::string_view bytes) -> core::Status {
    if (used_bytes + bytes.size() > out.size()) CORE_RETURN_IF_ERROR(flush());
    if (bytes.size() > out.size()) return sink.write(bytes);
    std::memcpy(out.data() + used_bytes, bytes.data(), bytes.size());
    used_bytes += bytes.size();
    return core::ok_status();
  };
  CORE_RETURN_IF_ERROR(append(output_header(options.format)));

  // Work goes in chunks: draw, decode, render and fingerprint up to `chunk` queries; then ask the
  // dedup set about them in fingerprint order, which sweeps the table from low to high addresses
  // instead of jumping at random (far fewer TLB and page-walk misses on big tables); then emit
  // the new ones in draw order. The order of the questions does not change the answers: a stable
  // sort keeps equal fingerprints in draw order, so the first drawn still wins.
  const std::size_t chunk = std::clamp<std::size_t>(kScratchBytes / stride, 256, kMaxChunk);
  const core::KeyedPermutation permutation(total, options.seed);
  std::vector<char> scratch(chunk * stride);
  std::vector<std::uint32_t> template_of(chunk), length(chunk), order(chunk), sorted(chunk);
  std::vector<std::uint64_t> print(chunk);
  std::vector<u128> index_of(chunk);
  std::vector<std::uint8_t> fresh(chunk);
  std::vector<std::uint32_t> bucket_start(kBuckets + 1);
  std::uint32_t values[kMaxSlots] = {};
  u128 next_progress = kProgressEvery;

  while (stats.emitted < options.size) {
    if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
      return core::fail(core::ErrorCode::kCancelled, "generation cancelled");
    }
    if (stats.indices_drawn == total) {
      return core::fail(core::ErrorCode::kFailedPrecondition,
                        "the space's " + format_number(total) + " value tuples render only " +
                            format_number(stats.emitted) +
                            " distinct strings; lower --size to at most that");
    }
    // Never draw more than can still be emitted: the set then never holds more than `size`.
    u128 room = std::min(total - stats.indices_drawn, options.size - stats.emitted);
    const std::size_t n = room < chunk ? static_cast<std::size_t>(room) : chunk;
    std::fill(bucket_start.begin(), bucket_start.end(), 0);
    for (std::size_t j = 0; j < n; ++j) {
      const u128 index = permutation.narrow()
                             ? permutation.at64(static_cast<std::uint64_t>(stats.indices_drawn + j))
                             : permutation.at(stats.indices_drawn + j);
      index_of[j] = index;
      plan.decode(index, &template_of[j], values);
      char* text = &scratch[j * stride];
      length[j] = static_cast<std::uint32_t>(plan.render(template_of[j], values, text));
      print[j] = fingerprint_padded(text, length[j]);
      ++bucket_start[(print[j] >> (64 - kBucketBits)) + 1];
    }
    // Counting sort (stable) by the top bits, which decide the table slot.
    for (std::size_t b = 0; b < kBuckets; ++b) bucket_start[b + 1] += bucket_start[b];
    for (std::size_t j = 0; j < n; ++j) {
      sorted[bucket_start[print[j] >> (64 - kBucketBits)]++] = static_cast<std::uint32_t>(j);
    }
    for (std::size_t k = 0; k < n; ++k) {
      if (k + kPrefetchAhead < n) set->prefetch(print[sorted[k + kPrefetchAhead]]);
      const std::uint32_t j = sorted[k];
      fresh[j] = set->insert(print[j]) ? 1 : 0;
    }
    for (std::size_t j = 0; j < n; ++j) {
      if (!fresh[j]) {
        ++stats.string_duplicates;
        continue;
      }
      ++stats.emitted;
      const char* text = &scratch[j * stride];
      if (plain) {
        if (used_bytes + stride + 1 > out.size()) CORE_RETURN_IF_ERROR(flush());
        char* to = out.data() + used_bytes;
        for (std::uint32_t done = 0; done < length[j]; done += 16) {
          std::memcpy(to + done, text + done, 16);
        }
        to[length[j]] = '\n';
        used_bytes += length[j] + 1;
      } else {
        std::uint32_t t = 0;
        plan.decode(index_of[j], &t, values);
        record.clear();
        append_record(record, options.format, plan, t, values, std::string_view(text, length[j]));
        CORE_RETURN_IF_ERROR(append(record));
      }
    }
    stats.indices_drawn += n;
    if (options.progress && stats.emitted >= next_progress) {
      options.progress(stats.emitted, options.size);
      next_progress = stats.emitted + kProgressEvery;
    }
  }
  CORE_RETURN_IF_ERROR(flush());
  CORE_RETURN_IF_ERROR(sink.finish());
  if (options.progress) options.progress(stats.emitted, options.size);
  return stats;
}

}  // namespace dorkgen
