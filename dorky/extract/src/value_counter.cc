#include "dorky/value_counter.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "dorky/hash.h"

namespace dorky {
namespace {

constexpr std::size_t kPartitions = 64;
constexpr std::size_t kHeaderBytes = 12;  // [u64 count][u32 length]
// Rough cost of one map entry: the string, the node and its bucket.
constexpr std::uint64_t kEntryOverhead = 96;

using Entry = std::pair<std::string_view, std::uint64_t>;

bool before(std::uint64_t count_a, std::string_view a, std::uint64_t count_b, std::string_view b) {
  return count_a != count_b ? count_a > count_b : a < b;
}

std::vector<Entry> sorted_entries(const std::unordered_map<std::string, std::uint64_t>& counts) {
  std::vector<Entry> entries(counts.begin(), counts.end());
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return before(a.second, a.first, b.second, b.first);
  });
  return entries;
}

core::Status read_record(SpillReader& reader, std::uint64_t& count, std::string& value) {
  auto header = reader.read(kHeaderBytes);
  CORE_RETURN_IF_ERROR(header);
  std::uint32_t length;
  std::memcpy(&count, header->data(), 8);
  std::memcpy(&length, header->data() + 8, 4);
  auto bytes = reader.read(length);
  CORE_RETURN_IF_ERROR(bytes);
  value.assign(*bytes);
  return core::ok_status();
}

}  // namespace

ValueCounter::ValueCounter(std::uint64_t memory_bytes, std::string temp_dir)
    : budget_(memory_bytes * 3 / 4), temp_dir_(std::move(temp_dir)) {}

core::Status ValueCounter::write_record(SpillFile& file, std::uint64_t count,
                                        std::string_view value) {
  char header[kHeaderBytes];
  auto length = static_cast<std::uint32_t>(value.size());
  std::memcpy(header, &count, 8);
  std::memcpy(header + 8, &length, 4);
  CORE_RETURN_IF_ERROR(file.write(std::string_view(header, kHeaderBytes)));
  return file.write(value);
}

core::Status ValueCounter::spill() {
  std::size_t buffer = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(budget_ / 8 / kPartitions, 4096, 1u << 20));
  for (std::size_t i = 0; i < kPartitions; ++i) {
    auto file = SpillFile::create(temp_dir_, buffer);
    CORE_RETURN_IF_ERROR(file);
    partitions_.push_back(std::move(*file));
  }
  for (const auto& [value, count] : counts_) {
    CORE_RETURN_IF_ERROR(write_record(partitions_[hash_bytes(value) % kPartitions], count, value));
  }
  std::unordered_map<std::string, std::uint64_t>().swap(counts_);
  memory_ = 0;
  return core::ok_status();
}

core::Status ValueCounter::add(std::string_view value) {
  if (!partitions_.empty()) {
    return write_record(partitions_[hash_bytes(value) % kPartitions], 1, value);
  }
  // Heterogeneous lookup is C++20 for unordered_map only with a transparent hash; a
  // temporary key is cheap next to parsing the query.
  auto [it, added] = counts_.try_emplace(std::string(value), 0);
  ++it->second;
  if (added) {
    memory_ += value.size() + kEntryOverhead;
    if (memory_ > budget_) return spill();
  }
  return core::ok_status();
}

core::Status ValueCounter::finish(
    const std::function<core::Status(std::uint64_t, std::string_view)>& emit) {
  if (partitions_.empty()) {
    for (const auto& [value, count] : sorted_entries(counts_)) {
      CORE_RETURN_IF_ERROR(emit(count, value));
    }
    return core::ok_status();
  }
  // Count each partition alone and sort it into a run.
  std::vector<SpillFile> runs;
  for (SpillFile& slot : partitions_) {
    SpillFile partition = std::move(slot);
    CORE_RETURN_IF_ERROR(partition.finish_writing());
    std::unordered_map<std::string, std::uint64_t> counts;
    std::uint64_t memory = 0;
    SpillReader reader(partition, 0, partition.size(), 1 << 16);
    std::uint64_t count;
    std::string value;
    while (reader.remaining() > 0) {
      CORE_RETURN_IF_ERROR(read_record(reader, count, value));
      auto [it, added] = counts.try_emplace(value, 0);
      it->second += count;
      if (added && (memory += value.size() + kEntryOverhead) > budget_) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "--counts: even a 1/" + std::to_string(kPartitions) +
                              " share of the distinct values exceeds --memory; raise --memory");
      }
    }
    auto run = SpillFile::create(temp_dir_, 1 << 16);
    CORE_RETURN_IF_ERROR(run);
    for (const auto& [v, c] : sorted_entries(counts)) {
      CORE_RETURN_IF_ERROR(write_record(*run, c, v));
    }
    CORE_RETURN_IF_ERROR(run->finish_writing());
    runs.push_back(std::move(*run));
  }
  partitions_.clear();
  // Merge the runs: the heap's top is the next value in output order.
  std::vector<SpillReader> readers;
  for (const SpillFile& run : runs) readers.emplace_back(run, 0, run.size(), 1 << 16);
  std::vector<std::uint64_t> counts(readers.size());
  std::vector<std::string> values(readers.size());
  auto later = [&](std::size_t a, std::size_t b) {
    return before(counts[b], values[b], counts[a], values[a]);
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t i = 0; i < readers.size(); ++i) {
    if (readers[i].remaining() == 0) continue;
    CORE_RETURN_IF_ERROR(read_record(readers[i], counts[i], values[i]));
    heap.push(i);
  }
  while (!heap.empty()) {
    std::size_t i = heap.top();
    heap.pop();
    CORE_RETURN_IF_ERROR(emit(counts[i], values[i]));
    if (readers[i].remaining() == 0) continue;
    CORE_RETURN_IF_ERROR(read_record(readers[i], counts[i], values[i]));
    heap.push(i);
  }
  return core::ok_status();
}

}  // namespace dorky
