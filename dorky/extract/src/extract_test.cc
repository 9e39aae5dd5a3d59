#include "dorky/extract.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::run_program;

const std::string kQueries =
    "intitle:\"index of\" site:a.com filetype:pdf admin\r\n"
    "-site:b.org ext:XLS \"secret plans\" inurl:/wp-admin/\n"
    "SITE:a.com login \xff\xfe\n"
    "\n"
    "site: \"unclosed";

TEST(ExtractTest, SiteValuesInOrder) {
  auto run = run_program("dorky-extract", {"--site"}, kQueries);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "a.com\na.com\n");
  auto negated = run_program("dorky-extract", {"--site", "--negated"}, kQueries);
  EXPECT_EQ(negated.out, "a.com\nb.org\na.com\n");
}

TEST(ExtractTest, SeveralKindsAreLabelled) {
  auto run = run_program("dorky-extract", {"--filetype", "--phrases", "--inurl"}, kQueries);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "filetype\tpdf\next\tXLS\nphrase\tsecret plans\ninurl\t/wp-admin/\n"
            "phrase\tunclosed\n");
}

TEST(ExtractTest, KeywordsKeepBytes) {
  auto run = run_program("dorky-extract", {"--keywords"}, kQueries);
  EXPECT_EQ(run.out, "admin\nlogin\n\xff\xfe\n");
}

TEST(ExtractTest, CountsMostFrequentFirst) {
  auto run = run_program("dorky-extract", {"--op", "site", "--counts", "--negated"}, kQueries);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "2\ta.com\n1\tb.org\n");
}

TEST(ExtractTest, RegexCaptures) {
  auto run = run_program("dorky-extract", {"--regex", "site:([a-z]+)\\."}, kQueries);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "a\nb\n");
}

TEST(ExtractTest, ExtractRegexOnLongLineDoesNotCrash) {
  std::string ab;
  for (int i = 0; i < 50000; ++i) ab += "ab";
  auto whole = run_program("dorky-extract", {"--regex", ".*"}, ab + "\n");
  EXPECT_EQ(whole.code, 0) << whole.err;
  EXPECT_TRUE(whole.out == ab + "\n");
  std::string site = "site:" + std::string(30000, 'x') + ".com inurl:a";
  testing::TempDir dir;
  auto captured = run_program("dorky-extract", {"--regex", "site:(\\S+)", "-o", "out.txt"},
                              site + "\n", {}, dir.path());
  EXPECT_EQ(captured.code, 0) << captured.err;
  EXPECT_TRUE(testing::read_file(dir / "out.txt") == site.substr(5, 30004) + "\n");
  // No temporary left beside the output.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(ExtractTest, ExtractRegexEveryMatchAndEmptyMatches) {
  auto run = run_program("dorky-extract", {"--regex", "[0-9]+"}, "a1b22c333\n");
  EXPECT_EQ(run.out, "1\n22\n333\n");
  auto empty = run_program("dorky-extract", {"--regex", "a*"}, "baa\n");
  EXPECT_EQ(empty.out, "\naa\n");
  // An optional group that did not take part gives nothing.
  auto optional = run_program("dorky-extract", {"--regex", "x(y)?"}, "xy x\n");
  EXPECT_EQ(optional.out, "y\n");
  // Backreferences are not RE2: a usage error naming the dialect.
  auto backref = run_program("dorky-extract", {"--regex", "(a)\\1"}, "aa\n");
  EXPECT_EQ(backref.code, 2);
  EXPECT_NE(backref.err.find("RE2"), std::string::npos) << backref.err;
}

TEST(ExtractTest, EmptyInputAndHugeLine) {
  EXPECT_EQ(run_program("dorky-extract", {"--site"}, "").out, "");
  std::string huge = "site:" + std::string(1 << 20, 'x') + ".com";
  auto run = run_program("dorky-extract", {"--site"}, huge);
  EXPECT_TRUE(run.out == huge.substr(5) + "\n");
}

TEST(ExtractTest, UsageErrors) {
  auto none = run_program("dorky-extract", {}, "a\n");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("nothing to extract"), std::string::npos);
  auto regex = run_program("dorky-extract", {"--regex", "(unclosed"}, "a\n");
  EXPECT_EQ(regex.code, 2);
  EXPECT_NE(regex.err.find("--regex"), std::string::npos);
}

