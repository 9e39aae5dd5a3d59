#include "dorky/shuffle.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "core/line_reader.h"
#include "dorky/input.h"
#include "dorky/random.h"
#include "dorky/spill_file.h"

namespace dorky {
namespace {

// Sums over run sizes with O(log k) "which run holds the u-th remaining line".
class Fenwick {
 public:
  explicit Fenwick(const std::vector<std::uint64_t>& values) : tree_(values.size() + 1, 0) {
    for (std::size_t i = 0; i < values.size(); ++i) add(i, static_cast<std::int64_t>(values[i]));
    while ((top_ << 1) <= values.size()) top_ <<= 1;
  }
  void add(std::size_t index, std::int64_t delta) {
    for (std::size_t i = index + 1; i < tree_.size(); i += i & (~i + 1)) {
      tree_[i] = static_cast<std::uint64_t>(static_cast<std::int64_t>(tree_[i]) + delta);
    }
  }
  // The index i with prefix(i) <= u < prefix(i + 1).
  std::size_t find(std::uint64_t u) const {
    std::size_t position = 0;
    for (std::size_t step = top_; step > 0; step >>= 1) {
      if (position + step < tree_.size() && tree_[position + step] <= u) {
        position += step;
        u -= tree_[position];
      }
    }
    return position;
  }

 private:
  std::vector<std::uint64_t> tree_;
  std::size_t top_ = 1;
};

class Shuffler {
 public:
  Shuffler(const CommonOptions& options, std::uint64_t seed, Output& out)
      : options_(options),
        out_(out),
        random_(seed),
        budget_(
            std::max<std::uint64_t>(options.memory_bytes * 3 / 4 -
                                        std::min<std::uint64_t>(6u << 20, options.memory_bytes / 8),
                                    16)),
        arena_(new char[budget_]) {}

  core::Result<ShuffleStats> run() {
    Progress progress("shuffle", options_.progress, known_input_bytes(options_.inputs));
    auto on_line = [&](const core::Line& line) -> core::Status { return add(line.bytes); };
    CORE_RETURN_IF_ERROR(
        for_each_line(options_.inputs, &progress, on_line, input_buffer_bytes(options_)));
    progress.finish();
    if (runs_.empty()) {
      shuffle_chunk();
      CORE_RETURN_IF_ERROR(write_chunk(nullptr));
      return stats_;
    }
    if (!offsets_.empty()) CORE_RETURN_IF_ERROR(spill_chunk());
    arena_.reset();
    std::vector<std::uint64_t>().swap(offsets_);
    CORE_RETURN_IF_ERROR(merge());
    stats_.runs = runs_.size();
    return stats_;
  }

 private:
  core::Status add(std::string_view line) {
    ++stats_.lines;
    std::size_t need = 4 + line.size();
    std::size_t slots = offsets_.size() + 1 > offsets_.capacity()
                            ? std::max<std::size_t>(offsets_.capacity() * 2, 2)
                            : offsets_.capacity();
    if (used_ + need + slots * sizeof(std::uint64_t) > budget_ && !offsets_.empty()) {
      CORE_RETURN_IF_ERROR(spill_chunk());
    }
    if (need + 2 * sizeof(std::uint64_t) > budget_) {
      // A line larger than the whole budget: a run of its own.
      CORE_RETURN_IF_ERROR(new_run());
      CORE_RETURN_IF_ERROR(runs_.back().write(line));
      CORE_RETURN_IF_ERROR(runs_.back().write("\n"));
      run_lines_.push_back(1);
      return runs_.back().finish_writing();
    }
    auto length = static_cast<std::uint32_t>(line.size());
    std::memcpy(arena_.get() + used_, &length, 4);
    std::memcpy(arena_.get() + used_ + 4, line.data(), line.size());
    offsets_.push_back(used_);
    used_ += need;
    return core::ok_status();
  }

  void shuffle_chunk() {
    for (std::size_t i = offsets_.size(); i > 1; --i) {
      std::swap(offsets_[i - 1], offsets_[random_.below(i)]);
    }
  }

  std::string_view line_at(std::uint64_t offset) const {
    std::uint32_t length;
    std::memcpy(&length, arena_.get() + offset, 4);
    return {arena_.get() + offset + 4, length};
  }

  // Writes the (shuffled) chunk to `run`, or to the output when null.
  core::Status write_chunk(SpillFile* run) {
    constexpr std::size_t kAhead = 16;
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      if (i + kAhead < offsets_.size()) __builtin_prefetch(arena_.get() + offsets_[i + kAhead]);
      std::string_view line = line_at(offsets_[i]);
      if (run == nullptr) {
        CORE_RETURN_IF_ERROR(out_.write_line(line));
      } else {
        CORE_RETURN_IF_ERROR(run->write(line));
        CORE_RETURN_IF_ERROR(run->write("\n"));
      }
    }
    return core::ok_status();
  }

  core::Status new_run() {
    auto run =
        SpillFile::create(temp_directory(options_),
                          static_cast<std::size_t>(std::min<std::uint64_t>(budget_, 1 << 20)));
    CORE_RETURN_IF_ERROR(run);
    runs_.push_back(std::move(*run));
    return core::ok_status();
  }

  core::Status spill_chunk() {
    shuffle_chunk();
    CORE_RETURN_IF_ERROR(new_run());
    CORE_RETURN_IF_ERROR(write_chunk(&runs_.back()));
    CORE_RETURN_IF_ERROR(runs_.back().finish_writing());
    run_lines_.push_back(offsets_.size());
    offsets_.clear();
    used_ = 0;
    return core::ok_status();
  }

  core::Status merge() {
    std::size_t buffer =
        static_cast<std::size_t>(std::clamp<std::uint64_t>(budget_ / runs_.size(), 4096, 4u << 20));
    std::vector<std::unique_ptr<core::LineReader>> readers;
    for (const SpillFile& run : runs_) {
      readers.push_back(std::make_unique<core::LineReader>(run.fd(), "a shuffle run", buffer));
    }
    Fenwick remaining(run_lines_);
    std::uint64_t total = stats_.lines;
    core::Line line;
    for (std::uint64_t left = total; left > 0; --left) {
      std::size_t i = remaining.find(random_.below(left));
      if (!readers[i]->next(line)) {
        CORE_RETURN_IF_ERROR(readers[i]->status());
        return core::fail(core::ErrorCode::kIo, "a shuffle run ended early");
      }
      remaining.add(i, -1);
      CORE_RETURN_IF_ERROR(out_.write_line(line.bytes));
    }
    return core::ok_status();
  }

  const CommonOptions& options_;
  Output& out_;
  Random random_;
  std::uint64_t budget_;
  std::unique_ptr<char[]> arena_;
  std::uint64_t used_ = 0;
  std::vector<std::uint64_t> offsets_;
  std::vector<SpillFile> runs_;
  std::vector<std::uint64_t> run_lines_;
  ShuffleStats stats_;
};

}  // namespace

core::Result<ShuffleStats> run_shuffle(const CommonOptions& options, std::uint64_t seed,
                                       Output& out) {
  Shuffler shuffler(options, seed, out);
  return shuffler.run();
}

}  // namespace dorky
