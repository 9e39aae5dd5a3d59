#include "dorkgen/exhaustive.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/atomic_file.h"
#include "core/keyed_permutation.h"
#include "dorkgen/fingerprint_set.h"
#include "dorkgen/space.h"
#include "stage_files.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;
using stages::append_stage_line;
using stages::file_checksum;
using stages::for_each_stage_line;
using stages::kBlockBytes;
using stages::kUnset;
using stages::Manifest;
using stages::read_manifest;
using stages::serialise;
using stages::stage_path;
using stages::StageLine;
using stages::StageRecord;

// Everything that determines the stage files: the templates, their pools, the pass order.
std::uint64_t plan_identity(const Plan& plan, const std::vector<std::uint32_t>& pass_pools) {
  std::uint64_t h = 0x13198a2e03707344ULL;
  auto add = [&](std::string_view bytes) { h = core::mix64(h ^ fingerprint(bytes)); };
  for (const PlanTemplate& t : plan.templates()) {
    add(t.source.parsed.text());
    for (std::uint32_t pool : t.slot_pool) add(plan.pools()[pool].name);
  }
  for (std::uint32_t pool : pass_pools) {
    add(plan.pools()[pool].name);
    for (const std::string& v : plan.pools()[pool].values) add(v);
  }
  return h;
}

// Pass order: placeholder pools by size, smallest first, so stage files stay small.
std::vector<std::uint32_t> pass_order(const Plan& plan) {
  std::vector<std::uint32_t> pass_pools;
  for (const PlanTemplate& t : plan.templates()) {
    for (std::uint32_t pool : t.slot_pool) {
      if (std::find(pass_pools.begin(), pass_pools.end(), pool) == pass_pools.end()) {
        pass_pools.push_back(pool);
      }
    }
  }
  std::sort(pass_pools.begin(), pass_pools.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Pool& pa = plan.pools()[a];
    const Pool& pb = plan.pools()[b];
    if (pa.values.size() != pb.values.size()) return pa.values.size() < pb.values.size();
    return pa.name < pb.name;
  });
  return pass_pools;
}

// The slot of template `t` filled from pool `pool`, or -1.
int slot_for_pool(const PlanTemplate& t, std::uint32_t pool) {
  for (std::size_t s = 0; s < t.slot_pool.size(); ++s) {
    if (t.slot_pool[s] == pool) return static_cast<int>(s);
  }
  return -1;
}

bool cancelled(const ExhaustiveOptions& options) {
  return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

// Writes stage `stage` (>= 1) from stage - 1 by expanding `pool`.
core::Status expand_stage(const Plan& plan, const ExhaustiveOptions& options, std::size_t stage,
                          std::uint32_t pool) {
  auto writer = core::AtomicFileWriter::open(stage_path(options.work_dir, stage));
  if (!writer) return core::fail(writer.error());
  std::string out;
  const std::uint32_t pool_size = static_cast<std::uint32_t>(plan.pools()[pool].values.size());
  core::Status read = for_each_stage_line(
      plan, stage_path(options.work_dir, stage - 1), [&](StageLine& parsed) -> core::Status {
        int slot = slot_for_pool(plan.templates()[parsed.t], pool);
        if (slot < 0) {
          append_stage_line(out, plan, parsed);
        } else {
          for (std::uint32_t v = 0; v < pool_size; ++v) {
            parsed.values[slot] = v;
            append_stage_line(out, plan, parsed);
          }
        }
        if (out.size() >= kBlockBytes) {
          if (cancelled(options)) return core::fail(core::ErrorCode::kCancelled, "cancelled");
          CORE_RETURN_IF_ERROR(writer->write(out));
          out.clear();
        }
        return core::ok_status();
      });
  if (!read) return read;
  CORE_RETURN_IF_ERROR(writer->write(out));
  return writer->commit();
}

core::Status write_stage_zero(const Plan& plan, const fs::path& dir) {
  std::string out;
  for (std::uint32_t t = 0; t < plan.templates().size(); ++t) {
    StageLine line;
    line.t = t;
    line.values.fill(kUnset);
    append_stage_line(out, plan, line);
  }
  return core::write_file_atomically(stage_path(dir, 0), out);
}

bool pool_has_byte(const Pool& pool, char c) {
  return std::any_of(pool.values.begin(), pool.values.end(),
                     [c](const std::string& v) { return v.find(c) != std::string::npos; });
}

bool injective(const Plan& plan, const PlanTemplate& t) {
  const std::vector<Segment>& segments = t.source.parsed.segments();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!segments[i].is_slot) continue;
    if (i + 1 == segments.size()) continue;
    if (segments[i + 1].is_slot) return false;
    const Pool& pool = plan.pools()[t.slot_pool[segments[i].slot]];
    if (pool_has_byte(pool, segments[i + 1].literal[0])) return false;
  }
  return true;
}

