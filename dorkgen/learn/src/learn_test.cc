#include "dorkgen/learn.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/process.h"
#include "dorkgen/preset_library.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

// Queries of a few shapes with varying values, as a researcher's list of findings looks;
// the last two shapes appear once and fall under --min-count 2.
const std::vector<std::string> kCorpus = {
    "intitle:\"index of\" backup",
    "intitle:\"index of\" uploads",
    "intitle:\"index of\" private files",
    "inurl:admin/login.php site:example.com",
    "inurl:wp-login.php site:example.org",
    "inurl:/administrator/ site:example.net",
    "filetype:log intext:password",
    "filetype:env intext:DB_PASSWORD",
    "filetype:sql intext:INSERT",
    "ext:sql intext:users",
    "ext:bak intext:admin",
    "\"Powered by phpBB\" inurl:viewtopic.php",
    "\"Powered by vBulletin\" inurl:showthread.php",
    "allintitle: EDR400 login",
    "allintitle: router admin",
    "inurl:(dirpath|This_Directory) -site:example.com",
    "inurl:(admin|login) -site:example.org",
    "intitle:\"index of\" backup",  // a repeat counts towards its shape, once in the pools
    "numrange:1-100 {braces} cache:x",
    "\"open quote",
};

std::size_t distinct(const std::vector<std::string>& queries) {
  return std::set<std::string>(queries.begin(), queries.end()).size();
}

TEST(LearnTest, ShapesMergeAndValuesGoToPoolsByRole) {
  LearnOptions options;
  options.min_count = 2;
  LearnedPresets learned = learn_presets(kCorpus, options);
  EXPECT_EQ(learned.queries, kCorpus.size());
  EXPECT_EQ(learned.skipped, 1u);  // the unclosed quote
  EXPECT_EQ(learned.dropped, 1u);  // numrange: ... seen once
  ASSERT_FALSE(learned.templates.empty());
  EXPECT_EQ(learned.templates[0].text, "intitle:\"{learned-intitle}\" {learned-keyword}");
  EXPECT_EQ(learned.templates[0].count, 4u);
  std::vector<std::string> texts;
  for (const LearnedTemplate& t : learned.templates) texts.push_back(t.text);
  EXPECT_NE(
      std::find(texts.begin(), texts.end(), "filetype:{learned-filetype} intext:{learned-intext}"),
      texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "allintitle: {learned-intitle}"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "inurl:({learned-inurl}) -site:{learned-site}"),
            texts.end());
  auto pool = [&](const std::string& name) {
    for (const LearnedPool& p : learned.pools) {
      if (p.name == name) return p.values;
    }
    return std::vector<std::string>{};
  };
  EXPECT_EQ(pool("learned-keyword"),
            (std::vector<std::string>{"backup", "uploads", "private files"}));
  // ext: and filetype: share a pool; all-in operators share their operator's.
  EXPECT_EQ(pool("learned-filetype"), (std::vector<std::string>{"log", "env", "sql", "bak"}));
  EXPECT_EQ(pool("learned-intitle"),
            (std::vector<std::string>{"index of", "EDR400 login", "router admin"}));
}

