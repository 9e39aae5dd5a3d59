// Exhaustive mode: every query of a plan, in a fixed order, produced in stages so that memory
// stays bounded whatever the output size (the staged design of the original generator).
//
// Placeholder names are ordered by pool size (smallest first, then by name). Stage 0 writes one
// line per template; stage k reads stage k-1 and expands the k-th placeholder name in every
// line that uses it, one output line per value; lines that do not use it pass through. Stage
// lines hold a template index and one value index (or '*') per slot, so they are small: the
// last and largest expansion happens only in the final pass, which renders queries straight
// into the output. Every finished stage is fsync'ed and renamed into the work directory and
// then recorded in the manifest; --resume skips the recorded stages (after checking that the
// manifest belongs to the same plan, and each stage file's size and checksum), so a run killed
// at any point and resumed writes exactly the bytes an uninterrupted run would.
//
// Uniqueness: within a template, distinct value tuples give distinct strings when every slot is
// followed by a literal whose first byte no value of that slot's pool contains (or ends the
// template); two templates cannot produce the same string when their fixed prefixes or fixed
// suffixes differ. Queries of templates proven both ways are unique by construction; all others
// pass through a fingerprint set sized (within the memory budget) for their count, and a run
// that would need more memory than the budget is refused up front.
#pragma once

#include <atomic>
#include <filesystem>
#include <vector>

#include "core/status.h"
#include "dorkgen/output.h"
#include "dorkgen/plan.h"
#include "dorkgen/sampler.h"

namespace dorkgen {

struct ExhaustiveOptions {
  OutputFormat format = OutputFormat::kLines;
  std::filesystem::path work_dir;  // created if missing; holds stage files and the manifest
  bool resume = false;             // continue from the manifest in work_dir
  std::size_t memory_budget_bytes = std::size_t{1} << 30;
  const std::atomic<bool>* cancel = nullptr;
  ProgressFn progress;
};

// For each template, whether its queries must go through the dedup set (see above).
std::vector<bool> templates_needing_dedup(const Plan& plan);

// For each template, whether distinct value tuples provably render distinct strings (the
// within-template half of the proof above; templates may still overlap one another).
std::vector<bool> templates_rendering_uniquely(const Plan& plan);

// One stage of an exhaustive run of a plan, and what its work directory holds of it.
struct StageInfo {
  std::size_t index = 0;       // stage number; the last entry is the final pass (no file)
  std::string expands;         // pool expanded ("" for stage 0: one line per template)
  bool final_pass = false;     // renders the queries into the output
  bool recorded = false;       // finished and recorded in the manifest
  std::uint64_t bytes = 0;     // of the stage file, when recorded
  std::filesystem::path file;  // the stage file (empty for the final pass)
};

struct WorkDirState {
  bool has_manifest = false;
  bool same_plan = false;  // the manifest belongs to this plan, so --resume continues it
  std::string problem;     // why the manifest cannot be resumed ("" when it can or is absent)
  std::vector<StageInfo> stages;  // every stage of this plan's run, then the final pass
};

// The stages an exhaustive run of `plan` goes through and which of them `work_dir`'s manifest
// records (read only; for a front end's "stages" view). Never fails: problems are in `problem`.
WorkDirState inspect_work_dir(const Plan& plan, const std::filesystem::path& work_dir);

// Writes every distinct query of `plan` to `sink` and calls sink.finish(); on success removes
// the stage files and manifest. Fails (before writing output) with kFailedPrecondition when the
// dedup set would exceed the budget, or when `resume` finds no manifest or one for a different
// plan; with kCorrupt when a recorded stage file does not match the manifest; with kIo on disk
// errors; with kCancelled. A failure leaves finished stages and the manifest in place for
// --resume and never calls sink.finish().
// Thread safety: concurrent calls may share one Plan but need distinct work directories.
core::Result<RunStats> generate_all(const Plan& plan, const ExhaustiveOptions& options,
                                    ByteSink& sink);

}  // namespace dorkgen
