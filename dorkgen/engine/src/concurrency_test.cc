// The engine on worker threads, as the GUI drives it: several runs sharing one Plan, and a run
// cancelled from another thread. Labelled "concurrency", so it also runs under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "dorkgen/exhaustive.h"
#include "dorkgen/sampler.h"
#include "test_plans.h"

namespace dorkgen {
namespace {

using testing::make_plan;
using testing::make_pool;

Plan shared_plan(int values_per_pool = 300) {
  std::vector<std::string> values;
  for (int i = 0; i < values_per_pool; ++i) values.push_back("v" + std::to_string(i));
  return make_plan({make_pool("a", values), make_pool("b", values)}, {"inurl:{a} {b}", "{b}"});
}

TEST(EngineConcurrencyTest, RunsSharingOnePlanMatchASingleRun) {
  const Plan plan = shared_plan();
  SampleOptions options;
  options.size = 20000;
  options.seed = 5;
  StringSink reference;
  ASSERT_TRUE(sample(plan, options, reference).has_value());
  std::vector<StringSink> sinks(4);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (StringSink& sink : sinks) {
    threads.emplace_back([&] {
      if (!sample(plan, options, sink)) failures.fetch_add(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (const StringSink& sink : sinks) EXPECT_EQ(sink.data(), reference.data());
}

TEST(EngineConcurrencyTest, CancelFromAnotherThreadStopsTheRun) {
  const Plan plan = shared_plan(1000);
  std::atomic<bool> cancel{false};
  SampleOptions options;
  options.size = plan.total();
  options.cancel = &cancel;
  // A sink that waits for the cancel flag before accepting more, so the cancel lands mid-run:
  // the output (about 16 MB) is flushed many times before the end, and the next chunk sees it.
  class SlowSink final : public ByteSink {
   public:
    explicit SlowSink(std::atomic<bool>& cancel) : cancel_(cancel) {}
    core::Status write(std::string_view) override {
      while (!cancel_.load()) std::this_thread::yield();
      return core::ok_status();
    }
    core::Status finish() override { return core::ok_status(); }

   private:
    std::atomic<bool>& cancel_;
  } sink(cancel);
  core::Result<RunStats> result = core::fail(core::ErrorCode::kInternal, "not run");
  std::thread worker([&] { result = sample(plan, options, sink); });
  cancel.store(true);
  worker.join();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), core::ErrorCode::kCancelled);
}

}  // namespace
}  // namespace dorkgen
