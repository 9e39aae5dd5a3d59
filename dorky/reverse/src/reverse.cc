#include "dorky/reverse.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "dorky/input.h"
#include "dorky/spill_file.h"

namespace dorky {
namespace {

// Reads `length` bytes at `offset` into `out`.
using ReadAt = std::function<core::Status(std::uint64_t offset, char* out, std::size_t length)>;

// Emits the lines of bytes [0, size) from last to first.
core::Status reverse_bytes(std::uint64_t size, const ReadAt& read_at, std::size_t block_bytes,
                           Output& out, ReverseStats& stats) {
  if (size == 0) return core::ok_status();
  // Is the last byte a newline? Then it terminates the last line rather than starting an
  // empty one.
  char last;
  CORE_RETURN_IF_ERROR(read_at(size - 1, &last, 1));
  std::uint64_t end = last == '\n' ? size - 1 : size;

  // Two buffers that swap roles and keep their capacity: no allocation (and no fresh pages
  // to fault in) per block.
  std::unique_ptr<char[]> buffer, spare;
  std::size_t buffer_capacity = 0, spare_capacity = 0;
  std::uint64_t low = end;
  std::size_t high = 0;  // buffer[0, high) holds file bytes [low, low + high) not yet emitted
  while (true) {
    // Emit every complete line in buffer[0, high): the ones after a '\n'.
    while (high > 0) {
      const char* base = buffer.get();
      const void* found = ::memrchr(base, '\n', high);
      if (found == nullptr) break;
      std::size_t newline = static_cast<std::size_t>(static_cast<const char*>(found) - base);
      CORE_RETURN_IF_ERROR(
          out.write_line(std::string_view(base + newline + 1, high - newline - 1)));
      ++stats.lines;
      high = newline;
    }
    if (low == 0) {
      // What is left is the first line of the input.
      CORE_RETURN_IF_ERROR(out.write_line(std::string_view(buffer.get(), high)));
      ++stats.lines;
      return core::ok_status();
    }
    // Read the block before `low` in front of the unfinished line.
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(low, std::max(block_bytes, high)));
    if (spare_capacity < want + high) {
      spare_capacity = std::max(want + high, 2 * block_bytes);
      spare.reset(new char[spare_capacity]);
    }
    CORE_RETURN_IF_ERROR(read_at(low - want, spare.get(), want));
    if (high > 0) std::memcpy(spare.get() + want, buffer.get(), high);
    std::swap(buffer, spare);
    std::swap(buffer_capacity, spare_capacity);
    low -= want;
    high += want;
  }
}

core::Status pread_all(int fd, const std::string& name, std::uint64_t offset, char* out,
                       std::size_t length) {
  std::size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return core::fail(core::ErrorCode::kIo, "reading " + name + ": " + std::strerror(errno));
    }
    if (n == 0) return core::fail(core::ErrorCode::kIo, name + " shrank while being read");
    done += static_cast<std::size_t>(n);
  }
  return core::ok_status();
}

}  // namespace

core::Result<ReverseStats> run_reverse(const CommonOptions& options, Output& out) {
  ReverseStats stats;
  std::size_t block = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(options.memory_bytes / 16, 4096, 1u << 20));

  // One regular file whose size can be trusted: read it backwards in place. Others (pipes,
  // /proc files that report size 0) are read to end of file below.
  if (options.inputs.size() == 1 && options.inputs[0] != "-") {
    auto fd = open_input(options.inputs[0]);
    CORE_RETURN_IF_ERROR(fd);
    if (std::optional<std::uint64_t> size = stable_file_size(*fd)) {
      const std::string& name = options.inputs[0];
      ReadAt read_at = [&](std::uint64_t offset, char* to, std::size_t length) {
        return pread_all(*fd, name, offset, to, length);
      };
      core::Status status = reverse_bytes(*size, read_at, block, out, stats);
      ::close(*fd);
      CORE_RETURN_IF_ERROR(status);
      return stats;
    }
    ::close(*fd);
  }

  // Anything else: spool, in memory while it fits the budget, then to a spill file.
  std::uint64_t budget = options.memory_bytes * 3 / 4;
  std::string memory;
  std::optional<SpillFile> spill;
  auto append = [&](std::string_view bytes) -> core::Status {
    if (spill) return spill->write(bytes);
    if (memory.size() + bytes.size() <= budget) {
      memory.append(bytes);
      return core::ok_status();
    }
    auto file = SpillFile::create(temp_directory(options), std::min<std::size_t>(block, 1 << 20));
    CORE_RETURN_IF_ERROR(file);
    spill.emplace(std::move(*file));
    CORE_RETURN_IF_ERROR(spill->write(memory));
    std::string().swap(memory);
    return spill->write(bytes);
  };
  Progress progress("reverse", options.progress, known_input_bytes(options.inputs));
  auto on_line = [&](const core::Line& line) -> core::Status {
    CORE_RETURN_IF_ERROR(append(line.bytes));
    return line.terminated ? append("\n") : core::ok_status();
  };
  CORE_RETURN_IF_ERROR(
      for_each_line(options.inputs, &progress, on_line, input_buffer_bytes(options)));
  progress.finish();
  if (!spill) {
    ReadAt read_at = [&](std::uint64_t offset, char* to, std::size_t length) {
      std::memcpy(to, memory.data() + offset, length);
      return core::ok_status();
    };
    CORE_RETURN_IF_ERROR(reverse_bytes(memory.size(), read_at, block, out, stats));
    return stats;
  }
  stats.spooled = true;
  CORE_RETURN_IF_ERROR(spill->finish_writing());
  ReadAt read_at = [&](std::uint64_t offset, char* to, std::size_t length) {
    return spill->read_at(offset, to, length);
  };
  CORE_RETURN_IF_ERROR(reverse_bytes(spill->size(), read_at, block, out, stats));
  return stats;
}

}  // namespace dorky