std::string_view fixed_prefix(const PlanTemplate& t) {
  const auto& segments = t.source.parsed.segments();
  return segments.front().is_slot ? std::string_view() : std::string_view(segments.front().literal);
}

std::string_view fixed_suffix(const PlanTemplate& t) {
  const auto& segments = t.source.parsed.segments();
  return segments.back().is_slot ? std::string_view() : std::string_view(segments.back().literal);
}

bool disjoint(const PlanTemplate& a, const PlanTemplate& b) {
  std::string_view pa = fixed_prefix(a), pb = fixed_prefix(b);
  std::size_t n = std::min(pa.size(), pb.size());
  if (pa.substr(0, n) != pb.substr(0, n)) return true;
  std::string_view sa = fixed_suffix(a), sb = fixed_suffix(b);
  n = std::min(sa.size(), sb.size());
  return sa.substr(sa.size() - n) != sb.substr(sb.size() - n);
}

// Output buffer for the final pass: records are rendered straight into it.
class OutputBuffer {
 public:
  OutputBuffer(ByteSink& sink, std::size_t max_record)
      : sink_(sink), data_(kBlockBytes + max_record) {}
  char* reserve() { return data_.data() + size_; }
  core::Status commit(std::size_t bytes) {
    size_ += bytes;
    if (size_ >= kBlockBytes) return flush();
    return core::ok_status();
  }
  core::Status append(std::string_view bytes) {
    if (size_ + bytes.size() > data_.size()) CORE_RETURN_IF_ERROR(flush());
    if (bytes.size() > data_.size()) return sink_.write(bytes);
    std::memcpy(data_.data() + size_, bytes.data(), bytes.size());
    return commit(bytes.size());
  }
  core::Status flush() {
    CORE_RETURN_IF_ERROR(sink_.write(std::string_view(data_.data(), size_)));
    size_ = 0;
    return core::ok_status();
  }

 private:
  ByteSink& sink_;
  std::vector<char> data_;
  std::size_t size_ = 0;
};

