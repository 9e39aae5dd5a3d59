#include "dorky/dedup.h"

#include <algorithm>
#include <queue>
#include <vector>

#include "dorky/hash.h"
#include "dorky/input.h"
#include "dorky/line_set.h"
#include "dorky/spill_file.h"

namespace dorky {
namespace {

// Spill record: [u64 position | flags][u32 length][bytes]. Positions are input line
// numbers, so merging survivors by position restores the input order.
constexpr std::uint64_t kEmittedFlag = 1ull << 63;       // already written in memory phase
constexpr std::uint64_t kUnterminatedFlag = 1ull << 62;  // the input's last line lacked \n
constexpr std::uint64_t kPositionMask = kUnterminatedFlag - 1;
constexpr std::size_t kHeaderBytes = 12;
// Spill files open at once (partitions being written, survivors being merged) share an
// eighth of --memory for their buffers, each at least this much: so there are at most
// memory / 8 / kMinSpillBuffer of them (and never more than kMaxPartitions), and when that
// is few, partitions are split in more levels instead.
constexpr std::size_t kMinSpillBuffer = 4096;
constexpr std::size_t kMaxPartitions = 512;
constexpr std::size_t kMaxSubPartitions = 16;

struct Record {
  std::uint64_t tag;
  std::string_view line;
};

class Deduper {
 public:
  Deduper(const CommonOptions& options, Output& out)
      : options_(options),
        out_(out),
        temp_dir_(temp_directory(options)),
        // A quarter of --memory stays free for the input, output and spill buffers.
        budget_(options.memory_bytes * 3 / 4 -
                std::min<std::uint64_t>(6u << 20, options.memory_bytes / 8)),
        set_(block_bytes()) {}

  core::Result<DedupStats> run() {
    std::uint64_t total = known_input_bytes(options_.inputs);
    // Distinct lines cost their bytes plus ~30 bytes of arena and table each.
    if (total > 0 && total + total / 2 > budget_) CORE_RETURN_IF_ERROR(start_spilling(total));
    Progress progress("dedup", options_.progress, total);
    std::uint64_t position = 0;
    auto on_line = [&](const core::Line& line) -> core::Status {
      ++stats_.lines_in;
      std::uint64_t tag = position++ | (line.terminated ? 0 : kUnterminatedFlag);
      std::uint64_t hash = hash_bytes(line.bytes);
      if (!partitions_.empty()) return write_record(partitions_[pick(hash)], tag, line.bytes);
      if (set_.insert(line.bytes, hash)) {
        ++stats_.lines_out;
        CORE_RETURN_IF_ERROR(emit(line.bytes, line.terminated));
        if (set_.memory_bytes() > budget_ && set_.size() > 1) {
          std::uint64_t rest = total > 0 ? total : set_.memory_bytes() * 8;
          CORE_RETURN_IF_ERROR(start_spilling(rest));
        }
      }
      return core::ok_status();
    };
    CORE_RETURN_IF_ERROR(for_each_line(options_.inputs, &progress, on_line,
                                       input_buffer_bytes(options_), max_line_bytes(options_)));
    progress.finish();
    if (partitions_.empty()) return stats_;

    stats_.external = true;
    std::vector<SpillFile> survivors;
    for (SpillFile& slot : partitions_) {
      SpillFile partition = std::move(slot);  // closed (and its disk freed) after this pass
      CORE_RETURN_IF_ERROR(partition.finish_writing());
      auto kept = dedup_partition(partition, 1);
      CORE_RETURN_IF_ERROR(kept);
      survivors.push_back(std::move(*kept));
    }
    CORE_RETURN_IF_ERROR(merge(survivors, nullptr));
    return stats_;
  }

 private:
  std::size_t pick(std::uint64_t hash) const {
    // High bits pick the partition; the in-memory table uses the low bits.
    return static_cast<std::size_t>(((hash >> 32) * partitions_.size()) >> 32);
  }

  std::size_t block_bytes() const {
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(budget_ / 32, 4096, 8u << 20));
  }

  std::size_t spill_buffer_bytes(std::size_t files) const {
    std::uint64_t share = options_.memory_bytes / 8 / std::max<std::size_t>(files, 1);
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(share, kMinSpillBuffer, 1u << 20));
  }

