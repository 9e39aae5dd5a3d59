#include "dorky/check.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::run_program;
using testing::TempDir;
using testing::write_file;

TEST(CheckTest, ReportsEachProblemWithFileAndLine) {
  TempDir dir;
  write_file(dir / "q.txt",
             "intitle:\"index of\" site:a.com\r\n"  // 1 fine (CRLF)
             "foo:bar site:\n"                      // 2 unknown operator, empty value
             "\"open quote\n"                       // 3 unbalanced quotes
             "(site:a.com OR site:b.com\n"          // 4 unclosed (
             "site:a.com)\n"                        // 5 stray )
             "intitle:\"index of\" site:a.com\n"    // 6 duplicate of 1 (CR ignored)
             "\n"                                   // 7 empty
             "\xff\xfe binary");                    // 8 fine, no final newline
  auto run = run_program("dorky-check", {(dir / "q.txt").string()});
  EXPECT_EQ(run.code, 1) << run.err;
  std::string f = (dir / "q.txt").string();
  EXPECT_EQ(run.out, f + ":2: unknown operator 'foo:' for google\n" + f +
                         ":2: empty value for 'site:'\n" + f + ":3: unbalanced double quotes\n" +
                         f + ":4: unbalanced parentheses: '(' never closed\n" + f +
                         ":5: unbalanced parentheses: ')' without '('\n" + f +
                         ":6: duplicate of line 1\n" + f + ":7: empty query\n");
}

TEST(CheckTest, EngineLimitsAndProfiles) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  auto google = run_program("dorky-check", {}, many + "\n");
  EXPECT_EQ(google.code, 1);
  EXPECT_NE(google.out.find("stdin:1: too many terms (40 > 32 for google)"), std::string::npos)
      << google.out;
  auto yandex_terms = run_program("dorky-check", {"--engine", "yandex"}, many + "\n");
  EXPECT_EQ(yandex_terms.code, 0) << yandex_terms.out;
  // Bing honours 10 terms; a quoted phrase is one term, as dorkgen counts.
  auto bing = run_program("dorky-check", {"--engine", "bing"},
                          "a b c d e f g h i j k\n\"a b c d e f g h i j k\" site:x.com\n");
  EXPECT_EQ(bing.out, "stdin:1: too many terms (11 > 10 for bing)\n");
  auto yandex = run_program("dorky-check", {"-e", "yandex"}, "mime:pdf filetype:pdf\n");
  EXPECT_EQ(yandex.out, "stdin:1: unknown operator 'filetype:' for yandex (use 'mime:')\n");
  auto ddg = run_program("dorky-check", {"-e", "ddg"}, "region:de ext:pdf inbody:x\n");
  EXPECT_EQ(ddg.out,
            "stdin:1: unknown operator 'region:' for duckduckgo\n"
            "stdin:1: unknown operator 'ext:' for duckduckgo (use 'filetype:')\n");
  auto long_query = run_program("dorky-check", {"--max-chars", "10"}, "site:example.com\n");
  EXPECT_NE(long_query.out.find("too long (16 > 10 bytes"), std::string::npos);
  auto bytes = run_program("dorky-check", {"--max-bytes", "10"}, "site:\xc3\xa9\xc3\xa9\xc3\xa9\n");
  EXPECT_EQ(bytes.out, "stdin:1: too long (11 > 10 bytes for google)\n");  // 8 characters
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
      std::vector<std::string> reasons;
      lint_query(from + ":x", *find_engine_profile(engine.name), reasons);
      ASSERT_EQ(reasons.size(), 1u) << engine.name << " " << from;
      EXPECT_NE(reasons[0].find("(use '" + to + ":')"), std::string::npos) << reasons[0];
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
      expected +=
          "stdin:" + std::to_string(i) + ": duplicate of line " + std::to_string(value) + "\n";
    }
  }
  auto run = run_program("dorky-check", {"--memory", "64K"}, input);
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

TEST(LintQueryTest, CleanQueriesHaveNoReasons) {
  std::vector<std::string> reasons;
  lint_query("-site:x.com (inurl:admin | intitle:\"log in\") ext:php",
             *find_engine_profile("google"), reasons);
  EXPECT_TRUE(reasons.empty()) << reasons.front();
}

TEST(CheckTest, KilledMidWriteLeavesThePreviousReportIntact) {
  TempDir dir;
  write_file(dir / "report.txt", "previous\n");
  std::string input;  // an unknown operator on every line: several MiB of findings
  for (int i = 0; i < 200000; ++i) input += "nosuchop:" + std::to_string(i) + " site:a.com\n";
  bool wrote = false;
  int status = testing::kill_mid_write("dorky-check", {"-o", "report.txt"}, input, "report.txt",
                                       dir.path(), &wrote);
  EXPECT_TRUE(wrote) << "killed before it wrote anything";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(testing::read_file(dir / "report.txt"), "previous\n");
  std::filesystem::remove(dir / "report.txt");
  status = testing::kill_mid_write("dorky-check", {"-o", "report.txt"}, input, "report.txt",
                                   dir.path(), &wrote);
  EXPECT_TRUE(wrote && WIFSIGNALED(status));
  EXPECT_FALSE(std::filesystem::exists(dir / "report.txt"));
}
}  // namespace
}  // namespace dorky
