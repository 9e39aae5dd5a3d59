#include "dorky/check.h"

#include <gtest/gtest.h>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::run_program;
using testing::TempDir;
using testing::write_file;

TEST(CheckTest, ReportsEachProblemWithFileLineColumnSeverityAndCode) {
  TempDir dir;
  write_file(dir / "q.txt",
             "intitle:\"index of\" site:a.com\r\n"  // 1 fine (CRLF)
             "foo:bar site:\n"                      // 2 unknown operator (text), empty value
             "\"open quote\n"                       // 3 unclosed quote
             "(site:a.com OR site:b.com\n"          // 4 unclosed (
             "site:a.com)\n"                        // 5 stray )
             "intitle:\"index of\" site:a.com\n"    // 6 duplicate of 1 (CR ignored)
             "\n"                                   // 7 empty
             "\xff\xfe binary");                    // 8 fine, no final newline
  auto run = run_program("dorky-check", {(dir / "q.txt").string()});
  EXPECT_EQ(run.code, 1) << run.err;
  std::string f = (dir / "q.txt").string();
  EXPECT_EQ(run.out,
            f +
                ":2:1: warning: 'foo:' is no google operator; it is read as text "
                "[unknown-operator]\n" +
                f + ":2:9: error: empty value for 'site:' [empty-value]\n" + f +
                ":3:1: error: unclosed double quote: the phrase runs to the end of the query "
                "[unclosed-quote]\n" +
                f + ":4:1: error: '(' never closed [unclosed-group]\n" + f +
                ":5:11: error: ')' without '(' [stray-paren]\n" + f +
                ":6:1: warning: duplicate of line 1 [duplicate]\n" + f +
                ":7:1: warning: empty query [empty-query]\n");
}

TEST(CheckTest, ExitCodeFollowsSeverity) {
  // Warnings alone: exit 0, unless --strict; --errors-only hides them.
  std::string warnings = "site: example.com\nnumrange:1-9 price\n";
  auto plain = run_program("dorky-check", {}, warnings);
  EXPECT_EQ(plain.code, 0) << plain.out;
  EXPECT_NE(plain.out.find("stdin:1:1: warning: space after 'site:'"), std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find("stdin:2:1: warning: 'numrange:' is retired on google"),
            std::string::npos)
      << plain.out;
  EXPECT_EQ(run_program("dorky-check", {"--strict"}, warnings).code, 1);
  auto quiet = run_program("dorky-check", {"--errors-only"}, warnings);
  EXPECT_EQ(quiet.code, 0);
  EXPECT_EQ(quiet.out, "");
  auto errors = run_program("dorky-check", {"--errors-only"}, warnings + "inurl:\n");
  EXPECT_EQ(errors.code, 1);
  EXPECT_EQ(errors.out, "stdin:3:1: error: empty value for 'inurl:' [empty-value]\n");
  auto both = run_program("dorky-check", {"--errors-only", "--strict"}, warnings);
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.err.find("contradict"), std::string::npos) << both.err;
}

TEST(CheckTest, JsonHasOneObjectPerFinding) {
  auto run = run_program("dorky-check", {"--json"}, "a \"b\\\n\tsite:x.com site:x.com\n");
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out,
            "{\"file\":\"stdin\",\"line\":1,\"column\":3,\"severity\":\"error\",\"code\":"
            "\"unclosed-quote\",\"message\":\"unclosed double quote: the phrase runs to the end "
            "of the query\"}\n");
  // File names are escaped (quotes, backslashes, control bytes, invalid UTF-8 as U+FFFD).
  TempDir dir;
  std::string name = "q\"\\\t\xff.txt";
  write_file(dir / name, "site:\n");
  auto escaped = run_program("dorky-check", {"--json", name}, "", {}, dir.path());
  EXPECT_EQ(escaped.out,
            "{\"file\":\"q\\\"\\\\\\t\xef\xbf\xbd.txt\",\"line\":1,\"column\":1,"
            "\"severity\":\"error\",\"code\":\"empty-value\",\"message\":\"empty value for "
            "'site:'\"}\n");
  auto spaced = run_program("dorky-check", {"--json", "--no-duplicates"}, "x\nsite: \xff\n");
  EXPECT_EQ(spaced.out,
            "{\"file\":\"stdin\",\"line\":2,\"column\":1,\"severity\":\"warning\",\"code\":"
            "\"space-after-colon\",\"message\":\"space after 'site:': google may read the next "
            "word as plain text\"}\n");
}

