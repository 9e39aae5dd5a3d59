#include "dorky/split.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "core/atomic_file.h"
#include "dorky/hash.h"
#include "dorky/input.h"
#include "dorky/query.h"
#include "dorky/spill_file.h"

namespace dorky {
namespace {

using Writer = std::unique_ptr<core::AtomicFileWriter>;

// Parts of --parts copied at once when they are fsync'ed: each copy holds a 4 MiB buffer, so
// at most one per 16 MiB of --memory, and no more than 8 (the disk gains nothing beyond).
constexpr std::uint64_t kSyncedCopies = 8;
constexpr std::uint64_t kMemoryPerSyncedCopy = 16 << 20;

std::string numbered(const SplitSettings& s, std::uint64_t index) {
  std::string number = std::to_string(index);
  if (number.size() < static_cast<std::size_t>(s.digits)) {
    number.insert(0, static_cast<std::size_t>(s.digits) - number.size(), '0');
  }
  return s.prefix + number + s.suffix;
}

core::Result<Writer> open_part(const std::string& path, bool sync) {
  auto writer =
      core::AtomicFileWriter::open(path, sync ? core::AtomicFileWriter::Durability::kFsync
                                              : core::AtomicFileWriter::Durability::kRenameOnly);
  if (!writer) return core::fail(writer.error().with_context("output part"));
  return std::make_unique<core::AtomicFileWriter>(std::move(*writer));
}

// Commits the parts together: each directory is synced once, not once per part.
core::Status commit_all(const std::vector<Writer>& writers) {
  std::vector<core::AtomicFileWriter*> pointers;
  for (const Writer& writer : writers) pointers.push_back(writer.get());
  return core::AtomicFileWriter::commit_all(pointers);
}

// Parts kept open at once by --round-robin: a descriptor and a write buffer (about 1.2 MiB)
// each, so no more than the descriptor limit (less a reserve) and --memory allow. More
// parts are written in several passes over the input.
std::uint64_t open_parts_allowed(const CommonOptions& options) {
  constexpr std::uint64_t kReservedDescriptors = 32;
  struct rlimit limit {};
  std::uint64_t descriptors = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    descriptors = static_cast<std::uint64_t>(limit.rlim_cur);
  }
  std::uint64_t by_descriptors =
      descriptors > kReservedDescriptors * 2 ? descriptors - kReservedDescriptors : descriptors / 2;
  std::uint64_t by_memory = options.memory_bytes / (1200u << 10);
  return std::max<std::uint64_t>(std::min(by_descriptors, by_memory), 1);
}

core::Status write_line(core::AtomicFileWriter& writer, const core::Line& line) {
  CORE_RETURN_IF_ERROR(writer.write(line.bytes));
  return line.terminated ? writer.write("\n") : core::ok_status();
}

// A source with a known size to cut into contiguous parts: the input file itself, or a
// spill file holding stdin.
struct SizedSource {
  int fd = -1;
  bool owned = false;
  std::uint64_t size = 0;
  std::optional<SpillFile> spill;
  ~SizedSource() {
    if (owned && fd >= 0) ::close(fd);
  }
};

core::Status pread_exact(int fd, std::uint64_t offset, char* out, std::size_t length) {
  std::size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return core::fail(core::ErrorCode::kIo, std::string("reading input: ") +
                                                  (n == 0 ? "file shrank" : std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  return core::ok_status();
}

core::Status open_sized(const CommonOptions& options, SizedSource& source) {
  if (options.inputs.size() == 1 && options.inputs[0] != "-") {
    auto fd = open_input(options.inputs[0]);
    CORE_RETURN_IF_ERROR(fd);
    source.fd = *fd;
    source.owned = true;
    // Only a size that reading confirms: /proc files say 0 and would give empty parts.
    if (std::optional<std::uint64_t> size = stable_file_size(*fd)) {
      source.size = *size;
      return core::ok_status();
    }
    ::close(*fd);
    source.fd = -1;
    source.owned = false;
  }
  auto spill = SpillFile::create(temp_directory(options));
  CORE_RETURN_IF_ERROR(spill);
  source.spill.emplace(std::move(*spill));
  auto on_line = [&](const core::Line& line) -> core::Status {
    CORE_RETURN_IF_ERROR(source.spill->write(line.bytes));
    return line.terminated ? source.spill->write("\n") : core::ok_status();
  };
  CORE_RETURN_IF_ERROR(for_each_line(options.inputs, nullptr, on_line));
  CORE_RETURN_IF_ERROR(source.spill->finish_writing());
  source.fd = source.spill->fd();
  source.size = source.spill->size();
  return core::ok_status();
}

// First line start at or after `offset`.
core::Result<std::uint64_t> line_start_at_or_after(int fd, std::uint64_t size,
                                                   std::uint64_t offset) {
  if (offset == 0) return std::uint64_t{0};
  // A line starts at `offset` when the byte before it is '\n'.
  std::uint64_t position = offset - 1;
  char buffer[65536];
  while (position < size) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buffer, size - position));
    CORE_RETURN_IF_ERROR(pread_exact(fd, position, buffer, want));
    const void* found = std::memchr(buffer, '\n', want);
    if (found != nullptr) {
      return position + static_cast<std::uint64_t>(static_cast<const char*>(found) - buffer) + 1;
    }
    position += want;
  }
  return size;
}

