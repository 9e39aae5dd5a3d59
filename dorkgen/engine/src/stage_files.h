// Stage files and the manifest of exhaustive mode (formats in dorkgen/docs/presets.md): lines
// read in large blocks, file checksums, the manifest text, and the stage line codec. Internal to
// the engine (not installed with its public headers).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "dorkgen/plan.h"

namespace dorkgen::stages {

namespace fs = std::filesystem;

inline constexpr std::size_t kBlockBytes = 1 << 20;
// A slot not expanded yet ('*' in a stage line).
inline constexpr std::uint32_t kUnset = ~std::uint32_t{0};

// kIo naming the action, the path and errno's text.
core::Error io_error(const std::string& what, const fs::path& path);

// Reads a file line by line in large blocks. Lines longer than a block are handled by growing.
class LineReader {
 public:
  static core::Result<LineReader> open(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return core::fail(io_error("opening", path));
    return LineReader(fd, path);
  }
  LineReader(LineReader&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)),
        path_(std::move(other.path_)),
        buffer_(std::move(other.buffer_)),
        begin_(other.begin_),
        end_(other.end_),
        eof_(other.eof_) {}
  ~LineReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Next line without its '\n'; nullopt at the end of the file.
  core::Result<std::optional<std::string_view>> next() {
    while (true) {
      const char* start = buffer_.data() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      if (newline != nullptr) {
        std::size_t length = static_cast<const char*>(newline) - start;
        begin_ += length + 1;
        return std::optional<std::string_view>(std::string_view(start, length));
      }
      if (eof_) {
        if (begin_ == end_) return std::optional<std::string_view>();
        return core::fail(core::ErrorCode::kCorrupt,
                          path_.string() + ": last line is unterminated");
      }
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
      if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
      ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return core::fail(io_error("reading", path_));
      if (n == 0) eof_ = true;
      end_ += static_cast<std::size_t>(n);
    }
  }

 private:
  LineReader(int fd, fs::path path) : fd_(fd), path_(std::move(path)), buffer_(kBlockBytes) {}
  int fd_;
  fs::path path_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
};

// Checksum of a file's contents, read in kBlockBytes blocks; *bytes gets its size.
core::Result<std::uint64_t> file_checksum(const fs::path& path, std::uint64_t* bytes);

struct StageRecord {
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;
};

struct Manifest {
  std::uint64_t plan = 0;
  std::vector<StageRecord> stages;
};

std::string serialise(const Manifest& manifest);
// Fails with kCorrupt for anything serialise() would not have written.
core::Result<Manifest> read_manifest(const fs::path& path);

fs::path stage_path(const fs::path& dir, std::size_t stage);

// A parsed stage line: template index and one value index per slot (kUnset for '*').
struct StageLine {
  std::uint32_t t = 0;
  std::array<std::uint32_t, kMaxSlots> values{};
};

// Fails with kCorrupt for a line that does not fit the plan.
core::Result<StageLine> parse_stage_line(const Plan& plan, std::string_view line);
void append_stage_line(std::string& out, const Plan& plan, const StageLine& line);

}  // namespace dorkgen::stages
