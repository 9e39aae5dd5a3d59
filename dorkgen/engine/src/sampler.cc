#include "dorkgen/sampler.h"

#include <algorithm>
#include <array>
#include <cstring>
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
  // Records collect in `out` and go to the sink in blocks of about kFlushBytes. Plain lines are
  // copied in 16-byte chunks (the render buffer has slack), so `out` keeps slack too.
  const bool plain = options.format == OutputFormat::kLines;
  const std::size_t stride = plan.max_query_bytes() + Plan::kRenderSlack;
  std::vector<char> out(kFlushBytes + kBatch * (stride + 1));
  std::size_t used_bytes = 0;
  std::string record;
  auto append = [&](std::string_view bytes) -> core::Status {
    if (used_bytes + bytes.size() > out.size()) {
      CORE_RETURN_IF_ERROR(sink.write(std::string_view(out.data(), used_bytes)));
      used_bytes = 0;
    }
    if (bytes.size() > out.size()) return sink.write(bytes);
    std::memcpy(out.data() + used_bytes, bytes.data(), bytes.size());
    used_bytes += bytes.size();
    return core::ok_status();
  };
  CORE_RETURN_IF_ERROR(append(output_header(options.format)));
  if (options.size == 0) {
    CORE_RETURN_IF_ERROR(sink.write(std::string_view(out.data(), used_bytes)));
    CORE_RETURN_IF_ERROR(sink.finish());
    return stats;
  }

  const KeyedPermutation permutation(total, options.seed);
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
    // Stage 1: draw, decode, render and fingerprint a batch, prefetching each dedup slot so the
    // cache misses of the batch overlap instead of following one another.
    for (std::size_t j = 0; j < batch; ++j) {
      u128 index = permutation.narrow()
                       ? permutation.at64(static_cast<std::uint64_t>(stats.indices_drawn + j))
                       : permutation.at(stats.indices_drawn + j);
      std::uint32_t* v = &values[j * kMaxSlots];
      plan.decode(index, &template_of[j], v);
      char* text = &scratch[j * stride];
      length[j] = static_cast<std::uint32_t>(plan.render(template_of[j], v, text));
      print[j] = fingerprint_padded(text, length[j]);
      set->prefetch(print[j]);
    }
    // Stage 2: the dedup set decides, in draw order.
    if (used_bytes + batch * (stride + 1) > out.size()) {
      CORE_RETURN_IF_ERROR(sink.write(std::string_view(out.data(), used_bytes)));
      used_bytes = 0;
    }
    std::size_t consumed = 0;
    for (; consumed < batch && stats.emitted < options.size; ++consumed) {
      if (!set->insert(print[consumed])) {
        ++stats.string_duplicates;
        continue;
      }
      ++stats.emitted;
      const char* text = &scratch[consumed * stride];
      if (plain) {
        char* to = out.data() + used_bytes;
        for (std::uint32_t done = 0; done < length[consumed]; done += 16) {
          std::memcpy(to + done, text + done, 16);
        }
        to[length[consumed]] = '\n';
        used_bytes += length[consumed] + 1;
      } else {
        record.clear();
        append_record(record, options.format, plan, template_of[consumed],
                      &values[consumed * kMaxSlots], std::string_view(text, length[consumed]));
        CORE_RETURN_IF_ERROR(append(record));
      }
    }
    stats.indices_drawn += consumed;
    if (options.progress && stats.emitted >= next_progress) {
      options.progress(stats.emitted, options.size);
      next_progress = stats.emitted + kProgressEvery;
    }
  }
  CORE_RETURN_IF_ERROR(sink.write(std::string_view(out.data(), used_bytes)));
  CORE_RETURN_IF_ERROR(sink.finish());
  if (options.progress) options.progress(stats.emitted, options.size);
  return stats;
}

}  // namespace dorkgen
