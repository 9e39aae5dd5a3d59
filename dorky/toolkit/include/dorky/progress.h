// Progress on stderr, only when stderr is a terminal (and the user did not pass
// --no-progress): a single line rewritten in place at most a few times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dorky {

// Not thread safe. The line is cleared by finish() or the destructor.
class Progress {
 public:
  // `total_bytes` 0 means unknown (no percentage).
  Progress(std::string label, bool enabled, std::uint64_t total_bytes = 0);
  ~Progress();

  // Cheap to call per line: looks at the clock only every 64 Ki calls.
  void update(std::uint64_t done_bytes) {
    if (!enabled_ || (++calls_ & 0xFFFF) != 0) return;
    draw(done_bytes);
  }
  void finish();

 private:
  void draw(std::uint64_t done_bytes);

  std::string label_;
  bool enabled_;
  std::uint64_t total_bytes_;
  std::uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace dorky
