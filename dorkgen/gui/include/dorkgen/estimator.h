// The live estimate behind the window: loads the presets and builds the plan for the latest
// settings on one background thread, so typing never waits for disk or for the plan. Requests
// coalesce (only the newest pending one is computed); each answer carries the id of the
// request it answers, so a front end can drop answers that are already stale.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dorkgen/app_settings.h"
#include "dorkgen/exhaustive.h"
#include "dorkgen/preset_library.h"
#include "dorkgen/space.h"

namespace dorkgen {

struct QueryTypeInfo {
  std::string name;
  std::string description;
  std::size_t templates = 0;
};

struct Estimate {
  std::uint64_t id = 0;
  std::string error;                      // empty on success: config, preset or plan problem
  std::vector<QueryTypeInfo> types;       // of the loaded library (also when only the plan failed)
  GeneratorConfig config;                 // the resolved settings
  std::shared_ptr<const BuiltPlan> plan;  // set on success
  SpaceReport space;                      // set on success
  std::optional<WorkDirState> stages;     // on success, when the request named a work directory
  std::thread::id computed_on;            // the worker thread, for the structural test
};

class Estimator {
 public:
  // `deliver` is called on the worker thread with each answer; it must only post it elsewhere.
  explicit Estimator(std::function<void(Estimate)> deliver);
  // Waits for the estimate in progress, if any; drops pending requests.
  ~Estimator();

  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;

  // Queues the settings (replacing any request not yet started) and returns its id. With a
  // `work_dir`, the answer also says which stages of an exhaustive run it holds.
  std::uint64_t request(SettingOverrides settings, std::filesystem::path work_dir = {});

 private:
  void loop();

  std::function<void(Estimate)> deliver_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<SettingOverrides> pending_;  // guarded by mutex_
  std::filesystem::path pending_work_dir_;   // guarded by mutex_
  std::uint64_t next_id_ = 0;                // guarded by mutex_
  bool stop_ = false;                        // guarded by mutex_
  std::thread thread_;                       // last: started once every member exists
};

}  // namespace dorkgen