core::Status split_parts(const CommonOptions& options, const SplitSettings& settings,
                         SplitStats& stats) {
  SizedSource source;
  CORE_RETURN_IF_ERROR(open_sized(options, source));
  std::vector<std::uint64_t> bounds;
  for (std::uint64_t k = 0; k <= settings.count; ++k) {
    std::uint64_t target =
        static_cast<std::uint64_t>((static_cast<__uint128_t>(source.size) * k) / settings.count);
    auto start = line_start_at_or_after(source.fd, source.size, target);
    CORE_RETURN_IF_ERROR(start);
    bounds.push_back(std::max(*start, bounds.empty() ? 0 : bounds.back()));
  }
  std::vector<Writer> writers(settings.count);
  for (std::uint64_t k = 0; k < settings.count; ++k) stats.files.push_back(numbered(settings, k));
  // Whole byte ranges, no per-line work, several parts at once: synced parts go to the disk
  // with direct I/O, where a thread mostly waits for the disk, so more copies in flight keep
  // it busy; without sync the copy is the kernel's page-cache work, one thread a core. Each
  // part is opened, filled, synced and closed by one copy: only the parts in flight hold a
  // descriptor, however many parts there are.
  std::atomic<std::uint64_t> next{0};
  std::mutex mutex;
  core::Status first_error = core::ok_status();
  auto copy_parts = [&] {
    for (std::uint64_t k = next++; k < settings.count; k = next++) {
      auto writer = open_part(stats.files[k], options.sync);
      core::Status status = writer ? core::ok_status() : core::fail(writer.error());
      if (status) {
        writers[k] = std::move(*writer);
        status = writers[k]->append_from(source.fd, bounds[k], bounds[k + 1] - bounds[k]);
      }
      // The fsync (if any) here too, while the other threads still copy.
      if (status) status = writers[k]->close_file();
      if (!status) {
        std::lock_guard lock(mutex);
        if (first_error) first_error = status;
        next = settings.count;
      }
    }
  };
  std::uint64_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t copies =
      options.sync
          ? std::clamp<std::uint64_t>(options.memory_bytes / kMemoryPerSyncedCopy, 1, kSyncedCopies)
          : cores;
  auto threads = static_cast<std::size_t>(std::min(settings.count, copies));
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(copy_parts);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: fewer copies in flight, same result
    }
  }
  copy_parts();
  for (std::thread& helper : helpers) helper.join();
  CORE_RETURN_IF_ERROR(first_error);
  return commit_all(writers);
}

// The value of operator `name` in `query` (first occurrence, not negated), if any.
std::optional<std::string_view> operator_value(std::string_view query, const std::string& name) {
  for (const Term& term : parse_query(query)) {
    if (term.kind == Term::Kind::kOperator && !term.negated && !term.value.empty() &&
        term.name.size() == name.size() && lower_ascii(term.name) == name) {
      return term.value;
    }
  }
  return std::nullopt;
}

