// One generation run, the same for every front end: the choice between sampling and an
// exhaustive run, the work-directory policy, the output file, and the run itself with progress
// and cancellation passed in by the caller. A front end only turns its input into a RunRequest
// and shows what comes back; how queries are built stays in the engine.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>

#include "core/status.h"
#include "dorkgen/config.h"
#include "dorkgen/output.h"
#include "dorkgen/plan.h"
#include "dorkgen/sampler.h"

namespace dorkgen {

struct RunRequest {
  GeneratorConfig config;
  bool exhaustive = false;         // every query of the space, in stages (else sample size)
  std::filesystem::path out;       // empty or "-": the caller's standard output
  std::filesystem::path work_dir;  // exhaustive only; empty: choose_work_dir()'s policy
  bool resume = false;             // continue an interrupted exhaustive run
};

// Passed in by the front end. Both are used from the thread that calls run_generation().
struct RunControl {
  const std::atomic<bool>* cancel = nullptr;  // set from any thread to stop the run
  ProgressFn progress;
};

// Checks what needs no presets: a sampled run needs a size; --resume needs an exhaustive run.
core::Status check_request(const RunRequest& request);

// Checks the request against the plan's space before anything is opened: a size above the
// space is refused with kInvalidArgument saying how many queries short it is.
core::Status check_fits(const RunRequest& request, const Plan& plan);

// Where an exhaustive run keeps its stages: the given work_dir, else "<out>.dorkgen-work"
// beside the output file, else (writing to standard output) a new private temporary
// directory. Resuming to standard output needs the work_dir of the run. Empty for sampling.
core::Result<std::filesystem::path> choose_work_dir(const RunRequest& request);

// The sink for request.out: standard output for "" and "-", else an atomically written file
// (nothing appears at the target unless the run succeeds). Resuming first removes temporaries a
// killed run left beside the target.
core::Result<std::unique_ptr<ByteSink>> open_output(const RunRequest& request);

struct RunResult {
  core::Result<RunStats> stats;
  // Set when a failed or cancelled exhaustive run kept finished stages and their manifest
  // there; running the same request with resume = true and this work_dir continues it.
  std::filesystem::path resumable_work_dir;
};

// Runs the plan into `sink` (which is finished only on success). `work_dir` is what
// choose_work_dir() returned. Errors are the engine's (kCancelled when cancelled).
RunResult run_generation(const Plan& plan, const RunRequest& request,
                         const std::filesystem::path& work_dir, ByteSink& sink,
                         const RunControl& control);

}  // namespace dorkgen
