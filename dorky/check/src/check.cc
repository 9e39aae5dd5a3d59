#include "dorky/check.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <queue>
#include <unordered_map>

#include "core/json_string.h"
#include "core/line_reader.h"
#include "dorky/hash.h"
#include "dorky/input.h"
#include "dorky/line_set.h"
#include "dorky/spill_file.h"

namespace dorky {

namespace {

constexpr std::size_t kPartitions = 64;
// Rough cost of remembering one distinct query: its bytes, the node and the bucket.
constexpr std::uint64_t kEntryOverhead = 80;

// Writes one finding as text or JSON and counts it.
class Reporter {
 public:
  Reporter(const CheckSettings& settings, Output& out, CheckStats& stats)
      : settings_(settings), out_(out), stats_(stats) {}

  core::Status report(std::string_view file, std::uint64_t line, const Finding& finding) {
    if (finding.severity == Severity::kError) {
      ++stats_.errors;
    } else {
      ++stats_.warnings;
      if (settings_.errors_only) return core::ok_status();
    }
    text_.clear();
    if (settings_.json) {
      text_ += "{\"file\":";
      core::append_json_string(text_, file);
      text_ += ",\"line\":" + std::to_string(line) +
               ",\"column\":" + std::to_string(finding.column) + ",\"severity\":\"";
      text_ += severity_name(finding.severity);
      text_ += "\",\"code\":\"";
      text_ += finding.code;
      text_ += "\",\"message\":";
      core::append_json_string(text_, finding.message);
      text_ += '}';
    } else {
      text_.append(file);
      text_ += ":" + std::to_string(line) + ":" + std::to_string(finding.column) + ": ";
      text_ += severity_name(finding.severity);
      text_ += ": " + finding.message + " [";
      text_ += finding.code;
      text_ += ']';
    }
    return out_.write_line(text_);
  }

 private:
  const CheckSettings& settings_;
  Output& out_;
  CheckStats& stats_;
  std::string text_;
};

Finding duplicate_finding(std::uint64_t first, const std::string& across) {
  return Finding{Severity::kWarning, "duplicate", 1,
                 "duplicate of line " + std::to_string(first) + across};
}

// Duplicates of queries seen after the in-memory table filled up: the queries go to hash
// partitions on disk ([u64 global line][u32 input][u64 line][u32 length][bytes]), each
// partition is searched on its own, and the findings ([u64 global][u32 input][u64 line]
// [u64 first global]) are merged back into line order.
class DuplicateSpill {
 public:
  DuplicateSpill(const CommonOptions& options) : options_(options) {}

  bool active() const { return !partitions_.empty(); }

  core::Status start() {
    std::size_t buffer = static_cast<std::size_t>(
        std::clamp<std::uint64_t>(options_.memory_bytes / 8 / kPartitions, 4096, 1u << 20));
    for (std::size_t i = 0; i < kPartitions; ++i) {
      auto file = SpillFile::create(temp_directory(options_), buffer);
      CORE_RETURN_IF_ERROR(file);
      partitions_.push_back(std::move(*file));
    }
    return core::ok_status();
  }

  core::Status add(std::uint64_t global, std::uint32_t input, std::uint64_t line,
                   std::string_view key) {
    char header[24];
    auto length = static_cast<std::uint32_t>(key.size());
    std::memcpy(header, &global, 8);
    std::memcpy(header + 8, &input, 4);
    std::memcpy(header + 12, &line, 8);
    std::memcpy(header + 20, &length, 4);
    SpillFile& file = partitions_[hash_bytes(key) % kPartitions];
    CORE_RETURN_IF_ERROR(file.write(std::string_view(header, sizeof header)));
    return file.write(key);
  }