// --lines from files: fails before any part is written when the part numbers would outgrow
// --digits. Lines are counted only when the size alone (a line holds at least one byte)
// does not settle it. Inputs that cannot be counted (pipes) are checked as parts are made.
core::Status check_line_parts(const CommonOptions& options, const SplitSettings& settings) {
  if (options.inputs.empty()) return core::ok_status();
  std::uint64_t bytes = 0;
  for (const std::string& input : options.inputs) {
    if (input == "-") return core::ok_status();
    auto fd = open_input(input);
    CORE_RETURN_IF_ERROR(fd);
    std::optional<std::uint64_t> size = stable_file_size(*fd);
    ::close(*fd);
    if (!size) return core::ok_status();
    bytes += *size;
  }
  auto parts_for = [&](std::uint64_t lines) {
    return lines / settings.count + (lines % settings.count != 0 ? 1 : 0);
  };
  if (check_part_count(settings, parts_for(bytes))) return core::ok_status();
  std::uint64_t lines = 0;
  auto count = [&](const core::Line&) -> core::Status {
    ++lines;
    return core::ok_status();
  };
  CORE_RETURN_IF_ERROR(for_each_line(options.inputs, nullptr, count, input_buffer_bytes(options)));
  return check_part_count(settings, parts_for(lines));
}

// --round-robin with more parts than may be open at once: the input (spooled first when it
// is not a file) is read once per group of parts; each pass writes its group, syncs and
// closes it, and every part is published together at the end.
core::Status round_robin_in_passes(const CommonOptions& options, const SplitSettings& settings,
                                   SplitStats& stats) {
  SizedSource source;
  CORE_RETURN_IF_ERROR(open_sized(options, source));
  std::uint64_t group = open_parts_allowed(options);
  std::vector<Writer> writers(settings.count);
  for (std::uint64_t k = 0; k < settings.count; ++k) stats.files.push_back(numbered(settings, k));
  for (std::uint64_t first = 0; first < settings.count; first += group) {
    std::uint64_t last = std::min(settings.count, first + group);
    for (std::uint64_t k = first; k < last; ++k) {
      auto writer = open_part(stats.files[k], options.sync);
      CORE_RETURN_IF_ERROR(writer);
      writers[k] = std::move(*writer);
    }
    if (::lseek(source.fd, 0, SEEK_SET) < 0) {
      return core::fail(core::ErrorCode::kIo,
                        std::string("rewinding the input: ") + std::strerror(errno));
    }
    core::LineReader reader(source.fd, input_name(options.inputs.empty() ? "-" : options.inputs[0]),
                            input_buffer_bytes(options));
    core::Line line;
    std::uint64_t index = 0;
    std::uint64_t lines = 0;
    while (reader.next(line)) {
      ++lines;
      std::uint64_t k = index++ % settings.count;
      if (k >= first && k < last) CORE_RETURN_IF_ERROR(write_line(*writers[k], line));
    }
    CORE_RETURN_IF_ERROR(reader.status());
    stats.lines = lines;
    for (std::uint64_t k = first; k < last; ++k) CORE_RETURN_IF_ERROR(writers[k]->close_file());
  }
  return commit_all(writers);
}

}  // namespace

core::Status check_part_count(const SplitSettings& settings, std::uint64_t parts) {
  std::uint64_t names = 1;
  for (int i = 0; i < settings.digits; ++i) names *= 10;
  if (parts <= names) return core::ok_status();
  int needed = static_cast<int>(std::to_string(parts - 1).size());
  std::string message = "suffixes exhausted: " + std::to_string(parts) + " parts need " +
                        std::to_string(needed) + "-digit numbers, --digits " +
                        std::to_string(settings.digits) + " names at most " +
                        std::to_string(names) + " parts";
  message += needed <= kMaxDigits ? " (use --digits " + std::to_string(needed) + ")"
                                  : " (--digits goes up to " + std::to_string(kMaxDigits) + ")";
  return core::fail(core::ErrorCode::kInvalidArgument, message);
}

