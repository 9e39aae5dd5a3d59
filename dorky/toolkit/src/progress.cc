#include "dorky/progress.h"

#include <unistd.h>

#include <cstdio>

namespace dorky {

Progress::Progress(std::string label, bool enabled, std::uint64_t total_bytes)
    : label_(std::move(label)),
      enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      total_bytes_(total_bytes),
      last_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::draw(std::uint64_t done_bytes) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  double mib = static_cast<double>(done_bytes) / (1 << 20);
  if (total_bytes_ > 0) {
    double percent = 100.0 * static_cast<double>(done_bytes) / static_cast<double>(total_bytes_);
    std::fprintf(stderr, "\r%s: %.0f MiB (%.1f%%)\x1b[K", label_.c_str(), mib, percent);
  } else {
    std::fprintf(stderr, "\r%s: %.0f MiB\x1b[K", label_.c_str(), mib);
  }
  drawn_ = true;
}

void Progress::finish() {
  if (drawn_) std::fputs("\r\x1b[K", stderr);
  drawn_ = false;
}

}  // namespace dorky
