#include "dorkgen/estimator.h"

#include "dorkgen/app_presets.h"

namespace dorkgen {
namespace {

Estimate compute(std::uint64_t id, const SettingOverrides& settings,
                 const std::filesystem::path& work_dir) {
  Estimate estimate;
  estimate.id = id;
  estimate.computed_on = std::this_thread::get_id();
  auto config = resolve_config(settings);
  if (!config) {
    estimate.error = config.error().message();
    return estimate;
  }
  estimate.config = *config;
  auto library = load_presets(config->preset_dirs);
  if (!library) {
    estimate.error = library.error().message();
    return estimate;
  }
  for (const QueryTypeFile& t : library->types()) {
    estimate.types.push_back(QueryTypeInfo{t.name, t.description, t.templates.size()});
  }
  auto built = build_plan(*library, *config);
  if (!built) {
    estimate.error = built.error().message();
    return estimate;
  }
  estimate.space = analyse_space(built->plan, config->size.value_or(0));
  estimate.plan = std::make_shared<const BuiltPlan>(std::move(*built));
  if (!work_dir.empty()) estimate.stages = inspect_work_dir(estimate.plan->plan, work_dir);
  return estimate;
}

}  // namespace

Estimator::Estimator(std::function<void(Estimate)> deliver)
    : deliver_(std::move(deliver)), thread_([this] { loop(); }) {}

Estimator::~Estimator() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    pending_.reset();
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t Estimator::request(SettingOverrides settings, std::filesystem::path work_dir) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(settings);
    pending_work_dir_ = std::move(work_dir);
    id = ++next_id_;
  }
  wake_.notify_one();
  return id;
}

void Estimator::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || pending_.has_value(); });
    if (stop_) return;
    SettingOverrides settings = std::move(*pending_);
    std::filesystem::path work_dir = std::move(pending_work_dir_);
    pending_.reset();
    std::uint64_t id = next_id_;
    lock.unlock();
    Estimate estimate = compute(id, settings, work_dir);
    deliver_(std::move(estimate));
    lock.lock();
  }
}

}  // namespace dorkgen