TEST(CheckTest, EngineLimitsAndProfiles) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  auto google = run_program("dorky-check", {}, many + "\n");
  EXPECT_EQ(google.code, 1);
  EXPECT_NE(google.out.find("stdin:1:1: error: too many terms (40 > 32 for google; the rest are "
                            "ignored) [too-many-terms]"),
            std::string::npos)
      << google.out;
  // OR, AND and | between the words do not count: 32 words joined by 31 '|' pass.
  std::string list = "ext:w0";
  for (int i = 1; i < 32; ++i) list += (i % 2 ? " | ext:w" : " OR ext:w") + std::to_string(i);
  EXPECT_EQ(run_program("dorky-check", {}, list + "\n").out, "");
  EXPECT_EQ(run_program("dorky-check", {}, list + " w32\n").code, 1);
  auto yandex_terms = run_program("dorky-check", {"--engine", "yandex"}, many + "\n");
  EXPECT_EQ(yandex_terms.code, 0) << yandex_terms.out;
  // Bing honours 10 terms; a quoted phrase is one term, as dorkgen counts.
  auto bing = run_program("dorky-check", {"--engine", "bing"},
                          "a b c d e f g h i j k\n\"a b c d e f g h i j k\" site:x.com\n");
  EXPECT_EQ(bing.out,
            "stdin:1:1: error: too many terms (11 > 10 for bing; the rest are ignored) "
            "[too-many-terms]\n");
  auto yandex = run_program("dorky-check", {"-e", "yandex"}, "mime:pdf filetype:pdf\n");
  EXPECT_EQ(yandex.out,
            "stdin:1:10: error: 'filetype:' is not an operator on yandex (use 'mime:') "
            "[unsupported-operator]\n");
  auto ddg = run_program("dorky-check", {"-e", "ddg"}, "region:de ext:pdf inbody:x\n");
  EXPECT_EQ(ddg.out,
            "stdin:1:1: warning: 'region:' is no duckduckgo operator; it is read as text "
            "[unknown-operator]\n"
            "stdin:1:11: error: 'ext:' is not an operator on duckduckgo (use 'filetype:') "
            "[unsupported-operator]\n");
  auto long_query = run_program("dorky-check", {"--max-chars", "10"}, "site:example.com\n");
  EXPECT_NE(long_query.out.find("stdin:1:11: error: too long (16 > 10 bytes"), std::string::npos);
  auto bytes = run_program("dorky-check", {"--max-bytes", "10"}, "site:\xc3\xa9\xc3\xa9\xc3\xa9\n");
  EXPECT_EQ(bytes.out, "stdin:1:11: error: too long (11 > 10 bytes for google) [too-long]\n");
  EXPECT_EQ(run_program("dorky-check", {}, "").code, 0);
  EXPECT_EQ(run_program("dorky-check", {}, "site:" + std::string(1 << 20, 'x') + "\n").code, 1);
}

TEST(EngineProfileTest, DorkyUsesDorkgensProfiles) {
  // One source of truth: every dorkgen profile is found by name, with dorkgen's limits.
  for (const dorkgen::EngineProfile& engine : dorkgen::engine_profiles()) {
    auto profile = find_engine_profile(engine.name);
    ASSERT_TRUE(profile.has_value()) << engine.name;
    EXPECT_EQ(profile->engine, &engine);
    EXPECT_EQ(profile->max_terms, engine.max_terms);
    EXPECT_EQ(profile->max_bytes, engine.max_query_bytes);
    for (const std::string& op : engine.operators) EXPECT_TRUE(profile->knows(op));
  }
  EXPECT_EQ(find_engine_profile("ddg")->name, "duckduckgo");
  EXPECT_FALSE(find_engine_profile("altavista").has_value());
  EXPECT_EQ(engine_names(), "google, bing, duckduckgo, yandex");
}

