#include "dorkgen/plan.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "test_plans.h"

namespace dorkgen {
namespace {

using testing::make_plan;
using testing::make_pool;
using testing::make_template;

TEST(PlanTest, CountsAreProductsAndSums) {
  Plan plan = make_plan({make_pool("a", {"1", "2", "3"}), make_pool("b", {"x", "y"})},
                        {"{a} {b}", "{b}", "fixed", "{a}{a}"});
  ASSERT_EQ(plan.templates().size(), 4u);
  EXPECT_EQ(plan.templates()[0].count, 6u);
  EXPECT_EQ(plan.templates()[1].count, 2u);
  EXPECT_EQ(plan.templates()[2].count, 1u);
  EXPECT_EQ(plan.templates()[3].count, 3u);
  EXPECT_EQ(plan.total(), 12u);
}

TEST(PlanTest, DecodeEncodeRoundTripAndRenderMatchesBruteForce) {
  Plan plan = make_plan(
      {make_pool("a", {"1", "22", "333"}), make_pool("b", {"x", "yy"}), make_pool("c", {"q"})},
      {"{a}-{b}", "[{c}|{a}|{c}]", "{b}{a}{c}"});
  // Brute force: every tuple of every template, rendered naively.
  std::multiset<std::string> brute;
  for (const char* a : {"1", "22", "333"}) {
    for (const char* b : {"x", "yy"}) {
      brute.insert(std::string(a) + "-" + b);
      brute.insert(std::string(b) + a + "q");
    }
    brute.insert(std::string("[q|") + a + "|q]");
  }
  ASSERT_EQ(plan.total(), brute.size());
  std::multiset<std::string> rendered;
  std::vector<char> buffer(plan.max_query_bytes() + Plan::kRenderSlack);
  for (u128 i = 0; i < plan.total(); ++i) {
    std::uint32_t t = 0;
    std::uint32_t values[kMaxSlots] = {};
    plan.decode(i, &t, values);
    EXPECT_EQ(plan.encode(t, values), i);
    std::size_t n = plan.render(t, values, buffer.data());
    ASSERT_LE(n, plan.templates()[t].max_bytes);
    rendered.insert(std::string(buffer.data(), n));
  }
  EXPECT_EQ(rendered, brute);
}

TEST(PlanTest, WideSpacesDecodeExactly) {
  std::vector<std::string> values;
  for (int i = 0; i < 1000; ++i) values.push_back(std::to_string(i));
  std::vector<Pool> pools;
  std::string text;
  for (int p = 0; p < 8; ++p) {
    pools.push_back(make_pool("p" + std::to_string(p), values));
    text += "{p" + std::to_string(p) + "} ";
  }
  Plan plan = make_plan(std::move(pools), {text});
  u128 expected = 1;
  for (int p = 0; p < 8; ++p) expected *= 1000;
  EXPECT_EQ(plan.total(), expected);  // 10^24 > 2^64
  for (u128 i : {u128{0}, expected / 3, expected - 1, (u128{1} << 70) + 12345}) {
    std::uint32_t t = 0;
    std::uint32_t v[kMaxSlots] = {};
    plan.decode(i, &t, v);
    EXPECT_EQ(plan.encode(t, v), i);
  }
}

TEST(PlanTest, DecodeOfEncodeIsIdentityForRandomTuples) {
  // Pools of different sizes (1, prime, power of two), spaces below and above 2^32 and 2^64.
  std::vector<Pool> pools;
  std::vector<std::size_t> sizes = {1, 7, 64, 251, 1000, 65536};
  for (std::size_t p = 0; p < sizes.size(); ++p) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < sizes[p]; ++i) values.push_back(std::to_string(i));
    pools.push_back(make_pool("p" + std::to_string(p), values));
  }
  Plan plan = make_plan(std::move(pools), {"{p1}.{p2}", "{p0} {p3} {p4}", "{p5}/{p4}/{p5}",
                                           "{p5}{p4}{p3}{p2}{p1}{p0}{p5}", "x{p1}"});
  std::mt19937_64 random(7);
  for (int round = 0; round < 20000; ++round) {
    std::uint32_t t = static_cast<std::uint32_t>(random() % plan.templates().size());
    const PlanTemplate& entry = plan.templates()[t];
    std::uint32_t values[kMaxSlots] = {};
    for (std::size_t s = 0; s < entry.slot_pool.size(); ++s) {
      values[s] =
          static_cast<std::uint32_t>(random() % plan.pools()[entry.slot_pool[s]].values.size());
    }
    u128 index = plan.encode(t, values);
    ASSERT_LT(index, plan.total());
    std::uint32_t back_t = 0;
    std::uint32_t back[kMaxSlots] = {};
    plan.decode(index, &back_t, back);
    ASSERT_EQ(back_t, t);
    for (std::size_t s = 0; s < entry.slot_pool.size(); ++s) ASSERT_EQ(back[s], values[s]);
  }
}

TEST(PlanTest, SpaceBeyond128BitsIsAnErrorNotAWrap) {
  std::vector<std::string> values;
  for (int i = 0; i < 65536; ++i) values.push_back(std::to_string(i));
  std::vector<Pool> pools;
  std::string text;
  for (int p = 0; p < 9; ++p) {  // 2^144
    pools.push_back(make_pool("p" + std::to_string(p), values));
    text += "{p" + std::to_string(p) + "}.";
  }
  std::vector<TemplateSource> templates;
  templates.push_back(make_template(text));
  auto plan = Plan::create(std::move(pools), std::move(templates));
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message().find("128 bits"), std::string::npos);
}

TEST(PlanTest, UnknownPlaceholderNamesTheTemplate) {
  std::vector<TemplateSource> templates;
  templates.push_back(make_template("{nope} x"));
  auto plan = Plan::create({make_pool("a", {"1"})}, std::move(templates));
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message().find("test:{nope} x: unknown placeholder {nope}"),
            std::string::npos)
      << plan.error().message();
}

TEST(PlanTest, QuoteInsideQuotedSlotIsRejected) {
  std::vector<TemplateSource> templates;
  templates.push_back(make_template("intitle:\"{a}\""));
  auto plan = Plan::create({make_pool("a", {"ok", "bad\"value"})}, std::move(templates));
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().message().find("contains '\"'"), std::string::npos);
}

TEST(PlanTest, NoTemplatesIsAnError) {
  auto plan = Plan::create({make_pool("a", {"1"})}, {});
  ASSERT_FALSE(plan.has_value());
}

}  // namespace
}  // namespace dorkgen
