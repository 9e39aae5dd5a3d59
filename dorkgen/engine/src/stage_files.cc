#include "stage_files.h"

#include <charconv>
#include <cstdio>
#include <fstream>

#include "core/keyed_permutation.h"
#include "dorkgen/fingerprint_set.h"

namespace dorkgen::stages {
namespace {

constexpr std::string_view kManifestMagic = "dorkgen-manifest 1";

// Parses 16 hex digits; nullopt for anything else.
std::optional<std::uint64_t> parse_hex(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size() || text.size() != 16) {
    return std::nullopt;
  }
  return value;
}

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

core::Error io_error(const std::string& what, const fs::path& path) {
  return core::Error(core::ErrorCode::kIo,
                     what + " " + path.string() + ": " + std::strerror(errno));
}

core::Result<std::uint64_t> file_checksum(const fs::path& path, std::uint64_t* bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::fail(io_error("opening", path));
  std::vector<char> block(kBlockBytes);
  std::uint64_t sum = 0x243f6a8885a308d3ULL;
  *bytes = 0;
  while (true) {
    ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto error = io_error("reading", path);
      ::close(fd);
      return core::fail(error);
    }
    if (n == 0) break;
    *bytes += static_cast<std::uint64_t>(n);
    sum =
        core::mix64(sum ^ fingerprint(std::string_view(block.data(), static_cast<std::size_t>(n))));
  }
  ::close(fd);
  return sum;
}

std::string serialise(const Manifest& manifest) {
  std::string text = std::string(kManifestMagic) + "\nplan " + hex(manifest.plan) + "\n";
  for (std::size_t i = 0; i < manifest.stages.size(); ++i) {
    text += "stage " + std::to_string(i) + " " + std::to_string(manifest.stages[i].bytes) + " " +
            hex(manifest.stages[i].checksum) + "\n";
  }
  return text;
}

core::Result<Manifest> read_manifest(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return core::fail(core::ErrorCode::kIo, path.string() + ": cannot read manifest");
  Manifest manifest;
  std::string line;
  if (!std::getline(in, line) || line != kManifestMagic) {
    return core::fail(core::ErrorCode::kCorrupt, path.string() + ": not a dorkgen manifest");
  }
  std::string word, value;
  if (!(in >> word >> value) || word != "plan") {
    return core::fail(core::ErrorCode::kCorrupt, path.string() + ": missing plan line");
  }
  auto plan = parse_hex(value);
  if (!plan) return core::fail(core::ErrorCode::kCorrupt, path.string() + ": bad plan line");
  manifest.plan = *plan;
  std::size_t index = 0;
  std::uint64_t bytes = 0;
  while (in >> word >> index >> bytes >> value) {
    auto checksum = parse_hex(value);
    if (word != "stage" || index != manifest.stages.size() || !checksum) {
      return core::fail(core::ErrorCode::kCorrupt, path.string() + ": bad stage line");
    }
    manifest.stages.push_back(StageRecord{bytes, *checksum});
  }
  return manifest;
}

fs::path stage_path(const fs::path& dir, std::size_t stage) {
  return dir / ("stage-" + std::to_string(stage) + ".txt");
}

core::Result<StageLine> parse_stage_line(const Plan& plan, std::string_view line) {
  StageLine parsed;
  const char* p = line.data();
  const char* end = line.data() + line.size();
  auto bad = [&] {
    return core::fail(core::ErrorCode::kCorrupt,
                      "malformed stage line '" + std::string(line) + "'");
  };
  auto [after, ec] = std::from_chars(p, end, parsed.t);
  if (ec != std::errc() || parsed.t >= plan.templates().size()) return bad();
  p = after;
  const PlanTemplate& t = plan.templates()[parsed.t];
  for (std::size_t s = 0; s < t.slot_pool.size(); ++s) {
    if (p == end || *p != ' ') return bad();
    ++p;
    if (p != end && *p == '*') {
      parsed.values[s] = kUnset;
      ++p;
      continue;
    }
    auto [next, ec2] = std::from_chars(p, end, parsed.values[s]);
    if (ec2 != std::errc() || parsed.values[s] >= plan.pools()[t.slot_pool[s]].values.size()) {
      return bad();
    }
    p = next;
  }
  if (p != end) return bad();
  return parsed;
}

void append_stage_line(std::string& out, const Plan& plan, const StageLine& line) {
  char digits[16];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, line.t);
  out.append(digits, end);
  std::size_t slots = plan.templates()[line.t].slot_pool.size();
  for (std::size_t s = 0; s < slots; ++s) {
    out.push_back(' ');
    if (line.values[s] == kUnset) {
      out.push_back('*');
    } else {
      auto [e, ec2] = std::to_chars(digits, digits + sizeof digits, line.values[s]);
      out.append(digits, e);
    }
  }
  out.push_back('\n');
}

}  // namespace dorkgen::stages