TEST(LintQueryTest, WhatDorkgenWouldAdaptIsWhatCheckReports) {
  // Each translation dorkgen applies for an engine is an operator check flags there, with the
  // replacement dorkgen would use.
  for (const dorkgen::EngineProfile& engine : dorkgen::engine_profiles()) {
    for (const auto& [from, to] : engine.translations) {
      std::vector<Finding> findings;
      lint_query(from + ":x", *find_engine_profile(engine.name), findings);
      ASSERT_EQ(findings.size(), 1u) << engine.name << " " << from;
      EXPECT_EQ(findings[0].severity, Severity::kError);
      EXPECT_NE(findings[0].message.find("(use '" + to + ":')"), std::string::npos)
          << findings[0].message;
    }
  }
}

TEST(CheckTest, DuplicatesBeyondMemoryAreStillFound) {
  std::string input;
  std::string expected;
  for (int i = 1; i <= 6000; ++i) {
    int value = i <= 3000 ? i : i - 3000;  // lines 3001..6000 repeat lines 1..3000
    input += "site:h" + std::to_string(value) + ".example\n";
    if (i > 3000) {
      expected += "stdin:" + std::to_string(i) + ":1: warning: duplicate of line " +
                  std::to_string(value) + " [duplicate]\n";
    }
  }
  auto run = run_program("dorky-check", {"--memory", "64K", "--strict"}, input);
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_TRUE(run.out == expected);
  auto in_memory = run_program("dorky-check", {}, input);
  EXPECT_TRUE(in_memory.out == expected);
}

TEST(CheckTest, UsageErrors) {
  auto engine = run_program("dorky-check", {"--engine", "altavista"}, "");
  EXPECT_EQ(engine.code, 2);
  EXPECT_NE(engine.err.find("unknown engine 'altavista'"), std::string::npos);
  EXPECT_EQ(run_program("dorky-check", {"/no/such/file"}).code, 2);
}

TEST(LintQueryTest, CleanQueriesHaveNoFindings) {
  std::vector<Finding> findings;
  lint_query("-site:x.com (inurl:admin | intitle:\"log in\") ext:php",
             *find_engine_profile("google"), findings);
  EXPECT_TRUE(findings.empty()) << findings.front().message;
}

// The four classes of false positives found on published dorks, each pinned by queries of
// its shape; the corpus files hold more.
std::vector<Finding> lint_google(std::string_view query) {
  std::vector<Finding> findings;
  lint_query(query, *find_engine_profile("google"), findings);
  return findings;
}

bool has_error(const std::vector<Finding>& findings) {
  for (const Finding& finding : findings) {
    if (finding.severity == Severity::kError) return true;
  }
  return false;
}

TEST(LintQueryTest, ParenthesisedOperatorValuesAreNotStrayParentheses) {
  EXPECT_TRUE(lint_google("inurl:(dirpath|This_Directory)").empty());
  EXPECT_TRUE(lint_google("intext:(password | passcode) filetype:log").empty());
  EXPECT_TRUE(lint_google("inurl:index.php?id=(1)").empty());
  auto unclosed = lint_google("inurl:(dirpath|This_Directory");
  ASSERT_EQ(unclosed.size(), 1u);
  EXPECT_EQ(unclosed[0].code, "unclosed-group");
  EXPECT_EQ(unclosed[0].column, 7u);
}

TEST(LintQueryTest, AllInOperatorsTakeTheWordsAfterThem) {
  EXPECT_TRUE(lint_google("allintitle: EDR400 login").empty());
  EXPECT_TRUE(lint_google("allintitle:EDR400 login").empty());
  EXPECT_TRUE(lint_google("allinurl: /cgi-bin/ admin site:example.com").empty());
  auto empty = lint_google("allintitle: site:example.com");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].code, "empty-value");
}

