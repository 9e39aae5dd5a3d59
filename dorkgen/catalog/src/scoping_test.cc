#include "dorkgen/scoping.h"

#include <gtest/gtest.h>

#include <set>

#include "dorkgen/preset_library.h"
#include "dorkgen/profile.h"
#include "dorkgen/space.h"

namespace dorkgen {
namespace {

TemplateSource source(const std::string& text, int line) {
  auto parsed = Template::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return TemplateSource{"docs", "templates/docs.txt:" + std::to_string(line), *parsed};
}

std::vector<Pool> pools() {
  return {Pool{"keyword", {"admin", "backup", "salary"}, "pools/keyword.txt"},
          Pool{"filetype", {"pdf", "xls"}, "pools/filetype.txt"}};
}

TEST(ScopingTest, EveryTemplateTimesEveryTargetAndTheSpaceCountsIt) {
  std::vector<TemplateSource> sources = {source("{keyword} filetype:{filetype}", 2),
                                         source("intitle:\"{keyword}\"", 3)};
  std::vector<Pool> scoped_pools = pools();
  std::vector<std::string> notes;
  const std::vector<std::string> targets = {"example.com", "example.org", "xn--bcher-kva.de"};
  ASSERT_TRUE(
      scope_to_targets(*find_engine_profile("google"), targets, sources, scoped_pools, notes)
          .has_value());
  EXPECT_TRUE(notes.empty());
  EXPECT_EQ(sources[0].parsed.text(), "site:{target} {keyword} filetype:{filetype}");
  EXPECT_EQ(sources[1].parsed.text(), "site:{target} intitle:\"{keyword}\"");
  auto plan = Plan::create(scoped_pools, sources);
  ASSERT_TRUE(plan.has_value()) << plan.error().message();
  EXPECT_EQ(plan->total(), u128{(3 * 2 + 3) * 3});  // (templates' queries) x targets
  // Every (template, tuple) renders a distinct query, each on one of the targets.
  std::set<std::string> queries;
  std::uint32_t values[kMaxSlots];
  std::string out(plan->max_query_bytes() + Plan::kRenderSlack, '\0');
  for (u128 i = 0; i < plan->total(); ++i) {
    std::uint32_t t = 0;
    plan->decode(i, &t, values);
    std::string query(out.data(), plan->render(t, values, out.data()));
    EXPECT_TRUE(query.starts_with("site:example.com ") || query.starts_with("site:example.org ") ||
                query.starts_with("site:xn--bcher-kva.de "))
        << query;
    queries.insert(query);
  }
  EXPECT_EQ(queries.size(), 27u);
}

TEST(ScopingTest, TemplatesOwnSiteScopeIsReplacedByTheTarget) {
  std::vector<TemplateSource> sources = {
      source("inurl:admin site:{keyword}.com", 2),
      source("intitle:{keyword} -Site:www.{keyword}.org ext:{filetype}", 3),
      source("\"site:{keyword}\" filetype:{filetype}", 4),  // quoted: text, not an operator
      source("site:{keyword}.com", 5),                      // nothing but a scope
      source("(site:a.com | site:b.com) {keyword}", 6),     // a scope inside a group
      source("inurl:admin site:{filetype}", 7),             // the same as line 2 once scoped
      source("{keyword}   site:\"{filetype} x\"  intext:\"a  b\"", 8)};
  std::vector<Pool> scoped_pools = pools();
  std::vector<std::string> notes;
  ASSERT_TRUE(
      scope_to_targets(*find_engine_profile("bing"), {"example.com"}, sources, scoped_pools, notes)
          .has_value());
  std::vector<std::string> texts;
  for (const TemplateSource& t : sources) texts.push_back(t.parsed.text());
  EXPECT_EQ(texts, (std::vector<std::string>{"site:{target} inurl:admin",
                                             "site:{target} intitle:{keyword} ext:{filetype}",
                                             "site:{target} \"site:{keyword}\" filetype:{filetype}",
                                             "site:{target} {keyword} intext:\"a  b\""}));
  ASSERT_EQ(notes.size(), 4u);
  EXPECT_EQ(notes[0],
            "--site replaces the own site: scope of 3 templates: templates/docs.txt:2, "
            "templates/docs.txt:3 and 1 more");
  EXPECT_EQ(notes[1],
            "--site leaves out 1 templates that are only a site: scope: templates/docs.txt:5");
  EXPECT_NE(notes[2].find("inside a ( ) group: templates/docs.txt:6"), std::string::npos);
  EXPECT_NE(notes[3].find("templates/docs.txt:7 (as templates/docs.txt:2)"), std::string::npos);

  std::vector<TemplateSource> only_scoped = {source("site:{keyword}.com -site:www.{keyword}", 2)};
  auto status = scope_to_targets(*find_engine_profile("google"), {"example.com"}, only_scoped,
                                 scoped_pools, notes);
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message().find("no selected template can take --site"),
            std::string::npos);
}

TEST(ScopingTest, EngineWithoutSiteOperatorIsAClearError) {
  EngineProfile no_site;
  no_site.name = "intranet";
  no_site.operators = {"intitle"};
  std::vector<TemplateSource> sources = {source("intitle:{keyword}", 2)};
  std::vector<Pool> scoped_pools = pools();
  std::vector<std::string> notes;
  auto status = scope_to_targets(no_site, {"example.com"}, sources, scoped_pools, notes);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(),
            "intranet has no site operator: --site cannot scope its queries");
  EXPECT_EQ(sources[0].parsed.text(), "intitle:{keyword}");  // nothing changed
}

