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

// A shuffled run on disk: its lines in random order, and the longest of them (what a reader
// of the run may have to hold at once).
struct Run {
  SpillFile file;
  std::uint64_t lines = 0;
  std::uint64_t longest = 0;
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
        max_line_(std::max<std::uint64_t>(budget_ / 8, 4096)),
        reader_bytes_(static_cast<std::size_t>(
            std::clamp<std::uint64_t>(budget_ / (kMaxFanIn + 1), 4096, 4u << 20))),
        arena_(new char[budget_]) {}

  core::Result<ShuffleStats> run() {
    Progress progress("shuffle", options_.progress, known_input_bytes(options_.inputs));
    auto on_line = [&](const core::Line& line) -> core::Status { return add(line.bytes); };
    CORE_RETURN_IF_ERROR(for_each_line(options_.inputs, &progress, on_line,
                                       input_buffer_bytes(options_),
                                       static_cast<std::size_t>(max_line_)));
    progress.finish();
    if (stats_.runs == 0) {
      shuffle_chunk();
      CORE_RETURN_IF_ERROR(write_chunk(nullptr));
      return stats_;
    }
    if (!offsets_.empty()) CORE_RETURN_IF_ERROR(spill_chunk());
    release_arena();
    CORE_RETURN_IF_ERROR(merge_all());
    return stats_;
  }