core::Result<RunStats> final_pass(const Plan& plan, const ExhaustiveOptions& options,
                                  std::size_t last_stage, int last_pool,
                                  const std::vector<bool>& needs_dedup, FingerprintSet* set,
                                  ByteSink& sink) {
  RunStats stats;
  OutputBuffer out(sink, plan.max_query_bytes() + 1 + Plan::kRenderSlack);
  CORE_RETURN_IF_ERROR(out.append(output_header(options.format)));
  std::string record;
  std::vector<char> scratch(plan.max_query_bytes() + 1 + Plan::kRenderSlack);
  const bool plain = options.format == OutputFormat::kLines;
  const u128 progress_step = u128{1} << 22;
  u128 next_progress = progress_step;

  auto emit = [&](std::uint32_t t, const std::uint32_t* values) -> core::Status {
    char* target = plain ? out.reserve() : scratch.data();
    std::size_t length = plan.render(t, values, target);
    ++stats.indices_drawn;
    if (needs_dedup[t] && !set->insert(fingerprint(std::string_view(target, length)))) {
      ++stats.string_duplicates;
      return core::ok_status();
    }
    ++stats.emitted;
    if (plain) {
      target[length] = '\n';
      return out.commit(length + 1);
    }
    record.clear();
    append_record(record, options.format, plan, t, values, std::string_view(target, length));
    return out.append(record);
  };

  core::Status read = for_each_stage_line(
      plan, stage_path(options.work_dir, last_stage), [&](StageLine& parsed) -> core::Status {
        const PlanTemplate& t = plan.templates()[parsed.t];
        int slot = last_pool < 0 ? -1 : slot_for_pool(t, static_cast<std::uint32_t>(last_pool));
        if (slot < 0 || parsed.values[slot] != kUnset) {
          CORE_RETURN_IF_ERROR(emit(parsed.t, parsed.values.data()));
        } else {
          const std::uint32_t size =
              static_cast<std::uint32_t>(plan.pools()[t.slot_pool[slot]].values.size());
          for (std::uint32_t v = 0; v < size; ++v) {
            parsed.values[slot] = v;
            CORE_RETURN_IF_ERROR(emit(parsed.t, parsed.values.data()));
          }
        }
        if (stats.indices_drawn >= next_progress) {
          if (cancelled(options)) return core::fail(core::ErrorCode::kCancelled, "cancelled");
          if (options.progress) options.progress(stats.indices_drawn, plan.total());
          next_progress = stats.indices_drawn + progress_step;
        }
        return core::ok_status();
      });
  if (!read) return core::fail(read.error());
  CORE_RETURN_IF_ERROR(out.flush());
  if (stats.indices_drawn != plan.total()) {
    return core::fail(core::ErrorCode::kInternal, "exhaustive run produced " +
                                                      format_number(stats.indices_drawn) + " of " +
                                                      format_number(plan.total()) + " tuples");
  }
  CORE_RETURN_IF_ERROR(sink.finish());
  if (options.progress) options.progress(stats.indices_drawn, plan.total());
  return stats;
}

void remove_leftover_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".stage-") || name.starts_with(".manifest.tmp"))
      fs::remove(entry.path(), ec);
  }
}

}  // namespace

std::vector<bool> templates_needing_dedup(const Plan& plan) {
  const auto& templates = plan.templates();
  std::vector<bool> needs(templates.size(), false);
  for (std::size_t i = 0; i < templates.size(); ++i) {
    if (!injective(plan, templates[i])) needs[i] = true;
    for (std::size_t j = i + 1; j < templates.size(); ++j) {
      if (!disjoint(templates[i], templates[j])) needs[i] = needs[j] = true;
    }
  }
  return needs;
}

std::vector<bool> templates_rendering_uniquely(const Plan& plan) {
  std::vector<bool> unique;
  for (const PlanTemplate& t : plan.templates()) unique.push_back(injective(plan, t));
  return unique;
}

WorkDirState inspect_work_dir(const Plan& plan, const fs::path& work_dir) {
  WorkDirState state;
  const std::vector<std::uint32_t> pass_pools = pass_order(plan);
  const std::size_t stage_count = pass_pools.empty() ? 1 : pass_pools.size();
  for (std::size_t i = 0; i < stage_count; ++i) {
    StageInfo stage;
    stage.index = i;
    if (i > 0) stage.expands = plan.pools()[pass_pools[i - 1]].name;
    stage.file = stage_path(work_dir, i);
    state.stages.push_back(std::move(stage));
  }
  StageInfo final_pass;
  final_pass.index = stage_count;
  final_pass.final_pass = true;
  if (!pass_pools.empty()) final_pass.expands = plan.pools()[pass_pools.back()].name;
  state.stages.push_back(std::move(final_pass));

  const fs::path manifest_path = work_dir / "manifest";
  std::error_code ec;
  if (!fs::exists(manifest_path, ec)) return state;
  state.has_manifest = true;
  auto manifest = read_manifest(manifest_path);
  if (!manifest) {
    state.problem = manifest.error().message();
    return state;
  }
  if (manifest->plan != plan_identity(plan, pass_pools) || manifest->stages.size() > stage_count) {
    state.problem = manifest_path.string() +
                    " belongs to a different run (other presets, types, targets or engine)";
    return state;
  }
  state.same_plan = true;
  for (std::size_t i = 0; i < manifest->stages.size(); ++i) {
    state.stages[i].recorded = true;
    state.stages[i].bytes = manifest->stages[i].bytes;
  }
  return state;
}

