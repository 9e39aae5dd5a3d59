// Counting distinct byte strings within a memory budget. While the distinct values fit they
// are counted in a hash map; past the budget every value goes to one of several spill files
// chosen by hash, each file is counted on its own, its counts are sorted into a run, and
// the runs are merged. Either way the result comes out most frequent first.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "dorky/spill_file.h"

namespace dorky {

// Not thread safe.
class ValueCounter {
 public:
  ValueCounter(std::uint64_t memory_bytes, std::string temp_dir);

  core::Status add(std::string_view value);

  // Calls emit(count, value) for every distinct value: count descending, then value
  // ascending (bytewise). Fails with kInvalidArgument when one spill partition's distinct
  // values alone exceed the budget (then --memory must grow), kIo for spill files.
  core::Status finish(const std::function<core::Status(std::uint64_t, std::string_view)>& emit);

  bool spilled() const { return !partitions_.empty(); }

 private:
  core::Status spill();
  core::Status write_record(SpillFile& file, std::uint64_t count, std::string_view value);

  std::uint64_t budget_;
  std::string temp_dir_;
  std::unordered_map<std::string, std::uint64_t> counts_;
  std::uint64_t memory_ = 0;
  std::vector<SpillFile> partitions_;
};

}  // namespace dorky
