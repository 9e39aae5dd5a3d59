#include "dorkgen/fingerprint_set.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

namespace dorkgen {

void FingerprintSet::Free::operator()(std::uint64_t* p) const { ::munmap(p, bytes); }

std::size_t FingerprintSet::bytes_needed(std::uint64_t max_entries) {
  std::uint64_t capacity = max_entries + max_entries * 3 / 7 + 2;  // load <= 0.7
  return static_cast<std::size_t>(capacity) * sizeof(std::uint64_t);
}

core::Result<FingerprintSet> FingerprintSet::create(std::uint64_t max_entries,
                                                    std::size_t budget_bytes) {
  std::size_t bytes = bytes_needed(max_entries);
  if (bytes > budget_bytes) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      "the dedup set for " + std::to_string(max_entries) + " queries needs " +
                          format_bytes(bytes) + " but the memory budget is " +
                          format_bytes(budget_bytes) + " (raise --memory, or lower --size)");
  }
  std::size_t capacity = bytes / sizeof(std::uint64_t);
  // Anonymous pages are zero and become resident only when touched; huge pages (where the
  // kernel allows them) cut the TLB misses of random probing.
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    return core::fail(core::ErrorCode::kUnavailable,
                      "cannot allocate " + format_bytes(bytes) + " for the dedup set");
  }
  ::madvise(memory, bytes, MADV_HUGEPAGE);
  return FingerprintSet(
      std::unique_ptr<std::uint64_t[], Free>(static_cast<std::uint64_t*>(memory), Free{bytes}),
      capacity, max_entries);
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) {
    std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g %s", value, kUnits[unit]);
  }
  return buffer;
}

}  // namespace dorkgen
