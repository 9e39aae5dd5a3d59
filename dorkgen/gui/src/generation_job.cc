#include "dorkgen/generation_job.h"

#include <algorithm>

namespace dorkgen {

// Passes every byte on to the output and keeps a copy of the first rows for the preview.
class GenerationJob::PreviewSink final : public ByteSink {
 public:
  PreviewSink(GenerationJob& job, ByteSink& out) : job_(job), out_(out) {}
  core::Status write(std::string_view bytes) override {
    job_.add_preview(bytes);
    return out_.write(bytes);
  }
  core::Status finish() override { return out_.finish(); }

 private:
  GenerationJob& job_;
  ByteSink& out_;
};

GenerationJob::GenerationJob(std::shared_ptr<const BuiltPlan> plan, RunRequest request,
                             std::size_t preview_rows, std::function<void()> on_finished)
    : plan_(std::move(plan)),
      request_(std::move(request)),
      preview_rows_(preview_rows),
      on_finished_(std::move(on_finished)),
      start_(std::chrono::steady_clock::now()),
      thread_([this] { run(); }) {}

GenerationJob::~GenerationJob() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

void GenerationJob::cancel() {
  std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start_)
                         .count();
  std::int64_t none = 0;
  cancelled_at_ns_.compare_exchange_strong(none, std::max<std::int64_t>(now, 1));
  cancel_.store(true);
}

GenerationJob::Progress GenerationJob::progress() const {
  Progress p;
  p.done = done_.load(std::memory_order_relaxed);
  p.target = target_.load(std::memory_order_relaxed);
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return p;
}

std::vector<std::string> GenerationJob::preview() const {
  std::lock_guard lock(preview_mutex_);
  return preview_;
}

void GenerationJob::add_preview(std::string_view bytes) {
  std::lock_guard lock(preview_mutex_);
  while (preview_.size() < preview_rows_ && !bytes.empty()) {
    std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_row_ += bytes;
      return;
    }
    partial_row_ += bytes.substr(0, newline);
    preview_.push_back(std::move(partial_row_));
    partial_row_.clear();
    bytes.remove_prefix(newline + 1);
  }
}

void GenerationJob::run() {
  engine_thread_ = std::this_thread::get_id();
  auto clamp = [](u128 value) {
    return value > u128{UINT64_MAX} ? UINT64_MAX : static_cast<std::uint64_t>(value);
  };
  if (request_.config.size) target_.store(clamp(*request_.config.size));
  auto result =
      std::make_unique<RunResult>(RunResult{core::fail(core::ErrorCode::kInternal, "not run"), {}});
  auto prepare = [&]() -> core::Status {
    CORE_RETURN_IF_ERROR(check_request(request_));
    CORE_RETURN_IF_ERROR(check_fits(request_, plan_->plan));
    return core::ok_status();
  };
  if (auto ready = prepare(); !ready) {
    result->stats = core::fail(ready.error());
  } else if (auto work = choose_work_dir(request_); !work) {
    result->stats = core::fail(work.error());
  } else if (auto out = open_output(request_); !out) {
    result->stats = core::fail(out.error());
  } else {
    PreviewSink sink(*this, **out);
    RunControl control{&cancel_, [this, clamp](u128 done, u128 target) {
                         done_.store(clamp(done), std::memory_order_relaxed);
                         target_.store(clamp(target), std::memory_order_relaxed);
                       }};
    *result = run_generation(plan_->plan, request_, *work, sink, control);
    if (request_.exhaustive) stages_ = inspect_work_dir(plan_->plan, *work);
  }
  result_ = std::move(result);
  if (std::int64_t at = cancelled_at_ns_.load(); at != 0) {
    std::int64_t end = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - start_)
                           .count();
    cancel_latency_seconds_ = static_cast<double>(end - at) / 1e9;
  }
  finished_.store(true, std::memory_order_release);
  if (on_finished_) on_finished_();
}

}  // namespace dorkgen