TEST(ScopingTest, TargetsReplaceALibraryPoolOfTheReservedName) {
  std::vector<TemplateSource> sources = {source("{keyword}", 2)};
  std::vector<Pool> scoped_pools = pools();
  scoped_pools.push_back(Pool{"target", {"a", "b"}, "pools/target.txt"});
  std::vector<std::string> notes;
  ASSERT_TRUE(scope_to_targets(*find_engine_profile("yandex"), {"example.com"}, sources,
                               scoped_pools, notes)
                  .has_value());
  auto plan = Plan::create(scoped_pools, sources);
  ASSERT_TRUE(plan.has_value()) << plan.error().message();
  EXPECT_EQ(plan->total(), 3u);
}

TEST(ScopingTest, NoTargetsChangesNothing) {
  std::vector<TemplateSource> sources = {source("site:{keyword}.com", 2)};
  std::vector<Pool> scoped_pools = pools();
  std::vector<std::string> notes;
  ASSERT_TRUE(scope_to_targets(*find_engine_profile("google"), {}, sources, scoped_pools, notes)
                  .has_value());
  EXPECT_EQ(sources[0].parsed.text(), "site:{keyword}.com");
  EXPECT_EQ(scoped_pools.size(), 2u);
}

TEST(ScopingTest, ShippedLibraryScopedForEveryEngineCountsQueriesTimesTargets) {
  auto library = PresetLibrary::load({DORKGEN_SHIPPED_PRESETS});
  ASSERT_TRUE(library.has_value()) << library.error().message();
  for (const char* engine : {"google", "bing", "duckduckgo", "yandex"}) {
    GeneratorConfig config;
    config.engine = engine;
    config.sites = {"example.com"};
    auto one = build_plan(*library, config);
    ASSERT_TRUE(one.has_value()) << engine << ": " << one.error().message();
    config.sites = {"example.com", "example.org", "example.net"};
    auto three = build_plan(*library, config);
    ASSERT_TRUE(three.has_value()) << engine << ": " << three.error().message();
    EXPECT_EQ(three->plan.total(), one->plan.total() * 3) << engine;
    EXPECT_GT(one->plan.total(), 1000000u) << engine;
    SpaceReport space = analyse_space(three->plan, 0);
    EXPECT_EQ(space.total, three->plan.total()) << engine;
    for (const PlanTemplate& t : three->plan.templates()) {
      std::vector<std::string> ops = operators_in(t.source.parsed);
      EXPECT_EQ(std::count(ops.begin(), ops.end(), "site"), 1) << t.source.parsed.text();
      EXPECT_TRUE(t.source.parsed.text().starts_with("site:{target} ")) << t.source.parsed.text();
    }
  }
}

}  // namespace
}  // namespace dorkgen