core::Result<RunStats> generate_all(const Plan& plan, const ExhaustiveOptions& options,
                                    ByteSink& sink) {
  // Up front, before anything is written: the dedup set for what cannot be proven unique.
  std::vector<bool> needs_dedup = templates_needing_dedup(plan);
  u128 dedup_count = 0;
  for (std::size_t t = 0; t < needs_dedup.size(); ++t) {
    if (needs_dedup[t]) dedup_count += plan.templates()[t].count;
  }
  if ((dedup_count >> 62) != 0) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      format_count(dedup_count) +
                          " need deduplication: more than any dedup set "
                          "can hold");
  }
  auto set =
      FingerprintSet::create(static_cast<std::uint64_t>(dedup_count), options.memory_budget_bytes);
  if (!set) {
    return core::fail(set.error().with_context(
        "exhaustive mode cannot prove " + format_count(dedup_count) + " unique by construction"));
  }

  const std::vector<std::uint32_t> pass_pools = pass_order(plan);
  // Stage files 0 .. stage_count-1; the last pool is expanded by the final pass.
  const std::size_t stage_count = pass_pools.empty() ? 1 : pass_pools.size();
  const std::uint64_t identity = plan_identity(plan, pass_pools);
  const fs::path manifest_path = options.work_dir / "manifest";

  std::error_code ec;
  fs::create_directories(options.work_dir, ec);
  if (ec) {
    return core::fail(core::ErrorCode::kIo,
                      "creating work directory " + options.work_dir.string() + ": " + ec.message());
  }
  Manifest manifest;
  manifest.plan = identity;
  if (options.resume) {
    if (!fs::exists(manifest_path, ec)) {
      return core::fail(core::ErrorCode::kFailedPrecondition,
                        "nothing to resume: " + manifest_path.string() + " does not exist");
    }
    auto loaded = read_manifest(manifest_path);
    if (!loaded) return core::fail(loaded.error());
    if (loaded->plan != identity) {
      return core::fail(
          core::ErrorCode::kFailedPrecondition,
          manifest_path.string() + " belongs to a different run (other presets, types or engine)");
    }
    if (loaded->stages.size() > stage_count) {
      return core::fail(core::ErrorCode::kCorrupt, manifest_path.string() + ": too many stages");
    }
    for (std::size_t i = 0; i < loaded->stages.size(); ++i) {
      std::uint64_t bytes = 0;
      auto sum = file_checksum(stage_path(options.work_dir, i), &bytes);
      if (!sum) return core::fail(sum.error());
      if (bytes != loaded->stages[i].bytes || *sum != loaded->stages[i].checksum) {
        return core::fail(core::ErrorCode::kCorrupt,
                          stage_path(options.work_dir, i).string() +
                              " does not match the manifest; remove the work directory and start "
                              "over");
      }
    }
    manifest = std::move(*loaded);
  } else if (fs::exists(manifest_path, ec)) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      options.work_dir.string() +
                          " holds an unfinished run: pass --resume, or remove the directory");
  }
  remove_leftover_temporaries(options.work_dir);

  for (std::size_t stage = manifest.stages.size(); stage < stage_count; ++stage) {
    if (cancelled(options)) return core::fail(core::ErrorCode::kCancelled, "cancelled");
    if (stage == 0) {
      CORE_RETURN_IF_ERROR(write_stage_zero(plan, options.work_dir));
    } else {
      CORE_RETURN_IF_ERROR(expand_stage(plan, options, stage, pass_pools[stage - 1]));
    }
    StageRecord record;
    auto sum = file_checksum(stage_path(options.work_dir, stage), &record.bytes);
    if (!sum) return core::fail(sum.error());
    record.checksum = *sum;
    manifest.stages.push_back(record);
    CORE_RETURN_IF_ERROR(core::write_file_atomically(manifest_path, serialise(manifest)));
  }

  int last_pool = pass_pools.empty() ? -1 : static_cast<int>(pass_pools.back());
  auto stats = final_pass(plan, options, stage_count - 1, last_pool, needs_dedup, &*set, sink);
  if (!stats) return stats;
  for (std::size_t i = 0; i < stage_count; ++i) fs::remove(stage_path(options.work_dir, i), ec);
  fs::remove(manifest_path, ec);
  fs::remove(options.work_dir, ec);  // only if empty
  return stats;
}

}  // namespace dorkgen
