#include "dorkgen/profile.h"

#include <gtest/gtest.h>

#include "test_plans.h"

namespace dorkgen {
namespace {

using testing::make_plan;
using testing::make_pool;
using testing::make_template;

TEST(ProfileTest, FourEnginesExist) {
  for (const char* name : {"google", "bing", "duckduckgo", "yandex"}) {
    EXPECT_NE(find_engine_profile(name), nullptr) << name;
  }
  EXPECT_EQ(find_engine_profile("altavista"), nullptr);
}

TEST(ProfileTest, FindsOperatorsOutsideQuotes) {
  auto t = make_template(R"(intitle:"index of: {k}" -site:{d} filetype:pdf (inurl:a|ext:b))");
  EXPECT_EQ(operators_in(t.parsed),
            (std::vector<std::string>{"intitle", "site", "filetype", "inurl", "ext"}));
}

TEST(ProfileTest, YandexTranslatesFiletypeToMime) {
  auto adapted = adapt_template(*find_engine_profile("yandex"),
                                make_template("{keyword} filetype:{filetype} intitle:login"));
  ASSERT_TRUE(adapted.accepted) << adapted.note;
  EXPECT_EQ(adapted.source.parsed.text(), "{keyword} mime:{filetype} title:login");
  EXPECT_NE(adapted.note.find("filetype: -> mime:"), std::string::npos) << adapted.note;
}

TEST(ProfileTest, UnsupportedOperatorIsRejectedWithReason) {
  auto adapted =
      adapt_template(*find_engine_profile("yandex"), make_template("intext:{keyword} x"));
  EXPECT_FALSE(adapted.accepted);
  EXPECT_NE(adapted.note.find("yandex has no 'intext:' operator"), std::string::npos)
      << adapted.note;
  auto google = adapt_template(*find_engine_profile("google"), make_template("intext:{keyword}"));
  EXPECT_TRUE(google.accepted);
  EXPECT_TRUE(google.note.empty());
}

TEST(ProfileTest, BingTermLimitAndLengthLimits) {
  Plan plan = make_plan({make_pool("k", {"one two three"})},
                        {"a b c d e f g {k} h", "\"a b c d e f g h i j k\"", "x {k}"});
  auto notes = limit_violations(*find_engine_profile("bing"), plan);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("has up to 11 terms; bing honours only the first 10"), std::string::npos)
      << notes[0];
  Plan long_plan = make_plan({make_pool("k", {std::string(450, 'x')})}, {"site:{k}"});
  auto yandex = limit_violations(*find_engine_profile("yandex"), long_plan);
  ASSERT_EQ(yandex.size(), 1u);
  EXPECT_NE(yandex[0].find("renders up to 455 bytes; yandex accepts 400"), std::string::npos);
}

}  // namespace
}  // namespace dorkgen
