#include "dorky/suggest.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dorky/testing/tool_runner.h"

namespace dorky {
namespace {

using testing::run_program;
using testing::TempDir;
using testing::write_file;

class SuggestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "pools");
    write_file(dir_ / "pools" / "domain.txt", "# domains\na.com\nb.org\r\n\nc.net\n");
    write_file(dir_ / "pools" / "filetype.txt", "pdf\nxls\n");
    write_file(dir_ / "pools" / "keyword.txt", "index of\nlogin\n");
  }
  std::string presets() const { return dir_.path().string(); }
  TempDir dir_;
};

TEST_F(SuggestTest, VariantsSkipValuesAlreadyPresent) {
  auto run = run_program("dorky-suggest", {"--presets", presets()},
                         "site:a.com filetype:pdf\r\nintitle:admin x\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "site:b.org filetype:pdf\nsite:c.net filetype:pdf\nsite:a.com filetype:xls\n"
            "intitle:\"index of\" x\nintitle:login x\n");
  auto limited = run_program("dorky-suggest", {"--presets", presets(), "--max-per-query", "1"},
                             "site:a.com filetype:pdf\n");
  EXPECT_EQ(limited.out, "site:b.org filetype:pdf\n");
}

TEST_F(SuggestTest, SuggestPoolValueWithQuoteNeverUnbalancesAQuery) {
  write_file(dir_ / "pools" / "keyword.txt",
             "\xEF\xBB\xBF"
             "a\"b\nlog in\nplain\n");
  auto run =
      run_program("dorky-suggest", {"--presets", presets()}, "intitle:\"x y\" q\nintitle:z q\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out,
            "intitle:\"log in\" q\nintitle:\"plain\" q\n"
            "intitle:\"log in\" q\nintitle:plain q\n");
  for (const std::string& line : testing::split_lines(run.out)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), '"') % 2, 0) << line;
  }
}

TEST_F(SuggestTest, EnginesOwnSpellingsFillTheSamePools) {
  // Yandex writes filetype: as mime: and intitle: as title: (dorkgen's profiles).
  auto run = run_program("dorky-suggest", {"--presets", presets()}, "mime:pdf title:login\n");
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "mime:xls title:login\nmime:pdf title:\"index of\"\n");
  auto mapping = default_pool_mapping();
  EXPECT_EQ(mapping.at("inbody"), "keyword");  // bing and duckduckgo for intext:
}

TEST_F(SuggestTest, AdviceForATarget) {
  auto run = run_program("dorky-suggest", {"--presets", presets(), "--target", "100"},
                         "site:a.com filetype:pdf\nsite:b.org filetype:xls\nintitle:x\n");
  EXPECT_EQ(run.code, 0) << run.err;
  // Shapes: site:{domain} filetype:{filetype} (3 x 2) and intitle:{keyword} (2): 8.
  EXPECT_NE(run.out.find("shapes: 2 distinct query shapes"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("space: 8 distinct queries"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("verdict: the target exceeds the space"), std::string::npos);
  EXPECT_NE(run.out.find("grow domain from 3 to"), std::string::npos) << run.out;
}

TEST_F(SuggestTest, MissingOrMalformedPresetsAreCleanErrors) {
  TempDir out;
  auto missing =
      run_program("dorky-suggest", {"--presets", "/no/such/dir", "-o", (out / "o.txt").string()},
                  "site:a.com\n");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/no/such/dir"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(out / "o.txt"));
  auto unmapped = run_program("dorky-suggest", {"--presets", presets(), "--pool", "site=nope"}, "");
  EXPECT_EQ(unmapped.code, 2);
  EXPECT_NE(unmapped.err.find("pool 'nope'"), std::string::npos);
  write_file(dir_ / "pools" / "filetype.txt", "# nothing\n\n");
  auto empty = run_program("dorky-suggest", {"--presets", presets()}, "site:a.com\n");
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("filetype.txt: the pool holds no values"), std::string::npos);
  EXPECT_EQ(run_program("dorky-suggest", {}, "").code, 2);
}

TEST_F(SuggestTest, EmptyInputAndBinaryBytes) {
  EXPECT_EQ(run_program("dorky-suggest", {"--presets", presets()}, "").out, "");
  auto run = run_program("dorky-suggest", {"--presets", presets()}, "\xff site:a.com");
  EXPECT_EQ(run.out, "\xff site:b.org\n\xff site:c.net\n");
}

TEST_F(SuggestTest, KilledMidWriteLeavesThePreviousFileIntact) {
  std::string domains;
  for (int i = 0; i < 200; ++i) domains += "d" + std::to_string(i) + ".example\n";
  write_file(dir_ / "pools" / "domain.txt", domains);
  write_file(dir_ / "out.txt", "previous\n");
  std::string input;  // 50 variants of each query: several MiB of output
  for (int i = 0; i < 20000; ++i) input += "site:d1.example q" + std::to_string(i) + "\n";
  bool wrote = false;
  core::ExitStatus status =
      testing::kill_mid_write("dorky-suggest", {"--presets", presets(), "-o", "out.txt"}, input,
                              "out.txt", dir_.path(), &wrote);
  EXPECT_TRUE(wrote) << "killed before it wrote anything";
  EXPECT_TRUE(status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_EQ(testing::read_file(dir_ / "out.txt"), "previous\n");
  std::filesystem::remove(dir_ / "out.txt");
  status = testing::kill_mid_write("dorky-suggest", {"--presets", presets(), "-o", "out.txt"},
                                   input, "out.txt", dir_.path(), &wrote);
  EXPECT_TRUE(wrote && status.kind == core::ExitStatus::Kind::kSignaled);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out.txt"));
}
}  // namespace
}  // namespace dorky
