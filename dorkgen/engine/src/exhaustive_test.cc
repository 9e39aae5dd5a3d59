#include "dorkgen/exhaustive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "test_plans.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;
using testing::make_plan;
using testing::make_pool;

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(::testing::TempDir()) / ("exhaustive-" + name);
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Plan sample_plan() {
  return make_plan({make_pool("a", {"a1", "a2", "a3"}), make_pool("b", {"b1", "b2"}),
                    make_pool("c", {"c1", "c2", "c3", "c4", "c5"})},
                   {"inurl:{a} intitle:{b} {c}", "site:{c}", "\"{b}\" ext:{a}", "fixed query"});
}

// A sink that fails after `limit` bytes, like a disk filling up.
class FailingSink final : public ByteSink {
 public:
  explicit FailingSink(std::size_t limit) : limit_(limit) {}
  core::Status write(std::string_view bytes) override {
    if (written_ + bytes.size() > limit_) return core::fail(core::ErrorCode::kIo, "disk full");
    written_ += bytes.size();
    return core::ok_status();
  }
  core::Status finish() override { return core::ok_status(); }

 private:
  std::size_t limit_;
  std::size_t written_ = 0;
};

TEST(ExhaustiveTest, EveryQueryExactlyOnceAndMatchesSamplingTheWholeSpace) {
  Plan plan = sample_plan();
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("every");
  StringSink all;
  auto stats = generate_all(plan, options, all);
  ASSERT_TRUE(stats.has_value()) << stats.error().message();
  EXPECT_EQ(stats->emitted, plan.total());
  std::vector<std::string> lines = lines_of(all.data());
  std::set<std::string> unique(lines.begin(), lines.end());
  EXPECT_EQ(unique.size(), lines.size());
  SampleOptions sampling;
  sampling.size = plan.total();
  StringSink sampled;
  ASSERT_TRUE(sample(plan, sampling, sampled).has_value());
  std::vector<std::string> sampled_lines = lines_of(sampled.data());
  EXPECT_EQ(std::set<std::string>(sampled_lines.begin(), sampled_lines.end()), unique);
  EXPECT_FALSE(fs::exists(options.work_dir)) << "work files are removed after success";
}

TEST(ExhaustiveTest, OutputIsDeterministic) {
  Plan plan = sample_plan();
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("deterministic");
  StringSink first, second;
  ASSERT_TRUE(generate_all(plan, options, first).has_value());
  ASSERT_TRUE(generate_all(plan, options, second).has_value());
  EXPECT_EQ(first.data(), second.data());
}

TEST(ExhaustiveTest, AmbiguousTemplatesGoThroughTheDedupSet) {
  Plan plan =
      make_plan({make_pool("a", {"x", "xy"}), make_pool("b", {"yz", "z"})}, {"{a}{b}", "xyz"});
  std::vector<bool> needs = templates_needing_dedup(plan);
  EXPECT_TRUE(needs[0]);
  EXPECT_TRUE(needs[1]);
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("ambiguous");
  StringSink sink;
  auto stats = generate_all(plan, options, sink);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(lines_of(sink.data()), (std::vector<std::string>{"xyz", "xz", "xyyz"}));
  EXPECT_EQ(stats->string_duplicates, 2u);
}

TEST(ExhaustiveTest, UniquenessProofAcceptsDelimitedTemplates) {
  Plan plan = sample_plan();
  std::vector<bool> needs = templates_needing_dedup(plan);
  for (bool n : needs) EXPECT_FALSE(n);
  Plan spaced = make_plan({make_pool("k", {"a b", "a"}), make_pool("f", {"b", "c"})},
                          {"{k} {f}"});  // "a b" + "c" vs "a" + "b c"? values hold spaces
  EXPECT_TRUE(templates_needing_dedup(spaced)[0]);
}

TEST(ExhaustiveTest, DedupBudgetIsCheckedUpFront) {
  std::vector<std::string> many;
  for (int i = 0; i < 2000; ++i) many.push_back("v" + std::to_string(i));
  Plan plan = make_plan({make_pool("a", many), make_pool("b", many)}, {"{a}{b}"});
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("budget");
  options.memory_budget_bytes = 1 << 20;
  StringSink sink;
  auto stats = generate_all(plan, options, sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(stats.error().message().find("budget is 1 MiB"), std::string::npos)
      << stats.error().message();
  EXPECT_TRUE(sink.data().empty());
}

TEST(ExhaustiveTest, FailedFinalPassKeepsStagesAndResumeGivesIdenticalBytes) {
  Plan plan = sample_plan();
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("resume");
  StringSink reference;
  ASSERT_TRUE(generate_all(plan, options, reference).has_value());

  FailingSink failing(40);
  auto failed = generate_all(plan, options, failing);
  ASSERT_FALSE(failed.has_value());
  EXPECT_TRUE(fs::exists(options.work_dir / "manifest"));

  // Without --resume an unfinished run is not silently overwritten.
  StringSink refused;
  auto again = generate_all(plan, options, refused);
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message().find("unfinished run"), std::string::npos);

  options.resume = true;
  StringSink resumed;
  auto stats = generate_all(plan, options, resumed);
  ASSERT_TRUE(stats.has_value()) << stats.error().message();
  EXPECT_EQ(resumed.data(), reference.data());
}

