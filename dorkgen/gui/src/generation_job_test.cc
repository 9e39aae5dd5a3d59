// The window's two worker threads without the window: runs, cancellation, the preview, and
// estimates that coalesce. Labelled "concurrency" so ThreadSanitizer runs it too.
#include "dorkgen/generation_job.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "dorkgen/app_presets.h"
#include "dorkgen/estimator.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

// keyword x word x tld: 20 * 1000 * 100 = 2,000,000 queries.
fs::path make_library(const std::string& name) {
  fs::path root = fs::path(::testing::TempDir()) / name;
  fs::remove_all(root);
  const std::pair<const char*, int> pools[] = {{"keyword", 20}, {"word", 1000}, {"tld", 100}};
  for (const auto& [pool, count] : pools) {
    fs::create_directories(root / "pools");
    std::ofstream out(root / "pools" / (std::string(pool) + ".txt"));
    for (int i = 0; i < count; ++i) out << pool << i << "\n";
  }
  fs::create_directories(root / "templates");
  std::ofstream(root / "templates" / "all.txt") << "# All\n{keyword} {word} site:{tld}\n";
  return root;
}

std::shared_ptr<const BuiltPlan> plan_for(const fs::path& presets, const GeneratorConfig& base) {
  GeneratorConfig config = base;
  config.preset_dirs = {presets};
  auto library = load_presets_from({presets});
  EXPECT_TRUE(library.has_value()) << library.error().message();
  auto built = build_plan(*library, config);
  EXPECT_TRUE(built.has_value()) << built.error().message();
  return std::make_shared<const BuiltPlan>(std::move(*built));
}

// Blocks until the job's end callback has run.
class EndSignal {
 public:
  std::function<void()> callback() {
    return [this] {
      std::lock_guard lock(mutex_);
      ended_ = true;
      cv_.notify_all();
    };
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return ended_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool ended_ = false;
};

TEST(GenerationJobTest, RunsOnItsOwnThreadAndPreviewsTheFirstRows) {
  fs::path presets = make_library("job-run");
  RunRequest request;
  request.config.size = u128{20000};
  request.config.seed = 5;
  request.out = presets.parent_path() / "job-run.txt";
  EndSignal end;
  GenerationJob job(plan_for(presets, request.config), request, 100, end.callback());
  end.wait();
  ASSERT_TRUE(job.finished());
  ASSERT_TRUE(job.result().stats.has_value()) << job.result().stats.error().message();
  EXPECT_EQ(job.result().stats->emitted, u128{20000});
  EXPECT_NE(job.engine_thread(), std::this_thread::get_id());
  std::vector<std::string> preview = job.preview();
  ASSERT_EQ(preview.size(), 100u);
  std::ifstream in(request.out);
  for (const std::string& row : preview) {
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line, row);
  }
  EXPECT_EQ(job.progress().done, 20000u);
}

// A request for the whole space of a fresh library called `name`, with no output yet.
RunRequest whole_space(const std::string& name, fs::path* presets) {
  *presets = make_library(name);
  RunRequest request;
  request.config.size = u128{2'000'000};
  request.out = presets->parent_path() / (name + ".txt");
  fs::remove(request.out);
  return request;
}

TEST(GenerationJobTest, CancelStopsTheRunAndLeavesNoOutput) {
  fs::path presets;
  RunRequest request = whole_space("job-cancel", &presets);
  EndSignal end;
  GenerationJob job(plan_for(presets, request.config), request, 10, end.callback());
  job.cancel();
  end.wait();
  ASSERT_FALSE(job.result().stats.has_value());
  EXPECT_EQ(job.result().stats.error().code(), core::ErrorCode::kCancelled);
  EXPECT_GE(job.cancel_latency_seconds(), 0.0);
  EXPECT_FALSE(fs::exists(request.out));
}

TEST(GenerationJobTest, DestroyingARunningJobCancelsIt) {
  fs::path presets;
  RunRequest request = whole_space("job-destroy", &presets);
  { GenerationJob job(plan_for(presets, request.config), request, 10, {}); }
  EXPECT_FALSE(fs::exists(request.out));
}

TEST(EstimatorTest, AnswersTheNewestRequestOffTheCallingThread) {
  fs::path presets = make_library("estimator");
  // The shipped library is the test's; no user directory.
  ::setenv("DORKGEN_PRESETS_DIR", presets.c_str(), 1);
  ::setenv("XDG_CONFIG_HOME", (presets / "no-user-config").c_str(), 1);
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Estimate> answers;
  Estimator estimator([&](Estimate e) {
    std::lock_guard lock(mutex);
    answers.push_back(std::move(e));
    cv.notify_all();
  });
  std::uint64_t last = 0;
  for (int i = 1; i <= 20; ++i) {
    SettingOverrides settings;
    settings.size = std::to_string(i * 1000);
    last = estimator.request(settings);
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return !answers.empty() && answers.back().id == last; });
  const Estimate& newest = answers.back();
  EXPECT_LE(answers.size(), 20u);
  EXPECT_EQ(newest.error, "");
  EXPECT_EQ(newest.space.requested, u128{20000});
  EXPECT_EQ(newest.space.total, u128{2'000'000});
  EXPECT_NE(newest.computed_on, std::this_thread::get_id());
  ASSERT_EQ(newest.types.size(), 1u);
  EXPECT_EQ(newest.types[0].description, "All");
  lock.unlock();

  SettingOverrides bad;
  bad.presets = {(presets / "templates" / "all.txt").string()};
  last = estimator.request(bad);
  lock.lock();
  cv.wait(lock, [&] { return answers.back().id == last; });
  EXPECT_NE(answers.back().error.find("is not a directory"), std::string::npos)
      << answers.back().error;
  EXPECT_EQ(answers.back().plan, nullptr);
}

}  // namespace
}  // namespace dorkgen