TEST(LintQueryTest, WordsEndingInAColonAreText) {
  EXPECT_TRUE(lint_google("index of: /config").empty());
  EXPECT_TRUE(lint_google("Powered by: XP Book").empty());
  EXPECT_TRUE(lint_google("Re: Fwd: invoice").empty());
  EXPECT_TRUE(lint_google("Date: 2020 intitle:report").empty());  // yandex's date:, as text
  auto glued = lint_google("foo:bar");  // attached to a value: probably meant as an operator
  ASSERT_EQ(glued.size(), 1u);
  EXPECT_EQ(glued[0].severity, Severity::kWarning);
}

TEST(LintQueryTest, RetiredOperatorsAndSignedColonWordsAreNotErrors) {
  auto numrange = lint_google("numrange:1000-2000 intitle:\"price list\"");
  ASSERT_EQ(numrange.size(), 1u);
  EXPECT_EQ(numrange[0].code, "deprecated-operator");
  EXPECT_EQ(numrange[0].severity, Severity::kWarning);
  EXPECT_TRUE(lint_google("intitle:\"index of\" -man: /bin").empty());
}

TEST(LintQueryTest, RealDefectsAreStillErrors) {
  EXPECT_EQ(lint_google("intitle:\"index of").at(0).code, "unclosed-quote");
  EXPECT_EQ(lint_google("site:").at(0).code, "empty-value");
  EXPECT_EQ(lint_google("site: inurl:admin").at(0).code, "empty-value");
  EXPECT_EQ(lint_google("inbody:password").at(0).code, "unsupported-operator");
}

std::vector<std::string> corpus(const std::string& name) {
  std::vector<std::string> queries;
  for (const std::string& line :
       testing::split_lines(testing::read_file(std::string(CHECK_CORPUS_DIR) + "/" + name))) {
    if (!line.empty() && line[0] != '#') queries.push_back(line);
  }
  return queries;
}

TEST(CheckCorpusTest, EveryDefectiveQueryIsAnError) {
  std::vector<std::string> queries = corpus("defective.txt");
  EXPECT_GE(queries.size(), 30u);
  for (const std::string& query : queries) {
    EXPECT_TRUE(has_error(lint_google(query))) << query;
  }
}

TEST(CheckCorpusTest, NoRealShapedQueryIsAnError) {
  std::vector<std::string> queries = corpus("real-shaped.txt");
  EXPECT_GE(queries.size(), 50u);
  for (const std::string& query : queries) {
    auto findings = lint_google(query);
    EXPECT_FALSE(has_error(findings)) << query << ": " << findings.front().message;
  }
  // The whole file through the binary: warnings only, so exit 0.
  std::string all;
  for (const std::string& query : queries) all += query + "\n";
  auto run = run_program("dorky-check", {"--errors-only"}, all);
  EXPECT_EQ(run.code, 0) << run.out;
}

TEST(CheckTest, KilledMidWriteLeavesThePreviousReportIntact) {
  TempDir dir;
  write_file(dir / "report.txt", "previous\n");
  std::string input;  // an unknown operator on every line: several MiB of findings
  for (int i = 0; i < 200000; ++i) input += "nosuchop:" + std::to_string(i) + " site:a.com\n";
  bool wrote = false;
  core::ExitStatus status = testing::kill_mid_write("dorky-check", {"-o", "report.txt"}, input,
                                                    "report.txt", dir.path(), &wrote);
  EXPECT_TRUE(wrote) << "killed before it wrote anything";
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(testing::read_file(dir / "report.txt"), "previous\n");
  std::filesystem::remove(dir / "report.txt");
  status = testing::kill_mid_write("dorky-check", {"-o", "report.txt"}, input, "report.txt",
                                   dir.path(), &wrote);
  EXPECT_TRUE(wrote && status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_FALSE(std::filesystem::exists(dir / "report.txt"));
}
}  // namespace
}  // namespace dorky