TEST(ExhaustiveTest, ResumeRejectsCorruptStagesAndOtherPlans) {
  Plan plan = sample_plan();
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("corrupt");
  FailingSink failing(10);
  ASSERT_FALSE(generate_all(plan, options, failing).has_value());
  options.resume = true;

  Plan other = make_plan({make_pool("a", {"zz"})}, {"{a}"});
  StringSink sink;
  auto mismatch = generate_all(other, options, sink);
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_NE(mismatch.error().message().find("different run"), std::string::npos);

  std::ofstream(options.work_dir / "stage-1.txt", std::ios::app) << "0 1 * *\n";
  auto corrupt = generate_all(plan, options, sink);
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code(), core::ErrorCode::kCorrupt);

  std::ofstream(options.work_dir / "manifest") << "dorkgen-manifest 1\nplan zzzz\n";
  auto garbled = generate_all(plan, options, sink);
  ASSERT_FALSE(garbled.has_value());
  EXPECT_EQ(garbled.error().code(), core::ErrorCode::kCorrupt);

  fs::remove_all(options.work_dir);
  auto nothing = generate_all(plan, options, sink);
  ASSERT_FALSE(nothing.has_value());
  EXPECT_NE(nothing.error().message().find("nothing to resume"), std::string::npos);
}

TEST(ExhaustiveTest, InspectWorkDirListsStagesAndWhatTheManifestRecords) {
  Plan plan = sample_plan();
  const fs::path dir = fresh_dir("inspect");
  WorkDirState empty = inspect_work_dir(plan, dir);
  EXPECT_FALSE(empty.has_manifest);
  // Pools by size: b (2), a (3), then c (5) in the final pass.
  ASSERT_EQ(empty.stages.size(), 4u);
  EXPECT_EQ(empty.stages[0].expands, "");
  EXPECT_EQ(empty.stages[1].expands, "b");
  EXPECT_EQ(empty.stages[2].expands, "a");
  EXPECT_EQ(empty.stages[3].expands, "c");
  EXPECT_TRUE(empty.stages[3].final_pass);
  EXPECT_EQ(empty.stages[2].file, dir / "stage-2.txt");
  for (const StageInfo& stage : empty.stages) EXPECT_FALSE(stage.recorded);

  ExhaustiveOptions options;
  options.work_dir = dir;
  FailingSink failing(40);  // fails in the final pass, after every stage is recorded
  ASSERT_FALSE(generate_all(plan, options, failing).has_value());
  WorkDirState kept = inspect_work_dir(plan, dir);
  EXPECT_TRUE(kept.has_manifest);
  EXPECT_TRUE(kept.same_plan);
  EXPECT_EQ(kept.problem, "");
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(kept.stages[i].recorded) << i;
    EXPECT_EQ(kept.stages[i].bytes, fs::file_size(kept.stages[i].file)) << i;
  }
  EXPECT_FALSE(kept.stages[3].recorded);

  WorkDirState other = inspect_work_dir(make_plan({make_pool("a", {"zz"})}, {"{a}"}), dir);
  EXPECT_TRUE(other.has_manifest);
  EXPECT_FALSE(other.same_plan);
  EXPECT_NE(other.problem.find("different run"), std::string::npos);
}

TEST(ExhaustiveTest, JsonlCarriesValues) {
  Plan plan = make_plan({make_pool("a", {"x"}), make_pool("b", {"y"})}, {"{a} {b}"});
  ExhaustiveOptions options;
  options.work_dir = fresh_dir("jsonl");
  options.format = OutputFormat::kJsonl;
  StringSink sink;
  ASSERT_TRUE(generate_all(plan, options, sink).has_value());
  EXPECT_EQ(sink.data(),
            "{\"query\":\"x y\",\"type\":\"test\",\"template\":\"{a} {b}\",\"values\":{\"a\":"
            "\"x\",\"b\":\"y\"}}\n");
}

}  // namespace
}  // namespace dorkgen
