#include "dorkgen/sampler.h"

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "dorkgen/fingerprint_set.h"
#include "dorkgen/permutation.h"
#include "dorkgen/space.h"

namespace dorkgen {
namespace {

constexpr std::size_t kBatch = 128;
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
  std::string out;
  out.reserve(kFlushBytes + 4 * plan.max_query_bytes() + 4096);
  out += output_header(options.format);
  if (options.size == 0) {
    CORE_RETURN_IF_ERROR(sink.write(out));
    CORE_RETURN_IF_ERROR(sink.finish());
    return stats;
  }

  const KeyedPermutation permutation(total, options.seed);
  const std::size_t stride = std::max<std::size_t>(plan.max_query_bytes(), 1);
  std::vector<char> scratch(kBatch * stride);
  std::array<std::uint32_t, kBatch> template_of{};
  std::array<std::uint32_t, kBatch> length{};
  std::array<std::uint64_t, kBatch> print{};
  std::vector<std::uint32_t> values(kBatch * kMaxSlots);
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
    const u128 left = total - stats.indices_drawn;
    const std::size_t batch = left < kBatch ? static_cast<std::size_t>(left) : kBatch;
    for (std::size_t j = 0; j < batch; ++j) {
      u128 index = permutation.narrow()
                       ? permutation.at64(static_cast<std::uint64_t>(stats.indices_drawn + j))
                       : permutation.at(stats.indices_drawn + j);
      std::uint32_t* v = &values[j * kMaxSlots];
      plan.decode(index, &template_of[j], v);
      char* text = &scratch[j * stride];
      length[j] = static_cast<std::uint32_t>(plan.render(template_of[j], v, text));
      print[j] = fingerprint(std::string_view(text, length[j]));
      set->prefetch(print[j]);
    }
    std::size_t used = 0;
    for (; used < batch && stats.emitted < options.size; ++used) {
      if (!set->insert(print[used])) {
        ++stats.string_duplicates;
        continue;
      }
      append_record(out, options.format, plan, template_of[used], &values[used * kMaxSlots],
                    std::string_view(&scratch[used * stride], length[used]));
      ++stats.emitted;
    }
    stats.indices_drawn += used;
    if (out.size() >= kFlushBytes) {
      CORE_RETURN_IF_ERROR(sink.write(out));
      out.clear();
    }
    if (options.progress && stats.emitted >= next_progress) {
      options.progress(stats.emitted, options.size);
      next_progress = stats.emitted + kProgressEvery;
    }
  }
  CORE_RETURN_IF_ERROR(sink.write(out));
  CORE_RETURN_IF_ERROR(sink.finish());
  if (options.progress) options.progress(stats.emitted, options.size);
  return stats;
}

}  // namespace dorkgen