  // Spill files the budget lets be open at once, within [2, limit].
  std::size_t files_allowed(std::size_t limit) const {
    std::uint64_t fit = options_.memory_bytes / 8 / kMinSpillBuffer;
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(fit, 2, limit));
  }

  core::Status emit(std::string_view line, bool terminated) {
    if (terminated) return out_.write_line(line);
    return out_.write(line);
  }

  static core::Status write_record(SpillFile& file, std::uint64_t tag, std::string_view line) {
    char header[kHeaderBytes];
    auto length = static_cast<std::uint32_t>(line.size());
    std::memcpy(header, &tag, 8);
    std::memcpy(header + 8, &length, 4);
    CORE_RETURN_IF_ERROR(file.write(std::string_view(header, kHeaderBytes)));
    return file.write(line);
  }

  static core::Result<Record> read_record(SpillReader& reader) {
    auto header = reader.read(kHeaderBytes);
    CORE_RETURN_IF_ERROR(header);
    Record record;
    std::uint32_t length;
    std::memcpy(&record.tag, header->data(), 8);
    std::memcpy(&length, header->data() + 8, 4);
    auto bytes = reader.read(length);
    CORE_RETURN_IF_ERROR(bytes);
    record.line = *bytes;
    return record;
  }

  // Switches to the external path: creates the partitions and moves the lines already
  // written (the in-memory set) into them, flagged as emitted.
  core::Status start_spilling(std::uint64_t expected_bytes) {
    std::uint64_t per_partition = std::max<std::uint64_t>(budget_ / 2, 1);
    std::size_t count = static_cast<std::size_t>(std::clamp<std::uint64_t>(
        expected_bytes / per_partition + 2, 2, files_allowed(kMaxPartitions)));
    for (std::size_t i = 0; i < count; ++i) {
      auto file = SpillFile::create(temp_dir_, spill_buffer_bytes(count));
      CORE_RETURN_IF_ERROR(file);
      partitions_.push_back(std::move(*file));
    }
    core::Status status = core::ok_status();
    set_.for_each([&](std::string_view line) {
      if (status) status = write_record(partitions_[pick(hash_bytes(line))], kEmittedFlag, line);
    });
    set_.clear();
    return status;
  }

  // Deduplicates one partition's records, returning the survivors not yet written, still in
  // position order. Splits the partition when its distinct lines outgrow the budget.
  core::Result<SpillFile> dedup_partition(const SpillFile& input, std::uint64_t depth) {
    auto kept = SpillFile::create(temp_dir_, spill_buffer_bytes(2));
    CORE_RETURN_IF_ERROR(kept);
    LineSet set(block_bytes());
    SpillReader reader(input, 0, input.size(), spill_buffer_bytes(2));
    bool overflow = false;
    while (reader.remaining() > 0) {
      auto record = read_record(reader);
      CORE_RETURN_IF_ERROR(record);
      if (!set.insert(record->line, hash_bytes(record->line))) continue;
      if (set.memory_bytes() > budget_ && set.size() > 1) {
        overflow = true;
        break;
      }
      if ((record->tag & kEmittedFlag) == 0) {
        CORE_RETURN_IF_ERROR(write_record(*kept, record->tag, record->line));
      }
    }
    if (!overflow) {
      CORE_RETURN_IF_ERROR(kept->finish_writing());
      return std::move(*kept);
    }
    // Too many distinct lines for one pass: split by an independent hash and recurse. Splits
    // into 2 (the smallest budgets) reach a 2^40 reduction by depth 40.
    std::size_t fan_out = files_allowed(kMaxSubPartitions);
    if (depth > (fan_out >= 16 ? 10u : 40u)) {
      return core::fail(core::ErrorCode::kIo,
                        "dedup: could not split the input to fit in "
                        "--memory; raise --memory");
    }
    set.clear();
    std::vector<SpillFile> parts;
    for (std::size_t i = 0; i < fan_out; ++i) {
      auto file = SpillFile::create(temp_dir_, spill_buffer_bytes(fan_out));
      CORE_RETURN_IF_ERROR(file);
      parts.push_back(std::move(*file));
    }
    SpillReader again(input, 0, input.size(), spill_buffer_bytes(2));
    while (again.remaining() > 0) {
      auto record = read_record(again);
      CORE_RETURN_IF_ERROR(record);
      std::size_t part = hash_bytes(record->line, depth) % fan_out;
      CORE_RETURN_IF_ERROR(write_record(parts[part], record->tag, record->line));
    }
    std::vector<SpillFile> survivors;
    for (SpillFile& part : parts) {
      CORE_RETURN_IF_ERROR(part.finish_writing());
      auto sub = dedup_partition(part, depth + 1);
      CORE_RETURN_IF_ERROR(sub);
      survivors.push_back(std::move(*sub));
    }
    auto merged = SpillFile::create(temp_dir_, spill_buffer_bytes(2));
    CORE_RETURN_IF_ERROR(merged);
    CORE_RETURN_IF_ERROR(merge(survivors, &*merged));
    CORE_RETURN_IF_ERROR(merged->finish_writing());
    return std::move(*merged);
  }

  // Merges survivor files by position into `into` (records) or, when null, the output.
  core::Status merge(std::vector<SpillFile>& files, SpillFile* into) {
    std::vector<SpillReader> readers;
    for (const SpillFile& file : files) {
      readers.emplace_back(file, 0, file.size(), spill_buffer_bytes(files.size()));
    }
    using Head = std::pair<std::uint64_t, std::size_t>;  // (position, reader)
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heap;
    std::vector<std::uint64_t> tags(readers.size());
    auto peek_tag = [&](std::size_t i) -> core::Status {
      auto header = readers[i].read(8);
      CORE_RETURN_IF_ERROR(header);
      std::memcpy(&tags[i], header->data(), 8);
      heap.emplace(tags[i] & kPositionMask, i);
      return core::ok_status();
    };
    for (std::size_t i = 0; i < readers.size(); ++i) {
      if (readers[i].remaining() > 0) CORE_RETURN_IF_ERROR(peek_tag(i));
    }
    while (!heap.empty()) {
      std::size_t i = heap.top().second;
      heap.pop();
      auto length_bytes = readers[i].read(4);
      CORE_RETURN_IF_ERROR(length_bytes);
      std::uint32_t length;
      std::memcpy(&length, length_bytes->data(), 4);
      auto line = readers[i].read(length);
      CORE_RETURN_IF_ERROR(line);
      if (into != nullptr) {
        CORE_RETURN_IF_ERROR(write_record(*into, tags[i], *line));
      } else {
        ++stats_.lines_out;
        CORE_RETURN_IF_ERROR(emit(*line, (tags[i] & kUnterminatedFlag) == 0));
      }
      if (readers[i].remaining() > 0) CORE_RETURN_IF_ERROR(peek_tag(i));
    }
    return core::ok_status();
  }

  const CommonOptions& options_;
  Output& out_;
  std::string temp_dir_;
  std::uint64_t budget_;
  LineSet set_;
  std::vector<SpillFile> partitions_;
  DedupStats stats_;
};

}  // namespace

core::Result<DedupStats> run_dedup(const CommonOptions& options, Output& out) {
  Deduper deduper(options, out);
  return deduper.run();
}

}  // namespace dorky
