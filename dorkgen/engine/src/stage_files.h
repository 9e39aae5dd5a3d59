// Stage files and the manifest of exhaustive mode (formats in dorkgen/docs/presets.md): stage
// lines read back (core::LineFile), file checksums, the manifest text, and the stage line codec.
// Internal to the engine (not installed with its public headers).
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

#include "core/line_file.h"
#include "core/status.h"
#include "dorkgen/plan.h"

namespace dorkgen::stages {

namespace fs = std::filesystem;

inline constexpr std::size_t kBlockBytes = 1 << 20;
// A slot not expanded yet ('*' in a stage line).
inline constexpr std::uint32_t kUnset = ~std::uint32_t{0};

// kIo naming the action, the path and errno's text.
core::Error io_error(const std::string& what, const fs::path& path);

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

// Calls `on_line(StageLine&) -> core::Status` for every line of the stage file `path`, parsed
// against `plan`, stopping at the first error. A line that does not parse, or a last line
// without its '\n', fails with kCorrupt naming the file and the line ("<path>:<n>: ...").
template <class OnLine>
core::Status for_each_stage_line(const Plan& plan, const fs::path& path, OnLine&& on_line) {
  auto file = core::LineFile::open(path, kBlockBytes);
  if (!file) return core::fail(file.error());
  core::Line line;
  while (file->next(line)) {
    if (!line.terminated) {
      return core::fail(core::ErrorCode::kCorrupt, file->where() + ": last line is unterminated");
    }
    auto parsed = parse_stage_line(plan, line.bytes);
    if (!parsed) return core::fail(parsed.error().with_context(file->where()));
    CORE_RETURN_IF_ERROR(on_line(*parsed));
  }
  return file->status();
}

}  // namespace dorkgen::stages
