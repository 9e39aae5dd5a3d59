#include "dorkgen/space.h"

#include <gtest/gtest.h>

#include "test_plans.h"

namespace dorkgen {
namespace {

using testing::make_plan;
using testing::make_pool;

TEST(SpaceTest, ExactCountsAndShortfall) {
  Plan plan = make_plan({make_pool("a", {"1", "2", "3", "4"}), make_pool("b", {"x", "y", "z"})},
                        {"{a} {b}", "{a}"});
  SpaceReport report = analyse_space(plan, 20);
  EXPECT_EQ(report.total, 16u);
  EXPECT_FALSE(report.fits);
  EXPECT_EQ(report.shortfall, 4u);
  std::string text = describe(report);
  EXPECT_NE(text.find("total: 16 queries in 2 templates"), std::string::npos) << text;
  EXPECT_NE(text.find("the space is 4 queries short"), std::string::npos) << text;
  std::string json = to_json(report);
  EXPECT_NE(json.find("\"total\":\"16\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"fits\":false"), std::string::npos);
}

TEST(SpaceTest, NaiveCollisionRateMatchesTheFormula) {
  Plan plan =
      make_plan({make_pool("a", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})}, {"{a}"});
  SpaceReport report = analyse_space(plan, 10);
  // k = n = 10: expected distinct = 10 (1 - 0.9^10) = 6.5132; duplicate share = 0.34868.
  EXPECT_NEAR(report.naive_duplicate_rate, 0.348678, 1e-5);
  EXPECT_TRUE(report.fits);
  EXPECT_NEAR(report.fill_ratio, 1.0, 1e-12);
  SpaceReport one = analyse_space(plan, 1);
  EXPECT_NEAR(one.naive_duplicate_rate, 0.0, 1e-12);
  EXPECT_NEAR(one.naive_any_collision_probability, 0.0, 1e-12);
}

// Issue 16.9: x+yz and xy+z both render "xyz", so 4 tuples give only 3 distinct queries.
TEST(SpaceTest, SpaceIsUpperBoundWhenRenderingsCollide) {
  Plan plan = make_plan({make_pool("a", {"x", "xy"}), make_pool("b", {"yz", "z"})}, {"{a}{b}"});
  SpaceReport report = analyse_space(plan, 4);
  EXPECT_EQ(report.total, 4u);
  EXPECT_FALSE(report.exact);
  EXPECT_FALSE(report.templates[0].exact);
  EXPECT_FALSE(report.fits) << "4 may not fit: only 3 distinct strings exist";
  EXPECT_TRUE(report.may_fit);
  EXPECT_EQ(report.shortfall, 0u);
  std::string text = describe(report);
  EXPECT_NE(text.find("at most 4 queries  [test] {a}{b}"), std::string::npos) << text;
  EXPECT_NE(text.find("an upper bound"), std::string::npos) << text;
  EXPECT_NE(text.find("it may not fit"), std::string::npos) << text;
  std::string json = to_json(report);
  EXPECT_NE(json.find("\"exact\":false,\"fits\":false,\"may_fit\":true"), std::string::npos)
      << json;

  // A template whose slots are each followed by a byte no value contains is exact.
  Plan unique = make_plan({make_pool("a", {"x", "xy"}), make_pool("b", {"yz", "z"})}, {"{a} {b}"});
  SpaceReport exact = analyse_space(unique, 4);
  EXPECT_TRUE(exact.exact);
  EXPECT_TRUE(exact.fits);
  EXPECT_FALSE(exact.may_fit);
  EXPECT_EQ(describe(exact).find("at most"), std::string::npos);
}

TEST(SpaceTest, FormatsLargeCounts) {
  EXPECT_EQ(format_count(1), "1 query");
  EXPECT_EQ(format_count(1234567), "1,234,567 queries");
  EXPECT_EQ(format_count(kU128Max), "340,282,366,920,938,463,463,374,607,431,768,211,455 queries");
  EXPECT_EQ(parse_decimal("340282366920938463463374607431768211455"), kU128Max);
  EXPECT_FALSE(parse_decimal("340282366920938463463374607431768211456").has_value());
}

}  // namespace
}  // namespace dorkgen