std::string safe_file_part(std::string_view value) {
  // Percent-encoding is one-to-one: distinct values give distinct names. A leading '_' is
  // encoded too, so no value's name is "_none" (the part for lines without the operator).
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || (c == '.' && i > 0) || (c == '_' && i > 0);
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (value.empty()) out = "%";  // never produced otherwise ('%' is always followed by two digits)
  // File names are limited to 255 bytes: a long one keeps its start and ends with "%~" and a
  // 64-bit hash of the whole value ('~' never follows '%' in a plain encoding).
  constexpr std::size_t kMaxNameBytes = 160;
  if (out.size() > kMaxNameBytes) {
    std::size_t keep = kMaxNameBytes - 18;
    while (keep > 0 && (out[keep - 1] == '%' || (keep > 1 && out[keep - 2] == '%'))) --keep;
    char tag[24];
    std::snprintf(tag, sizeof tag, "%%~%016llx",
                  static_cast<unsigned long long>(hash_bytes(value)));
    out = out.substr(0, keep) + tag;
  }
  return out;
}

namespace {

// --by: one part per value. At most `max_open` parts are open at once (each holds a write
// buffer); lines of further values go to overflow buckets on disk, split by a hash of the
// value, and each bucket is handled the same way after the parts of this pass are
// committed. Every value's lines reach exactly one part, in input order.
class ByValueSplitter {
 public:
  ByValueSplitter(const CommonOptions& options, const SplitSettings& settings, SplitStats& stats)
      : options_(options),
        settings_(settings),
        stats_(stats),
        max_open_(std::max<std::uint64_t>(options.memory_bytes / (1200u << 10), 2)) {}

  struct Pass {
    std::uint64_t depth = 0;
    std::unordered_map<std::string, Writer> open;
    std::vector<SpillFile> buckets;
  };

  core::Status route(Pass& pass, const std::string& key, std::string_view line, bool terminated) {
    auto found = pass.open.find(key);
    if (found == pass.open.end() && pass.open.size() < max_open_) {
      stats_.files.push_back(settings_.prefix + key + settings_.suffix);
      auto writer = open_part(stats_.files.back(), options_.sync);
      CORE_RETURN_IF_ERROR(writer);
      found = pass.open.emplace(key, std::move(*writer)).first;
    }
    if (found != pass.open.end()) {
      CORE_RETURN_IF_ERROR(found->second->write(line));
      return terminated ? found->second->write("\n") : core::ok_status();
    }
    if (pass.buckets.empty()) {
      std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(max_open_, 64));
      for (std::size_t i = 0; i < count; ++i) {
        auto file = SpillFile::create(temp_directory(options_), 64u << 10);
        CORE_RETURN_IF_ERROR(file);
        pass.buckets.push_back(std::move(*file));
      }
    }
    SpillFile& bucket = pass.buckets[hash_bytes(key, pass.depth + 1) % pass.buckets.size()];
    char header[9];
    auto key_length = static_cast<std::uint32_t>(key.size());
    auto line_length = static_cast<std::uint32_t>(line.size());
    std::memcpy(header, &key_length, 4);
    std::memcpy(header + 4, &line_length, 4);
    header[8] = terminated ? 1 : 0;
    CORE_RETURN_IF_ERROR(bucket.write(std::string_view(header, 9)));
    CORE_RETURN_IF_ERROR(bucket.write(key));
    return bucket.write(line);
  }

