#include "dorkgen/engine_profiles.h"

#include <gtest/gtest.h>

namespace dorkgen {
namespace {

TEST(EngineProfilesTest, FourEnginesWithTheirLimits) {
  ASSERT_EQ(engine_profiles().size(), 4u);
  EXPECT_EQ(find_engine_profile("bing")->max_terms, 10u);
  EXPECT_EQ(find_engine_profile("duckduckgo")->max_query_bytes, 500u);
  EXPECT_EQ(find_engine_profile("yandex")->max_query_bytes, 400u);
  EXPECT_EQ(find_engine_profile("ddg"), nullptr);  // aliases are the callers' business
}

TEST(EngineProfilesTest, KnowsAndTranslations) {
  const EngineProfile& yandex = *find_engine_profile("yandex");
  EXPECT_TRUE(yandex.knows("mime"));
  EXPECT_FALSE(yandex.knows("filetype"));
  EXPECT_EQ(yandex.translation("filetype"), "mime");
  EXPECT_EQ(yandex.translation("intext"), "");
  // Every translation leads to an operator the engine knows, and never from one it knows.
  for (const EngineProfile& profile : engine_profiles()) {
    for (const auto& [from, to] : profile.translations) {
      EXPECT_TRUE(profile.knows(to)) << profile.name << " " << to;
      EXPECT_FALSE(profile.knows(from)) << profile.name << " " << from;
    }
  }
}

TEST(EngineProfilesTest, EveryBuiltInEngineCanScopeToASite) {
  for (const EngineProfile& profile : engine_profiles()) {
    EXPECT_EQ(profile.site_operator(), "site") << profile.name;
  }
  EngineProfile host_only;
  host_only.operators = {"host"};
  host_only.translations = {{"site", "host"}};
  EXPECT_EQ(host_only.site_operator(), "host");
  EXPECT_EQ(EngineProfile{}.site_operator(), "");
}

TEST(EngineProfilesTest, CatalogGivesEveryOperatorAStatusAndASource) {
  const EngineProfile& google = *find_engine_profile("google");
  ASSERT_NE(google.find_operator("inurl"), nullptr);
  EXPECT_EQ(google.find_operator("inurl")->status, OperatorStatus::kUndocumented);
  EXPECT_EQ(google.find_operator("site")->status, OperatorStatus::kDocumented);
  EXPECT_EQ(google.find_operator("numrange")->status, OperatorStatus::kDeprecated);
  EXPECT_FALSE(google.knows("numrange"));  // retired operators are never generated
  EXPECT_EQ(google.find_operator("re"), nullptr);
  for (const EngineProfile& profile : engine_profiles()) {
    for (const std::string& op : profile.operators) {
      const OperatorInfo* info = profile.find_operator(op);
      ASSERT_NE(info, nullptr) << profile.name << " " << op;
      EXPECT_NE(info->status, OperatorStatus::kDeprecated);
    }
    for (const OperatorInfo& info : profile.catalog) {
      EXPECT_FALSE(info.source.empty()) << profile.name << " " << info.name;
      EXPECT_EQ(profile.knows(info.name), info.status != OperatorStatus::kDeprecated);
    }
  }
  EXPECT_TRUE(is_engine_operator("mime"));      // yandex's
  EXPECT_TRUE(is_engine_operator("numrange"));  // retired, still an operator's name
  EXPECT_TRUE(is_engine_operator("intext"));
  EXPECT_FALSE(is_engine_operator("re"));
  EXPECT_FALSE(is_engine_operator("powered"));
}

TEST(EngineProfilesTest, TermsAreWordsOutsideQuotesAndPhrasesCountOnce) {
  EXPECT_EQ(count_terms(""), 0u);
  EXPECT_EQ(count_terms("a  b c"), 3u);
  EXPECT_EQ(count_terms("intitle:\"index of\" site:a.com"), 2u);
  EXPECT_EQ(count_terms("\"a b c d e f g h i j k\""), 1u);
  EXPECT_EQ(count_terms("(site:a OR site:b)"), 3u);
  TermCounter counter;  // "x{k}" where k is "one two three": x+one, two, three
  counter.add_text("x");
  counter.add_words(3);
  counter.add_text(" \"");
  counter.add_words(5);  // inside quotes: part of the phrase
  counter.add_text("\"");
  EXPECT_EQ(counter.terms(), 4u);
  EXPECT_FALSE(counter.in_quotes());
}

}  // namespace
}  // namespace dorkgen