 private:
  // Runs merged at once, at most: each holds a descriptor and a read buffer.
  static constexpr std::size_t kMaxFanIn = 64;

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
      // A line larger than the whole budget (only with a tiny budget): a run of its own.
      auto run = new_run();
      CORE_RETURN_IF_ERROR(run);
      CORE_RETURN_IF_ERROR(run->file.write(line));
      CORE_RETURN_IF_ERROR(run->file.write("\n"));
      run->lines = 1;
      run->longest = line.size();
      return finish_run(std::move(*run));
    }
    auto length = static_cast<std::uint32_t>(line.size());
    std::memcpy(arena_.get() + used_, &length, 4);
    std::memcpy(arena_.get() + used_ + 4, line.data(), line.size());
    offsets_.push_back(used_);
    used_ += need;
    longest_ = std::max<std::uint64_t>(longest_, line.size());
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

  core::Result<Run> new_run() {
    auto file = SpillFile::create(temp_directory(options_), reader_bytes_);
    CORE_RETURN_IF_ERROR(file);
    return Run{std::move(*file), 0, 0};
  }

  core::Status spill_chunk() {
    shuffle_chunk();
    auto run = new_run();
    CORE_RETURN_IF_ERROR(run);
    CORE_RETURN_IF_ERROR(write_chunk(&run->file));
    run->lines = offsets_.size();
    run->longest = longest_;
    offsets_.clear();
    used_ = 0;
    longest_ = 0;
    return finish_run(std::move(*run));
  }

  // What reading a run costs: its buffer, grown to twice its longest line if need be.
  std::uint64_t reader_cost(const Run& run) const {
    return std::max<std::uint64_t>(reader_bytes_, 2 * (run.longest + 1));
  }

  // Runs fit one merge while there are at most kMaxFanIn of them and their readers and the
  // merged run's write buffer fit the budget.
  bool fits(std::uint64_t cost, std::size_t runs) const {
    return runs <= kMaxFanIn && cost + reader_bytes_ <= budget_;
  }

  // Adds a finished run to the first level and merges full levels upwards (like a binary
  // counter): every line is rewritten about log_F(runs) times, and never more than
  // kMaxFanIn runs per level are open, so memory and descriptors stay bounded however large
  // the input. The arena is released while a merge runs and taken back afterwards.
  core::Status finish_run(Run run) {
    CORE_RETURN_IF_ERROR(run.file.finish_writing());
    ++stats_.runs;
    for (std::size_t level = 0;; ++level) {
      if (levels_.size() == level) levels_.emplace_back();
      std::vector<Run>& runs = levels_[level];
      std::uint64_t cost = reader_cost(run);
      for (const Run& r : runs) cost += reader_cost(r);
      // Fewer than two runs cannot be merged: taken whatever the cost (only a budget below
      // two read buffers gets there).
      if (runs.size() < 2 || fits(cost, runs.size() + 1)) {
        runs.push_back(std::move(run));
        return core::ok_status();
      }
      // This level is full: its runs become one run of the next level; `run` starts anew.
      bool had_arena = arena_ != nullptr;
      release_arena();
      auto merged = merge_to_run(runs);
      CORE_RETURN_IF_ERROR(merged);
      if (had_arena) arena_.reset(new char[budget_]);
      runs.push_back(std::move(run));
      run = std::move(*merged);
    }
  }

  void release_arena() {
    arena_.reset();
    std::vector<std::uint64_t>().swap(offsets_);
  }

  // Draws the runs' lines in a uniformly random interleaving: the next line comes from run
  // i with probability remaining(i) / remaining(all). Each run is a uniform permutation of
  // its lines, so the result is a uniform permutation of all of them; merging merged runs
  // again keeps that, whatever the grouping.
  template <class Emit>
  core::Status merge(std::vector<Run>& runs, Emit&& emit) {
    std::vector<std::unique_ptr<core::LineReader>> readers;
    std::vector<std::uint64_t> counts;
    std::uint64_t total = 0;
    for (const Run& run : runs) {
      readers.push_back(
          std::make_unique<core::LineReader>(run.file.fd(), "a shuffle run", reader_bytes_));
      counts.push_back(run.lines);
      total += run.lines;
    }
    Fenwick remaining(counts);
    core::Line line;
    for (std::uint64_t left = total; left > 0; --left) {
      std::size_t i = remaining.find(random_.below(left));
      if (!readers[i]->next(line)) {
        CORE_RETURN_IF_ERROR(readers[i]->status());
        return core::fail(core::ErrorCode::kIo, "a shuffle run ended early");
      }
      remaining.add(i, -1);
      CORE_RETURN_IF_ERROR(emit(line.bytes));
    }
    return core::ok_status();
  }

  core::Result<Run> merge_to_run(std::vector<Run>& runs) {
    auto merged = new_run();
    CORE_RETURN_IF_ERROR(merged);
    for (const Run& run : runs) {
      merged->lines += run.lines;
      merged->longest = std::max(merged->longest, run.longest);
    }
    auto append = [&](std::string_view line) -> core::Status {
      CORE_RETURN_IF_ERROR(merged->file.write(line));
      return merged->file.write("\n");
    };
    CORE_RETURN_IF_ERROR(merge(runs, append));
    CORE_RETURN_IF_ERROR(merged->file.finish_writing());
    runs.clear();  // their files are closed and their disk space freed
    return std::move(*merged);
  }

  // Merges what the levels hold: groups that fit one merge become single runs until one
  // group is left, which is merged into the output.
  core::Status merge_all() {
    std::vector<Run> runs;
    for (std::vector<Run>& level : levels_) {
      for (Run& run : level) runs.push_back(std::move(run));
    }
    levels_.clear();
    while (true) {
      std::uint64_t cost = 0;
      for (const Run& run : runs) cost += reader_cost(run);
      if (runs.size() <= 2 || fits(cost, runs.size())) break;
      std::vector<Run> next;
      std::size_t i = 0;
      while (i < runs.size()) {
        std::vector<Run> group;
        std::uint64_t group_cost = 0;
        while (i < runs.size() &&
               (group.size() < 2 || fits(group_cost + reader_cost(runs[i]), group.size() + 1))) {
          group_cost += reader_cost(runs[i]);
          group.push_back(std::move(runs[i++]));
        }
        if (group.size() == 1) {
          next.push_back(std::move(group.front()));
          continue;
        }
        auto merged = merge_to_run(group);
        CORE_RETURN_IF_ERROR(merged);
        next.push_back(std::move(*merged));
      }
      runs = std::move(next);
    }
    return merge(runs, [&](std::string_view line) { return out_.write_line(line); });
  }

  const CommonOptions& options_;
  Output& out_;
  Random random_;
  std::uint64_t budget_;
  std::uint64_t max_line_;
  std::size_t reader_bytes_;
  std::unique_ptr<char[]> arena_;
  std::uint64_t used_ = 0;
  std::uint64_t longest_ = 0;  // longest line in the arena
  std::vector<std::uint64_t> offsets_;
  std::vector<std::vector<Run>> levels_;  // levels_[k]: runs merged k times
  ShuffleStats stats_;
};

}  // namespace

core::Result<ShuffleStats> run_shuffle(const CommonOptions& options, std::uint64_t seed,
                                       Output& out) {
  Shuffler shuffler(options, seed, out);
  return shuffler.run();
}

}  // namespace dorky
