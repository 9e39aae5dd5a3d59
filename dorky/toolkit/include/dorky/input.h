// Reading a tool's inputs as one stream of lines: each named file in turn ("-" or none:
// stdin). A file's last line without '\n' is still a line; only the very last line of the
// last input keeps "unterminated" (Line::terminated false) so order-preserving tools can
// reproduce the input bytes exactly.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/line_reader.h"
#include "core/status.h"
#include "dorky/output.h"
#include "dorky/progress.h"
#include "dorky/tool.h"

namespace dorky {

// Sum of the sizes of the inputs when all are regular files; 0 when any is not (a pipe).
// Only an estimate (for progress and planning): see stable_file_size().
std::uint64_t known_input_bytes(const std::vector<std::string>& inputs);

// The size of the file open at `fd` when it is a regular file whose st_size is the truth:
// its last byte can be read and end of file comes right after it. Files under /proc and
// /sys report 0 or 4096 whatever they hold; for them (and pipes, devices) this returns
// nullopt, so the caller reads to end of file instead of trusting the size.
std::optional<std::uint64_t> stable_file_size(int fd);

// Checks every input can be opened before any work starts, so a typo fails fast with
// exit 2 and no output.
core::Status check_inputs(const std::vector<std::string>& inputs);

// The input read buffer for a memory budget: 4 MiB, less for tiny budgets.
inline std::size_t input_buffer_bytes(const CommonOptions& options) {
  std::uint64_t share = options.memory_bytes / 16;
  return static_cast<std::size_t>(share > (4u << 20) ? (4u << 20) : share);
}

// The longest line a tool that holds lines within --memory accepts: an eighth of the budget
// (at least 4 KiB), so the line, the reader's buffer and the tool's copies all fit.
inline std::size_t max_line_bytes(const CommonOptions& options) {
  std::uint64_t eighth = options.memory_bytes / 8;
  return static_cast<std::size_t>(eighth < 4096 ? 4096 : eighth);
}

// Calls `on_line(const core::Line&) -> core::Status` for every line of every input, in
// order, stopping at the first error. `progress` may be null. A line longer than
// `max_line` fails with kInvalidArgument naming the input and the limit (from --memory).
template <class OnLine>
core::Status for_each_line(const std::vector<std::string>& inputs, Progress* progress,
                           OnLine&& on_line, std::size_t buffer_bytes = 4 << 20,
                           std::size_t max_line = static_cast<std::size_t>(-1)) {
  std::vector<std::string> names = inputs;
  if (names.empty()) names.push_back("-");
  std::uint64_t done_before = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto fd = open_input(names[i]);
    if (!fd) return core::fail(fd.error());
    core::LineReader reader(*fd, input_name(names[i]), buffer_bytes);
    if (max_line != static_cast<std::size_t>(-1)) {
      reader.set_max_line_bytes(max_line,
                                "raise --memory: a line may take up to about an eighth of it");
    }
    core::Line line;
    bool last_input = i + 1 == names.size();
    core::Status status = core::ok_status();
    while (reader.next(line)) {
      if (!last_input) line.terminated = true;
      status = on_line(line);
      if (!status) break;
      if (progress != nullptr) progress->update(done_before + reader.bytes_read());
    }
    if (status) status = reader.status();
    done_before += reader.bytes_read();
    if (*fd > 0) ::close(*fd);
    if (!status) return status;
  }
  return core::ok_status();
}

}  // namespace dorky
