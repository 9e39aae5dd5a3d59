#include "dorkgen/sampler.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "test_plans.h"

namespace dorkgen {
namespace {

using testing::make_plan;
using testing::make_pool;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Plan numbers_plan(int a, int b) {
  std::vector<std::string> left, right;
  for (int i = 0; i < a; ++i) left.push_back("l" + std::to_string(i));
  for (int i = 0; i < b; ++i) right.push_back("r" + std::to_string(i));
  return make_plan({make_pool("a", left), make_pool("b", right)},
                   {"inurl:{a} intitle:{b}", "site:{a}", "\"{b}\" ext:pdf"});
}

TEST(SamplerTest, FullSpaceEqualsBruteForceWithNoDuplicates) {
  Plan plan = numbers_plan(23, 17);
  std::set<std::string> brute;
  for (int i = 0; i < 23; ++i) {
    for (int j = 0; j < 17; ++j) {
      brute.insert("inurl:l" + std::to_string(i) + " intitle:r" + std::to_string(j));
    }
    brute.insert("site:l" + std::to_string(i));
  }
  for (int j = 0; j < 17; ++j) brute.insert("\"r" + std::to_string(j) + "\" ext:pdf");
  ASSERT_EQ(plan.total(), brute.size());
  StringSink sink;
  SampleOptions options;
  options.size = plan.total();
  options.seed = 99;
  auto stats = sample(plan, options, sink);
  ASSERT_TRUE(stats.has_value()) << stats.error().message();
  std::vector<std::string> lines = lines_of(sink.data());
  EXPECT_EQ(lines.size(), brute.size());
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()), brute);
}

TEST(SamplerTest, SameSeedSameOutputDifferentSeedDifferentOrder) {
  Plan plan = numbers_plan(100, 100);
  SampleOptions options;
  options.size = 500;
  options.seed = 7;
  StringSink a, b, c;
  ASSERT_TRUE(sample(plan, options, a).has_value());
  ASSERT_TRUE(sample(plan, options, b).has_value());
  options.seed = 8;
  ASSERT_TRUE(sample(plan, options, c).has_value());
  EXPECT_EQ(a.data(), b.data());
  EXPECT_NE(a.data(), c.data());
  std::vector<std::string> lines = lines_of(a.data());
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()).size(), 500u);
}

TEST(SamplerTest, TuplesRenderingTheSameStringAreDeduplicated) {
  // x+yz and xy+z both render "xyz".
  Plan plan = make_plan({make_pool("a", {"x", "xy"}), make_pool("b", {"yz", "z"})}, {"{a}{b}"});
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    SampleOptions options;
    options.size = 3;
    options.seed = seed;
    StringSink sink;
    auto stats = sample(plan, options, sink);
    ASSERT_TRUE(stats.has_value()) << stats.error().message();
    std::vector<std::string> lines = lines_of(sink.data());
    EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()),
              (std::set<std::string>{"xyz", "xz", "xyyz"}));
  }
}

TEST(SamplerTest, SpaceThatRendersTooFewStringsEndsWithAClearErrorNotALoop) {
  Plan plan = make_plan({make_pool("a", {"x", "xy"}), make_pool("b", {"yz", "z"})}, {"{a}{b}"});
  SampleOptions options;
  options.size = 4;
  StringSink sink;
  auto stats = sample(plan, options, sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), core::ErrorCode::kFailedPrecondition);
  EXPECT_NE(stats.error().message().find("render only 3 distinct strings"), std::string::npos)
      << stats.error().message();
}

TEST(SamplerTest, SizeAboveTheSpaceIsRefusedUpFrontSayingHowFarShort) {
  Plan plan = numbers_plan(3, 3);  // 9 + 3 + 3 = 15
  SampleOptions options;
  options.size = 20;
  StringSink sink;
  auto stats = sample(plan, options, sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_NE(stats.error().message().find("5 queries short"), std::string::npos)
      << stats.error().message();
  EXPECT_TRUE(sink.data().empty());
}

TEST(SamplerTest, SizeEqualToTheSpaceCompletes) {
  Plan plan = numbers_plan(40, 40);
  SampleOptions options;
  options.size = plan.total();
  StringSink sink;
  auto stats = sample(plan, options, sink);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->emitted, plan.total());
  EXPECT_EQ(stats->indices_drawn, plan.total());
}

TEST(SamplerTest, DedupBudgetTooSmallIsRefusedBeforeWriting) {
  Plan plan = numbers_plan(1000, 1000);
  SampleOptions options;
  options.size = 500000;
  options.memory_budget_bytes = 1 << 20;
  StringSink sink;
  auto stats = sample(plan, options, sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_NE(stats.error().message().find("budget is 1 MiB"), std::string::npos);
  EXPECT_TRUE(sink.data().empty());
}

TEST(SamplerTest, JsonlAndCsvCarryTemplateAndValues) {
  Plan plan =
      make_plan({make_pool("kw", {"a\"b"}), make_pool("ft", {"pdf"})}, {"{kw} filetype:{ft}"});
  SampleOptions options;
  options.size = 1;
  options.format = OutputFormat::kJsonl;
  StringSink jsonl;
  ASSERT_TRUE(sample(plan, options, jsonl).has_value());
  EXPECT_EQ(jsonl.data(),
            "{\"query\":\"a\\\"b filetype:pdf\",\"type\":\"test\",\"template\":\"{kw} "
            "filetype:{ft}\",\"values\":{\"kw\":\"a\\\"b\",\"ft\":\"pdf\"}}\n");
  options.format = OutputFormat::kCsv;
  StringSink csv;
  ASSERT_TRUE(sample(plan, options, csv).has_value());
  EXPECT_EQ(csv.data(),
            "query,type,template,values\n\"a\"\"b filetype:pdf\",test,{kw} filetype:{ft},"
            "\"{\"\"kw\"\":\"\"a\\\"\"b\"\",\"\"ft\"\":\"\"pdf\"\"}\"\n");
}

TEST(SamplerTest, SpacesBeyondTwoToThe64SampleWithoutDuplicates) {
  std::vector<std::string> values;
  for (int i = 0; i < 1000; ++i) values.push_back("v" + std::to_string(i));
  std::vector<Pool> pools;
  std::string text;
  for (int p = 0; p < 8; ++p) {
    pools.push_back(make_pool("p" + std::to_string(p), values));
    text += "{p" + std::to_string(p) + "} ";
  }
  text += "end";
  Plan plan = make_plan(std::move(pools), {text});  // 10^24 queries
  SampleOptions options;
  options.size = 20000;
  options.seed = 1;
  StringSink sink;
  ASSERT_TRUE(sample(plan, options, sink).has_value());
  std::vector<std::string> lines = lines_of(sink.data());
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()).size(), 20000u);
}

TEST(SamplerTest, CancelStopsWithoutFinishing) {
  Plan plan = numbers_plan(1000, 1000);
  std::atomic<bool> cancel{true};
  SampleOptions options;
  options.size = 1000;
  options.cancel = &cancel;
  StringSink sink;
  auto stats = sample(plan, options, sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code(), core::ErrorCode::kCancelled);
}

}  // namespace
}  // namespace dorkgen
