// A generation run on its own thread, for an interactive front end: the application layer's
// run_generation() with a cancel flag, a progress snapshot the window can poll at its own pace,
// and a bounded preview (the first rows written). No Qt here: the window polls and is told of
// the end through a callback, so none of the engine's work ever runs on the GUI thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dorkgen/app_run.h"
#include "dorkgen/exhaustive.h"
#include "dorkgen/preset_library.h"

namespace dorkgen {

class GenerationJob {
 public:
  struct Progress {
    std::uint64_t done = 0;
    std::uint64_t target = 0;
    double seconds = 0;  // since the start
  };

  // Starts the run at once. `plan` must stay alive (it is shared); `on_finished` is called on the
  // job's thread after the result is set, and must only post work elsewhere.
  GenerationJob(std::shared_ptr<const BuiltPlan> plan, RunRequest request, std::size_t preview_rows,
                std::function<void()> on_finished);
  // Cancels a run still going and waits for its thread.
  ~GenerationJob();

  GenerationJob(const GenerationJob&) = delete;
  GenerationJob& operator=(const GenerationJob&) = delete;

  // Asks the run to stop; it does within one engine batch. Any thread.
  void cancel();
  bool finished() const { return finished_.load(std::memory_order_acquire); }

  Progress progress() const;
  // The first rows written so far (at most preview_rows). Any thread.
  std::vector<std::string> preview() const;

  // Only once finished(): the run's result, and the thread the engine ran on.
  const RunResult& result() const { return *result_; }
  std::thread::id engine_thread() const { return engine_thread_; }
  // Seconds from cancel() to the end of the run (0 when not cancelled); once finished().
  double cancel_latency_seconds() const { return cancel_latency_seconds_; }
  const RunRequest& request() const { return request_; }
  // Only once finished(), for an exhaustive run: its work directory as the run left it.
  const std::optional<WorkDirState>& stages() const { return stages_; }

 private:
  class PreviewSink;
  void run();
  void add_preview(std::string_view bytes);

  std::shared_ptr<const BuiltPlan> plan_;
  RunRequest request_;
  std::size_t preview_rows_;
  std::function<void()> on_finished_;
  std::chrono::steady_clock::time_point start_;

  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> target_{0};
  std::atomic<std::int64_t> cancelled_at_ns_{0};  // steady clock, since start_

  mutable std::mutex preview_mutex_;
  std::vector<std::string> preview_;  // guarded by preview_mutex_
  std::string partial_row_;           // guarded by preview_mutex_

  std::unique_ptr<RunResult> result_;   // written by the job thread before finished_
  std::optional<WorkDirState> stages_;  // written by the job thread before finished_
  std::thread::id engine_thread_;
  double cancel_latency_seconds_ = 0;
  std::thread thread_;  // last: started once every member exists
};

}  // namespace dorkgen