  // Calls report(input, line, first_global) for every duplicate, in line order.
  core::Status finish(
      const std::function<core::Status(std::uint32_t, std::uint64_t, std::uint64_t)>& report) {
    std::vector<SpillFile> findings;
    std::uint64_t budget = options_.memory_bytes * 3 / 4;
    for (SpillFile& slot : partitions_) {
      SpillFile partition = std::move(slot);
      CORE_RETURN_IF_ERROR(partition.finish_writing());
      auto found_file = SpillFile::create(temp_directory(options_), 1 << 16);
      CORE_RETURN_IF_ERROR(found_file);
      std::unordered_map<std::string, std::uint64_t> first;
      std::uint64_t memory = 0;
      SpillReader reader(partition, 0, partition.size(), 1 << 16);
      while (reader.remaining() > 0) {
        auto header = reader.read(24);
        CORE_RETURN_IF_ERROR(header);
        char fixed[24];
        std::memcpy(fixed, header->data(), 24);
        std::uint64_t global;
        std::uint32_t length;
        std::memcpy(&global, fixed, 8);
        std::memcpy(&length, fixed + 20, 4);
        auto key = reader.read(length);
        CORE_RETURN_IF_ERROR(key);
        auto [it, added] = first.try_emplace(std::string(*key), global);
        if (added) {
          if ((memory += key->size() + kEntryOverhead) > budget) {
            return core::fail(core::ErrorCode::kInvalidArgument,
                              "duplicate check: even a 1/" + std::to_string(kPartitions) +
                                  " share of the distinct queries exceeds --memory; raise "
                                  "--memory or use --no-duplicates");
          }
          continue;
        }
        CORE_RETURN_IF_ERROR(found_file->write(std::string_view(fixed, 20)));
        CORE_RETURN_IF_ERROR(
            found_file->write(std::string_view(reinterpret_cast<const char*>(&it->second), 8)));
      }
      CORE_RETURN_IF_ERROR(found_file->finish_writing());
      findings.push_back(std::move(*found_file));
    }
    partitions_.clear();
    std::vector<SpillReader> readers;
    for (const SpillFile& file : findings) readers.emplace_back(file, 0, file.size(), 1 << 16);
    std::vector<std::array<char, 28>> heads(readers.size());
    using Head = std::pair<std::uint64_t, std::size_t>;
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heap;
    auto pull = [&](std::size_t i) -> core::Status {
      auto record = readers[i].read(28);
      CORE_RETURN_IF_ERROR(record);
      std::memcpy(heads[i].data(), record->data(), 28);
      std::uint64_t global;
      std::memcpy(&global, heads[i].data(), 8);
      heap.emplace(global, i);
      return core::ok_status();
    };
    for (std::size_t i = 0; i < readers.size(); ++i) {
      if (readers[i].remaining() > 0) CORE_RETURN_IF_ERROR(pull(i));
    }
    while (!heap.empty()) {
      std::size_t i = heap.top().second;
      heap.pop();
      std::uint32_t input;
      std::uint64_t line, first_global;
      std::memcpy(&input, heads[i].data() + 8, 4);
      std::memcpy(&line, heads[i].data() + 12, 8);
      std::memcpy(&first_global, heads[i].data() + 20, 8);
      CORE_RETURN_IF_ERROR(report(input, line, first_global));
      if (readers[i].remaining() > 0) CORE_RETURN_IF_ERROR(pull(i));
    }
    return core::ok_status();
  }

 private:
  const CommonOptions& options_;
  std::vector<SpillFile> partitions_;
};

}  // namespace

core::Result<CheckStats> run_check(const CommonOptions& options, const CheckSettings& settings,
                                   Output& out) {
  CheckStats stats;
  std::vector<std::string> names = options.inputs;
  if (names.empty()) names.push_back("-");
  // First line number of every distinct query, by exact bytes, while they fit in memory;
  // later distinct queries go to a DuplicateSpill.
  std::unordered_map<std::string, std::uint64_t> first_seen;
  std::uint64_t seen_bytes = 0;
  std::uint64_t budget = options.memory_bytes * 3 / 4;
  DuplicateSpill spill(options);
  std::string across = names.size() > 1 ? " (counting across inputs)" : "";
  std::vector<Finding> findings;
  Reporter reporter(settings, out, stats);
  Progress progress("check", options.progress, known_input_bytes(options.inputs));
  std::uint64_t done_before = 0;
  for (std::uint32_t input = 0; input < names.size(); ++input) {
    const std::string& name = names[input];
    auto fd = open_input(name);
    CORE_RETURN_IF_ERROR(fd);
    core::LineReader reader(*fd, input_name(name), input_buffer_bytes(options));
    core::Line line;
    std::uint64_t number = 0;
    core::Status status = core::ok_status();
    while (status && reader.next(line)) {
      ++number;
      ++stats.lines;
      findings.clear();
      lint_query(line.bytes, settings.profile, findings);
      bool empty = !findings.empty() && findings.front().code == "empty-query";
      if (settings.duplicates && !empty) {
        std::string_view key = line.bytes;
        if (!key.empty() && key.back() == '\r') key.remove_suffix(1);
        auto found = first_seen.find(std::string(key));
        if (found != first_seen.end()) {
          findings.push_back(duplicate_finding(found->second, across));
        } else if (spill.active()) {
          status = spill.add(stats.lines, input, number, key);
        } else if ((seen_bytes += key.size() + kEntryOverhead) > budget) {
          stats.duplicates_spilled = true;
          status = spill.start();
          if (status) status = spill.add(stats.lines, input, number, key);
        } else {
          first_seen.emplace(std::string(key), stats.lines);
        }
      }
      for (const Finding& finding : findings) {
        if (!status) break;
        status = reporter.report(input_name(name), number, finding);
      }
      progress.update(done_before + reader.bytes_read());
    }
    if (status) status = reader.status();
    done_before += reader.bytes_read();
    if (*fd > 0) ::close(*fd);
    CORE_RETURN_IF_ERROR(status);
  }
  progress.finish();
  if (spill.active()) {
    std::unordered_map<std::string, std::uint64_t>().swap(first_seen);
    auto report = [&](std::uint32_t input, std::uint64_t line,
                      std::uint64_t first) -> core::Status {
      return reporter.report(input_name(names[input]), line, duplicate_finding(first, across));
    };
    CORE_RETURN_IF_ERROR(spill.finish(report));
  }
  return stats;
}

}  // namespace dorky