// The three properties: every query that survives --min-count is in the space of the
// learned presets, there are fewer templates than input queries, and the space is larger
// than the input. The space is enumerated by the real dorkgen binary.
TEST(LearnTest, LearnedPresetsRoundTripAndGeneralise) {
  char pattern[] = "/tmp/dorkgen-learn-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  fs::path dir = pattern;
  LearnOptions options;
  options.min_count = 2;
  options.sources = {"corpus.txt"};
  LearnedPresets learned = learn_presets(kCorpus, options);
  ASSERT_TRUE(write_presets(learned, options, dir / "presets"));
  auto library = PresetLibrary::load({dir / "presets"});  // what `dorkgen validate` checks
  ASSERT_TRUE(library.has_value()) << library.error().message();

  const char* bin = std::getenv("PROJECT_BIN_DIR");
  ASSERT_NE(bin, nullptr);
  const std::string dorkgen = std::string(bin) + "/dorkgen";
  core::SpawnOptions spawn;
  spawn.env = core::environment_with({"DORKGEN_PRESETS_DIR=" + (dir / "presets").string()});
  spawn.err = core::Stdio::file(dir / "err.txt");
  auto generate = core::Child::spawn(
      dorkgen, {dorkgen, "generate", "--all", "-q", "-o", (dir / "all.txt").string()}, spawn);
  ASSERT_TRUE(generate.has_value()) << generate.error().message();
  auto generated = generate->wait();
  ASSERT_TRUE(generated.has_value());
  ASSERT_TRUE(generated->success()) << "dorkgen generate " << generated->describe();
  std::ifstream in(dir / "all.txt");
  std::set<std::string> space;
  for (std::string line; std::getline(in, line);) space.insert(line);

  std::vector<std::string> kept;  // input queries whose shape survived
  for (const std::string& query : kCorpus) {
    if (query.starts_with("numrange:") || query.starts_with("\"open")) continue;
    kept.push_back(query);
  }
  for (const std::string& query : kept) EXPECT_TRUE(space.count(query)) << query;
  EXPECT_LT(learned.templates.size(), kept.size());
  EXPECT_GT(space.size(), distinct(kept));
  fs::remove_all(dir);
}

// `dorkgen learn` writes what `dorkgen validate` accepts, and refuses bad input with exit 2.
TEST(LearnTest, LearnCommandWritesALibraryValidateAccepts) {
  char pattern[] = "/tmp/dorkgen-learn-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  fs::path dir = pattern;
  {
    std::ofstream corpus(dir / "findings.txt");
    for (const std::string& query : kCorpus) corpus << query << "\r\n";
  }
  const std::string dorkgen = std::string(std::getenv("PROJECT_BIN_DIR")) + "/dorkgen";
  // Runs dorkgen with `args`, its output and errors in out.txt; its exit code, or -1.
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), dorkgen);
    core::SpawnOptions spawn;
    spawn.out = core::Stdio::file(dir / "out.txt");
    spawn.err = core::Stdio::same_as_stdout();
    auto child = core::Child::spawn(dorkgen, args, spawn);
    if (!child) return -1;
    auto status = child->wait();
    return status && status->kind == core::ExitStatus::Kind::kExited ? status->code : -1;
  };
  const std::string corpus = (dir / "findings.txt").string();
  const std::string out = (dir / "mine").string();
  EXPECT_EQ(run({"learn", corpus, "-o", out, "--min-count", "2", "--type", "mine"}), 0);
  EXPECT_EQ(run({"validate", out}), 0);
  EXPECT_TRUE(fs::exists(dir / "mine" / "templates" / "mine.txt"));
  EXPECT_TRUE(fs::exists(dir / "mine" / "pools" / "mine-site.txt"));
  EXPECT_EQ(run({"learn", corpus, "-o", out, "--type", "Bad"}), 2);
  EXPECT_EQ(run({"learn", (dir / "missing.txt").string(), "-o", out}), 2);
  EXPECT_EQ(run({"learn", corpus, "-o", out, "--min-count", "100"}), 2);
  fs::remove_all(dir);
}

TEST(LearnTest, NothingToWriteIsAnError) {
  LearnOptions options;
  options.min_count = 5;
  LearnedPresets learned = learn_presets({"site:a.com", "site:b.com"}, options);
  EXPECT_TRUE(learned.templates.empty());
  EXPECT_EQ(learned.dropped, 2u);
  auto status = write_presets(learned, options, fs::temp_directory_path() / "never-written");
  EXPECT_FALSE(status);
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / "never-written"));
}

TEST(LearnTest, BracesStayInValues) {
  LearnedPresets learned = learn_presets({"inurl:{id} ext:php"}, LearnOptions{});
  ASSERT_EQ(learned.templates.size(), 1u);
  EXPECT_EQ(learned.templates[0].text, "inurl:{learned-inurl} ext:{learned-filetype}");
  EXPECT_EQ(learned.pools[1].values, (std::vector<std::string>{"{id}"}));
}

}  // namespace
}  // namespace dorkgen
