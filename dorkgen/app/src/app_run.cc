#include "dorkgen/app_run.h"

#include <stdlib.h>

#include <string>
#include <system_error>

#include "dorkgen/exhaustive.h"
#include "dorkgen/space.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

core::Error invalid(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

bool is_stdout(const fs::path& out) { return out.empty() || out == "-"; }

// A SIGKILLed run leaves the atomic writer's ".<name>.tmp-*" behind; a resumed run clears them.
void remove_stale_temporaries(const fs::path& target) {
  std::error_code ec;
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string prefix = "." + target.filename().string() + ".tmp-";
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(prefix)) fs::remove(entry.path(), ec);
  }
}

}  // namespace

core::Status check_request(const RunRequest& request) {
  if (!request.exhaustive && !request.config.size) {
    return core::fail(invalid("--size is required (or --all for the whole space)"));
  }
  if (request.resume && !request.exhaustive) return core::fail(invalid("--resume needs --all"));
  return core::ok_status();
}

core::Status check_fits(const RunRequest& request, const Plan& plan) {
  if (request.exhaustive || !request.config.size || *request.config.size <= plan.total()) {
    return core::ok_status();
  }
  const u128 size = *request.config.size;
  return core::fail(invalid("requested " + format_count(size) + " but the space holds only " +
                            format_count(plan.total()) + ": it is " +
                            format_count(size - plan.total()) + " short"));
}

core::Result<fs::path> choose_work_dir(const RunRequest& request) {
  if (!request.exhaustive) return fs::path();
  if (!request.work_dir.empty()) return request.work_dir;
  if (!is_stdout(request.out)) return fs::path(request.out.string() + ".dorkgen-work");
  if (request.resume) {
    return core::fail(invalid("--resume writing to stdout needs the --work-dir of the run"));
  }
  // A private temporary directory; named in the error if the run fails, for --resume.
  std::string pattern = (fs::temp_directory_path() / "dorkgen-work-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return core::fail(core::ErrorCode::kIo,
                      "cannot create a work directory in " + fs::temp_directory_path().string());
  }
  return fs::path(pattern);
}

core::Result<std::unique_ptr<ByteSink>> open_output(const RunRequest& request) {
  if (is_stdout(request.out)) return std::unique_ptr<ByteSink>(new FdSink(1, "stdout"));
  if (request.resume) remove_stale_temporaries(request.out);
  auto file = AtomicFileSink::open(request.out);
  if (!file) return core::fail(file.error());
  return std::unique_ptr<ByteSink>(new AtomicFileSink(std::move(*file)));
}

RunResult run_generation(const Plan& plan, const RunRequest& request, const fs::path& work_dir,
                         ByteSink& sink, const RunControl& control) {
  const GeneratorConfig& config = request.config;
  if (request.exhaustive) {
    ExhaustiveOptions options;
    options.format = config.format;
    options.work_dir = work_dir;
    options.resume = request.resume;
    options.memory_budget_bytes = config.memory_budget_bytes;
    options.cancel = control.cancel;
    options.progress = control.progress;
    RunResult result{generate_all(plan, options, sink), {}};
    std::error_code ec;
    if (!result.stats && fs::exists(work_dir / "manifest", ec)) {
      result.resumable_work_dir = work_dir;
    }
    return result;
  }
  SampleOptions options;
  options.size = config.size.value_or(0);
  options.seed = config.seed;
  options.format = config.format;
  options.memory_budget_bytes = config.memory_budget_bytes;
  options.cancel = control.cancel;
  options.progress = control.progress;
  return RunResult{sample(plan, options, sink), {}};
}

}  // namespace dorkgen