  // Commits this pass's parts, then works through its overflow buckets.
  core::Status finish(Pass& pass) {
    std::vector<core::AtomicFileWriter*> parts;
    for (auto& [key, writer] : pass.open) parts.push_back(writer.get());
    CORE_RETURN_IF_ERROR(core::AtomicFileWriter::commit_all(parts));
    pass.open.clear();
    std::string key;
    for (SpillFile& slot : pass.buckets) {
      SpillFile bucket = std::move(slot);
      CORE_RETURN_IF_ERROR(bucket.finish_writing());
      Pass next;
      next.depth = pass.depth + 1;
      SpillReader reader(bucket, 0, bucket.size(), 1 << 16);
      while (reader.remaining() > 0) {
        auto header = reader.read(9);
        CORE_RETURN_IF_ERROR(header);
        std::uint32_t key_length, line_length;
        std::memcpy(&key_length, header->data(), 4);
        std::memcpy(&line_length, header->data() + 4, 4);
        bool terminated = (*header)[8] != 0;
        auto key_bytes = reader.read(key_length);
        CORE_RETURN_IF_ERROR(key_bytes);
        key.assign(*key_bytes);
        auto line = reader.read(line_length);
        CORE_RETURN_IF_ERROR(line);
        CORE_RETURN_IF_ERROR(route(next, key, *line, terminated));
      }
      CORE_RETURN_IF_ERROR(finish(next));
    }
    return core::ok_status();
  }

 private:
  const CommonOptions& options_;
  const SplitSettings& settings_;
  SplitStats& stats_;
  std::uint64_t max_open_;
};

}  // namespace

core::Result<SplitStats> run_split(const CommonOptions& options, const SplitSettings& settings) {
  SplitStats stats;
  if (settings.mode == SplitSettings::Mode::kParts) {
    CORE_RETURN_IF_ERROR(check_part_count(settings, settings.count));
    CORE_RETURN_IF_ERROR(split_parts(options, settings, stats));
    return stats;
  }
  if (settings.mode == SplitSettings::Mode::kRoundRobin) {
    CORE_RETURN_IF_ERROR(check_part_count(settings, settings.count));
    if (settings.count > open_parts_allowed(options)) {
      CORE_RETURN_IF_ERROR(round_robin_in_passes(options, settings, stats));
      return stats;
    }
  }
  if (settings.mode == SplitSettings::Mode::kLines) {
    CORE_RETURN_IF_ERROR(check_line_parts(options, settings));
  }
  Progress progress("split", options.progress, known_input_bytes(options.inputs));
  std::vector<Writer> writers;
  if (settings.mode == SplitSettings::Mode::kRoundRobin) {
    for (std::uint64_t k = 0; k < settings.count; ++k) {
      stats.files.push_back(numbered(settings, k));
      auto writer = open_part(stats.files.back(), options.sync);
      CORE_RETURN_IF_ERROR(writer);
      writers.push_back(std::move(*writer));
    }
  }
  ByValueSplitter by_value(options, settings, stats);
  ByValueSplitter::Pass top;
  std::string key;
  std::uint64_t in_part = 0;
  std::uint64_t index = 0;
  auto on_line = [&](const core::Line& line) -> core::Status {
    ++stats.lines;
    switch (settings.mode) {
      case SplitSettings::Mode::kLines:
        if (writers.empty() || in_part == settings.count) {
          if (!writers.empty()) CORE_RETURN_IF_ERROR(writers.back()->commit());
          writers.clear();
          // Input that could not be counted up front (a pipe) can still run out of names.
          CORE_RETURN_IF_ERROR(check_part_count(settings, stats.files.size() + 1));
          stats.files.push_back(numbered(settings, stats.files.size()));
          auto writer = open_part(stats.files.back(), options.sync);
          CORE_RETURN_IF_ERROR(writer);
          writers.push_back(std::move(*writer));
          in_part = 0;
        }
        ++in_part;
        return write_line(*writers.back(), line);
      case SplitSettings::Mode::kRoundRobin:
        return write_line(*writers[index++ % settings.count], line);
      case SplitSettings::Mode::kByOperator: {
        auto value = operator_value(line.bytes, settings.by);
        key = value ? safe_file_part(*value) : std::string("_none");
        return by_value.route(top, key, line.bytes, line.terminated);
      }
      case SplitSettings::Mode::kParts:
        break;
    }
    return core::ok_status();
  };
  CORE_RETURN_IF_ERROR(
      for_each_line(options.inputs, &progress, on_line, input_buffer_bytes(options)));
  progress.finish();
  CORE_RETURN_IF_ERROR(commit_all(writers));
  if (settings.mode == SplitSettings::Mode::kByOperator) CORE_RETURN_IF_ERROR(by_value.finish(top));
  return stats;
}

}  // namespace dorky