TEST(ExtractTest, CountsBeyondMemoryGoThroughSpillFiles) {
  // 20000 distinct keywords, value i seen (i % 7) + 1 times, shuffled by a stride.
  std::map<std::string, int> expected;
  std::string input;
  for (int round = 0; round < 7; ++round) {
    for (int j = 0; j < 20000; ++j) {
      int i = (j * 7919) % 20000;
      if (i % 7 >= round) {
        input += "site:x.com kw" + std::to_string(i) + "\n";
        if (round == 0) expected["kw" + std::to_string(i)] = i % 7 + 1;
      }
    }
  }
  std::vector<std::pair<int, std::string>> order;
  for (const auto& [value, count] : expected) order.emplace_back(-count, value);
  std::sort(order.begin(), order.end());
  std::string want;
  for (const auto& [negative, value] : order)
    want += std::to_string(-negative) + "\t" + value + "\n";
  auto small = run_program("dorky-extract", {"--keywords", "--counts", "--memory", "64K"}, input);
  EXPECT_EQ(small.code, 0) << small.err;
  EXPECT_TRUE(small.out == want);
  auto large = run_program("dorky-extract", {"--keywords", "--counts"}, input);
  EXPECT_TRUE(large.out == want);
}

TEST(ExtractTest, KilledMidWriteLeavesThePreviousFileIntact) {
  testing::TempDir dir;
  testing::write_file(dir / "out.txt", "previous\n");
  std::string input;  // several MiB of values, so the temporary file gets written
  for (int i = 0; i < 300000; ++i) input += "site:host" + std::to_string(i) + ".example x\n";
  bool wrote = false;
  core::ExitStatus status = testing::kill_mid_write("dorky-extract", {"--site", "-o", "out.txt"},
                                                    input, "out.txt", dir.path(), &wrote);
  EXPECT_TRUE(wrote) << "killed before it wrote anything";
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(testing::read_file(dir / "out.txt"), "previous\n");
  // And with no previous file, none appears.
  std::filesystem::remove(dir / "out.txt");
  status = testing::kill_mid_write("dorky-extract", {"--site", "-o", "out.txt"}, input, "out.txt",
                                   dir.path(), &wrote);
  EXPECT_TRUE(wrote && status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.txt"));
}
TEST(ExtractTest, IgnoreCaseCountsCaseVariantsOnce) {
  std::string input = "intitle:\"index of\" mp3\nintitle:\"Index of\" mp4\nINTITLE:\"INDEX OF\"\n";
  auto apart = run_program("dorky-extract", {"--intitle", "-c"}, input);
  EXPECT_EQ(apart.out.find("3\t"), std::string::npos) << apart.out;
  auto folded = run_program("dorky-extract", {"--intitle", "-c", "--ignore-case"}, input);
  EXPECT_EQ(folded.code, 0) << folded.err;
  EXPECT_EQ(folded.out, "3\tindex of\n");
}

TEST(ExtractTest, ValuesAreNormalisedAsTheEngineReadsThem) {
  auto run = run_program("dorky-extract", {"--inurl", "--intitle"},
                         "inurl:(dirpath|This_Directory)\n"
                         "intitle:(\"log  in\" OR admin)\n"
                         "allintitle: EDR400   login\n"
                         "intitle:\"index   of\"\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "inurl\tdirpath\ninurl\tThis_Directory\nintitle\tlog in\nintitle\tadmin\n"
            "allintitle\tEDR400 login\nintitle\tindex of\n");
}

TEST(ExtractTest, ShapesAreCounted) {
  auto run = run_program("dorky-extract", {"--shapes"},
                         "intitle:\"index of\" backup files\n"
                         "INTITLE:\"Index of\" mp3\n"
                         "-site:x.com (inurl:a | inurl:(b|c))\n"
                         "\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "2\tintitle:\"{}\" {}\n"
            "1\t-site:{} (inurl:{} | inurl:({}))\n");
}

}  // namespace
}  // namespace dorky
