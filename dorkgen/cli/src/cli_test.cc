// Integration tests: the real `dorkgen` binary, run in a temporary directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/process.h"
#include "core/status.h"

namespace {

namespace fs = std::filesystem;

#ifdef PROJECT_SANITIZED
constexpr int kBigPool = 40;
#else
constexpr int kBigPool = 200;
#endif

fs::path binary() {
  const char* dir = std::getenv("PROJECT_BIN_DIR");
  return fs::absolute(fs::path(dir != nullptr ? dir : ".") / "dorkgen");
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Outcome {
  int exit_code = -1;
  int signal = 0;
  std::string out;
  std::string err;
};

class DorkgenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("dorkgen-cli-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    presets_ = dir_ / "presets";
    make_presets(presets_);
  }

  // A small library: 3 * 4 * 6 * kBigPool tuples for the first template, and two more.
  static void make_presets(const fs::path& root) {
    auto pool = [&](const std::string& name, const std::string& prefix, int n) {
      std::string text = "# " + name + "\n";
      for (int i = 0; i < n; ++i) text += prefix + std::to_string(i) + "\n";
      write_file(root / "pools" / (name + ".txt"), text);
    };
    pool("keyword", "kw", 3);
    pool("filetype", "ft", 4);
    pool("tld", "tld", 6);
    pool("word", "w", kBigPool);
    write_file(root / "templates" / "docs.txt",
               "# Documents\ninurl:{keyword} intitle:{word} ext:{filetype} site:{tld}\n"
               "\"{keyword}\" filetype:{filetype}\n");
    write_file(root / "templates" / "login.txt", "# Logins\nintext:{word}{keyword}\n");
  }

  // Runs dorkgen with `args`; stdout and stderr go to files that are read back.
  Outcome run(const std::vector<std::string>& args, const fs::path& presets = {}) {
    core::Child child = spawn(args, presets.empty() ? presets_ : presets);
    return collect(child);
  }

  // Starts dorkgen in dir_ with `args`, its stdout and stderr in files there.
  core::Child spawn(const std::vector<std::string>& args, const fs::path& presets) {
    std::string exe = binary().string();
    core::SpawnOptions options;
    options.env = {"DORKGEN_PRESETS_DIR=" + presets.string(), "HOME=" + dir_.string(),
                   "PATH=/usr/bin:/bin"};
    options.out = core::Stdio::file(dir_ / "stdout");
    options.err = core::Stdio::file(dir_ / "stderr");
    options.cwd = dir_;
    std::vector<std::string> argv = {exe};
    argv.insert(argv.end(), args.begin(), args.end());
    auto child = core::Child::spawn(exe, argv, options);
    CORE_CHECK(child.has_value());  // a test cannot run without its binary
    return std::move(*child);
  }

  // Waits for `child` and reads back its outputs.
  Outcome collect(core::Child& child) {
    Outcome outcome;
    auto status = child.wait();
    CORE_CHECK(status.has_value());
    if (status->kind == core::ExitStatus::Kind::kExited) outcome.exit_code = status->code;
    if (status->kind == core::ExitStatus::Kind::kSignaled) outcome.signal = status->signal;
    outcome.out = read_all(dir_ / "stdout");
    outcome.err = read_all(dir_ / "stderr");
    return outcome;
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  fs::path dir_;
  fs::path presets_;
};

TEST_F(DorkgenTest, GenerateIsUniqueDeterministicAndQuietOffTerminal) {
  Outcome a = run({"generate", "-n", "500", "--seed", "9", "-o", "a.txt"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.err, "") << "no progress bar or notes when stderr is not a terminal";
  Outcome b = run({"generate", "-n", "500", "--seed", "9", "-o", "b.txt"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  Outcome c = run({"generate", "-n", "500", "--seed", "10"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  std::string first = read_all(dir_ / "a.txt");
  EXPECT_EQ(first, read_all(dir_ / "b.txt"));
  EXPECT_NE(first, c.out);
  std::vector<std::string> got = lines(first);
  EXPECT_EQ(got.size(), 500u);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 500u);
}

TEST_F(DorkgenTest, ProgressBarOnlyOnATerminal) {
  std::string exe = binary().string();
  core::SpawnOptions options;
  options.out = core::Stdio::null();
  options.err = core::Stdio::terminal();
  options.env = {"DORKGEN_PRESETS_DIR=" + presets_.string(), "HOME=" + dir_.string()};
  auto child = core::Child::spawn(exe, {exe, "generate", "-n", "100"}, options);
  if (!child) GTEST_SKIP() << "no pseudo-terminal available here: " << child.error().message();
  std::string terminal;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(child->terminal_fd(), buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    terminal.append(buffer, static_cast<std::size_t>(n));
  }
  auto status = child->wait();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->describe();
  EXPECT_NE(terminal.find("100.0%"), std::string::npos) << terminal;
  EXPECT_NE(terminal.find("100/100"), std::string::npos) << terminal;
}

TEST_F(DorkgenTest, WholeSpaceSampledEqualsExhaustiveAndSpaceCount) {
  Outcome space = run({"space", "--json"});
  ASSERT_EQ(space.exit_code, 0) << space.err;
  const int total = 3 * 4 * 6 * kBigPool + 3 * 4 + kBigPool * 3;
  EXPECT_NE(space.out.find("\"total\":\"" + std::to_string(total) + "\""), std::string::npos)
      << space.out;
  Outcome sampled = run({"generate", "-n", std::to_string(total), "-q"});
  ASSERT_EQ(sampled.exit_code, 0) << sampled.err;
  Outcome all = run({"generate", "--all", "-o", "all.txt", "-q"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<std::string> s = lines(sampled.out);
  std::vector<std::string> e = lines(read_all(dir_ / "all.txt"));
  ASSERT_EQ(s.size(), static_cast<std::size_t>(total));
  ASSERT_EQ(e.size(), static_cast<std::size_t>(total));
  EXPECT_EQ(std::set<std::string>(s.begin(), s.end()), std::set<std::string>(e.begin(), e.end()));
  EXPECT_FALSE(fs::exists(dir_ / "all.txt.dorkgen-work")) << "work files removed after success";
}

TEST_F(DorkgenTest, SizeAboveTheSpaceIsRefusedUpFrontWithNoOutput) {
  Outcome o = run({"generate", "-n", "999999999", "-o", "out.txt"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("short"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
}

TEST_F(DorkgenTest, SizeEqualToTheSpaceCompletes) {
  Outcome o = run({"generate", "-t", "login", "-n", std::to_string(kBigPool * 3), "-q"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(lines(o.out).size(), static_cast<std::size_t>(kBigPool * 3));
}

TEST_F(DorkgenTest, DedupBudgetTooSmallIsSaidNotExceeded) {
  Outcome o = run({"generate", "-n", "1000", "--memory", "1KiB", "-o", "out.txt"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("budget is 1 KiB"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
}

// Every bad preset input: exit 2, a message naming file and line, no output file.
TEST_F(DorkgenTest, BadPresetsFailBeforeAnyOutput) {
  struct Case {
    std::string file, contents, expected;
  };
  const std::vector<Case> cases = {
      {"pools/filetype.txt", "", "filetype.txt: pool file has no values"},
      {"pools/filetype.txt", "pdf\nxls\npdf\n", "filetype.txt:3: duplicate value 'pdf'"},
      {"pools/filetype.txt", "pdf\n\xff\xfe\n", "filetype.txt:2: invalid UTF-8"},
      {"templates/docs.txt", "{keyword} {nope}\n", "docs.txt:1: unknown placeholder {nope}"},
      {"templates/docs.txt", "ok {keyword}\nbad {keyword\n", "docs.txt:2: column 5: unterminated"},
      {"templates/docs.txt", "a}\n", "docs.txt:1: column 2: lone '}'"},
  };
  for (const Case& c : cases) {
    fs::path bad = dir_ / "bad";
    fs::remove_all(bad);
    make_presets(bad);
    write_file(bad / c.file, c.contents);
    Outcome o = run({"generate", "-n", "5", "-o", "out.txt"}, bad);
    EXPECT_EQ(o.exit_code, 2) << c.expected;
    EXPECT_NE(o.err.find(c.expected), std::string::npos) << o.err;
    EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
    Outcome v = run({"validate", bad.string()});
    EXPECT_EQ(v.exit_code, 2);
    EXPECT_NE(v.err.find(c.expected), std::string::npos) << v.err;
  }
  Outcome missing = run({"generate", "-n", "5", "-o", "out.txt"}, dir_ / "missing");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("missing: preset directory does not exist"), std::string::npos);
  fs::create_directories(dir_ / "unreadable" / "pools" / "keyword.txt");
  Outcome unreadable = run({"validate", (dir_ / "unreadable").string()});
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_NE(unreadable.err.find("keyword.txt"), std::string::npos) << unreadable.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
}

TEST_F(DorkgenTest, BadArgumentsAndConfig) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"generate", "-n", "5", "-e", "altavista"},
           {"generate", "-n", "5", "-t", "nope"},
           {"generate", "-n", "5", "-f", "xml"},
           {"generate", "-n", "five"},
           {"generate"},
           {"generate", "-n", "5", "--resume"},
           {"frobnicate"},
       }) {
    Outcome o = run(args);
    EXPECT_EQ(o.exit_code, 2) << args.back() << ": " << o.err;
    EXPECT_FALSE(o.err.empty());
  }
  write_file(dir_ / "bad.conf", "size = 10\nflavour = mint\n");
  Outcome o = run({"generate", "--config", "bad.conf"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("bad.conf:2: unknown key 'flavour'"), std::string::npos) << o.err;
}

TEST_F(DorkgenTest, ConfigFileDrivesGeneration) {
  write_file(dir_ / "run.conf", "size = 4\nseed = 3\nformat = csv\ntype = docs\nkeyword = alpha\n");
  Outcome o = run({"generate", "--config", "run.conf"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::vector<std::string> got = lines(o.out);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], "query,type,template,values");
  EXPECT_NE(got[1].find("alpha"), std::string::npos);
}

TEST_F(DorkgenTest, PresetsListsTypesAndPools) {
  Outcome o = run({"presets"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("docs"), std::string::npos);
  EXPECT_NE(o.out.find("Documents"), std::string::npos);
  EXPECT_NE(o.out.find("word"), std::string::npos);
  Outcome json = run({"presets", "--json"});
  EXPECT_NE(json.out.find("{\"name\":\"login\",\"description\":\"Logins\",\"templates\":1}"),
            std::string::npos)
      << json.out;
}

TEST_F(DorkgenTest, UserPresetDirectoryOverridesShipped) {
  write_file(dir_ / "user" / "pools" / "keyword.txt", "only\n");
  Outcome o = run({"generate", "-t", "docs", "-n", "10", "--presets", "user", "-q"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const std::string& line : lines(o.out)) {
    EXPECT_NE(line.find("only"), std::string::npos) << line;
  }
}

TEST_F(DorkgenTest, YandexTranslatesAndReportsDroppedTemplates) {
  Outcome o = run({"generate", "-t", "docs", "-n", "12", "-e", "yandex"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("filetype: -> mime:"), std::string::npos) << o.err;
  for (const std::string& line : lines(o.out)) EXPECT_EQ(line.find("filetype:"), std::string::npos);
  Outcome dropped = run({"generate", "-t", "login", "-n", "1", "-e", "yandex"});
  EXPECT_EQ(dropped.exit_code, 2);
  EXPECT_NE(dropped.err.find("no selected template can be expressed for yandex"),
            std::string::npos);
}

// Issue 16.9: x+yz and xy+z both render "xyz"; `space` must not promise 4 distinct queries.
TEST_F(DorkgenTest, SpaceIsUpperBoundWhenRenderingsCollide) {
  const fs::path collide = dir_ / "collide";
  write_file(collide / "pools" / "a.txt", "x\nxy\n");
  write_file(collide / "pools" / "b.txt", "yz\nz\n");
  write_file(collide / "templates" / "glued.txt", "# Glued\n{a}{b}\n");
  Outcome space = run({"space", "-n", "4"}, collide);
  ASSERT_EQ(space.exit_code, 0) << space.err;
  EXPECT_NE(space.out.find("at most 4 queries"), std::string::npos) << space.out;
  EXPECT_NE(space.out.find("upper bound"), std::string::npos) << space.out;
  EXPECT_NE(space.out.find("it may not fit"), std::string::npos) << space.out;
  Outcome json = run({"space", "-n", "4", "--json"}, collide);
  EXPECT_NE(json.out.find("\"fits\":false"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"may_fit\":true"), std::string::npos) << json.out;
  Outcome generate = run({"generate", "-n", "4", "-o", "out.txt"}, collide);
  EXPECT_EQ(generate.exit_code, 2);
  EXPECT_NE(generate.err.find("3 distinct"), std::string::npos) << generate.err;
  EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
  Outcome three = run({"generate", "-n", "3", "-q"}, collide);
  EXPECT_EQ(three.exit_code, 0) << three.err;
  EXPECT_EQ(lines(three.out).size(), 3u);
}

// Issue 16.10: --seed=-1 and --seed=2^64 used to give the output of 2^64-1.
TEST_F(DorkgenTest, SeedOutOfRangeIsRefusedNamingTheRange) {
  for (std::string seed : {"-1", "18446744073709551616", "99999999999999999999999"}) {
    Outcome o = run({"generate", "-n", "5", "--seed=" + seed, "-o", "out.txt"});
    EXPECT_EQ(o.exit_code, 2) << seed;
    EXPECT_NE(o.err.find("seed '" + seed + "' is out of range"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("0 to 18446744073709551615"), std::string::npos) << o.err;
    EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
  }
  Outcome word = run({"generate", "-n", "5", "--seed", "seven"});
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_NE(word.err.find("is not a number"), std::string::npos) << word.err;
  write_file(dir_ / "seed.conf", "size = 5\nseed = -1\n");
  Outcome file = run({"generate", "--config", "seed.conf"});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("seed.conf:2: seed '-1' is out of range"), std::string::npos) << file.err;
  Outcome top = run({"generate", "-n", "5", "--seed", "18446744073709551615", "-o", "top.txt"});
  EXPECT_EQ(top.exit_code, 0) << top.err;
  Outcome below = run({"generate", "-n", "5", "--seed", "18446744073709551614", "-o", "b.txt"});
  EXPECT_EQ(below.exit_code, 0) << below.err;
  EXPECT_NE(read_all(dir_ / "top.txt"), read_all(dir_ / "b.txt"));
}

// Issue 16.12: "--presets FILE" said "does not exist" for a file that exists.
TEST_F(DorkgenTest, PresetsFileThatIsNotADirectorySaysSo) {
  write_file(dir_ / "plain.txt", "not a directory\n");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"generate", "-n", "5", "--presets", "plain.txt"},
                                             {"presets", "--presets", "plain.txt"},
                                             {"validate", "plain.txt"}}) {
    Outcome o = run(args);
    EXPECT_EQ(o.exit_code, 2) << args[0];
    EXPECT_NE(o.err.find("plain.txt: is not a directory"), std::string::npos) << o.err;
    EXPECT_EQ(o.err.find("does not exist"), std::string::npos) << o.err;
  }
}

// Issue 16.12: the parser's message came without the program's name.
TEST_F(DorkgenTest, UnknownOptionMessageNamesTheProgram) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--bogus"}, {"generate", "--bogus"}}) {
    Outcome o = run(args);
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_TRUE(o.err.starts_with("dorkgen: error: ")) << o.err;
    EXPECT_NE(o.err.find("--bogus"), std::string::npos) << o.err;
  }
  Outcome none = run({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("dorkgen: error: a command is required (generate, space"),
            std::string::npos)
      << none.err;
  Outcome help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("generate"), std::string::npos);
}

// Issue 16.12: `-k ""` silently kept the shipped keyword pool.
TEST_F(DorkgenTest, EmptyKeywordIsAnError) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"generate", "-n", "5", "-k", ""},
                                             {"generate", "-n", "5", "-k", "alpha", "-k", ""},
                                             {"space", "--filetype", ""},
                                             {"generate", "-n", "5", "-e", ""}}) {
    Outcome o = run(args);
    EXPECT_EQ(o.exit_code, 2) << args[3];
    EXPECT_NE(o.err.find("has an empty value"), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "");
  }
}

// The staged run is killed with SIGKILL at random points (at least 20 times); each time the
// run is resumed (with --resume when a manifest survived) and the output must be byte-identical
// to an uninterrupted run.
TEST_F(DorkgenTest, SigkilledExhaustiveRunResumesToIdenticalBytes) {
  auto started = std::chrono::steady_clock::now();
  Outcome reference = run({"generate", "--all", "-o", "ref.txt", "-q"});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const auto full_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  const std::string expected = read_all(dir_ / "ref.txt");
  ASSERT_FALSE(expected.empty());

  std::mt19937_64 random(20260101);
  int kills = 0;
  int resumed_with_manifest = 0;
  for (int round = 0; kills < 24 && round < 200; ++round) {
    const std::string out = "out-" + std::to_string(round) + ".txt";
    const fs::path work = dir_ / ("work-" + std::to_string(round));
    // Up to three kills per round before the run is allowed to finish.
    for (int attempt = 0; attempt < 4; ++attempt) {
      std::vector<std::string> args = {"generate",   "--all",       "-o", out,
                                       "--work-dir", work.string(), "-q"};
      if (fs::exists(work / "manifest")) {
        args.push_back("--resume");
        ++resumed_with_manifest;
      }
      core::Child child = spawn(args, presets_);
      if (attempt < 3) {
        std::uniform_int_distribution<long> delay(0, full_us + full_us / 5);
        std::this_thread::sleep_for(std::chrono::microseconds(delay(random)));
        child.kill(SIGKILL);
      }
      Outcome o = collect(child);
      if (o.signal == SIGKILL) {
        ++kills;
        // A killed run never leaves a partial output file behind.
        if (fs::exists(dir_ / out)) {
          ASSERT_EQ(read_all(dir_ / out), expected) << "round " << round;
          break;
        }
        continue;
      }
      ASSERT_EQ(o.exit_code, 0) << "round " << round << ": " << o.err;
      break;
    }
    ASSERT_TRUE(fs::exists(dir_ / out)) << "round " << round;
    ASSERT_EQ(read_all(dir_ / out), expected) << "round " << round;
    fs::remove(dir_ / out);
  }
  std::printf("SIGKILLs: %d, resumes from a manifest: %d\n", kills, resumed_with_manifest);
  EXPECT_GE(kills, 20);
  EXPECT_GT(resumed_with_manifest, 0) << "some kills should land after a stage was recorded";
}

}  // namespace

// Target scoping (--site, --sites): queries x targets, each query scoped with site:.
TEST_F(DorkgenTest, SiteScopesEveryQueryToEachTarget) {
  // docs' first template loses its own site:{tld} to the target; its second and login as is.
  const int per_target = 3 * 4 * kBigPool + 3 * 4 + 3 * kBigPool;
  Outcome space =
      run({"space", "--json", "--site", "example.com", "--site", "HTTPS://Example.org/"});
  ASSERT_EQ(space.exit_code, 0) << space.err;
  EXPECT_NE(space.out.find("\"total\":\"" + std::to_string(per_target * 2) + "\""),
            std::string::npos)
      << space.out;
  const int size = per_target + 10;  // more than one target's share
  const std::vector<std::string> args = {"generate",    "-n",     std::to_string(size),
                                         "--seed",      "4",      "--site",
                                         "example.com", "--site", "HTTPS://Example.org/"};
  Outcome a = run(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.err.find("--site replaces the own site: scope of 1 templates: "), std::string::npos)
      << a.err;
  std::vector<std::string> got = lines(a.out);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(size));
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size());
  std::set<std::string> targets;
  for (const std::string& line : got) {
    ASSERT_TRUE(line.starts_with("site:")) << line;
    targets.insert(line.substr(5, line.find(' ') - 5));
    EXPECT_EQ(line.find("site:", 5), std::string::npos) << "one scope only: " << line;
  }
  EXPECT_EQ(targets, (std::set<std::string>{"example.com", "example.org"}));
  Outcome b = run(args);
  EXPECT_EQ(b.out, a.out) << "same seed, same output";
  // The whole scoped space is exactly reachable, and one more is refused.
  Outcome whole = run({"generate", "-q", "-n", std::to_string(per_target * 2), "--site", "a.com",
                       "--site", "b.com"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(lines(whole.out).size(), static_cast<std::size_t>(per_target * 2));
  Outcome over = run({"generate", "-q", "-n", std::to_string(per_target * 2 + 1), "--site", "a.com",
                      "--site", "b.com"});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("it is 1 query short"), std::string::npos) << over.err;
}

TEST_F(DorkgenTest, SitesFileAndBadTargetsAreNamedAndWriteNothing) {
  write_file(dir_ / "scope.txt", "# in scope\n\nexample.com\nbücher.de\n");
  Outcome o = run({"generate", "-q", "-t", "login", "-n", "50", "--sites", "scope.txt"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const std::string& line : lines(o.out)) {
    EXPECT_TRUE(line.starts_with("site:example.com ") || line.starts_with("site:xn--bcher-kva.de "))
        << line;
  }
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  write_file(dir_ / "bad.txt", "example.com\nhttps://example.org/admin\n");
  write_file(dir_ / "dup.txt", "example.com\nEXAMPLE.com\n");
  const Case cases[] = {
      {{"--sites", "bad.txt"}, "--sites: bad.txt:2: target 'https://example.org/admin' has a path"},
      {{"--sites", "dup.txt"}, "dup.txt:2: duplicate target 'example.com' (also line 1)"},
      {{"--sites", "missing.txt"}, "missing.txt: targets file does not exist"},
      {{"--site", "example.com:8080"}, "--site: target 'example.com:8080' has a port"},
      {{"--site", "*.example.com"}, "has a wildcard"},
      {{"--site", "a.com", "--sites", "scope.txt", "--site", "A.COM"}, "duplicate target 'a.com'"},
      {{"--site", ""}, "'site' has an empty value"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"generate", "-n", "5", "-o", "out.txt"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Outcome bad = run(args);
    EXPECT_EQ(bad.exit_code, 2) << c.message;
    EXPECT_NE(bad.err.find(c.message), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(dir_ / "out.txt")) << c.message;
  }
  // Only templates that are nothing but a site: scope selected: refused, saying why.
  write_file(dir_ / "own" / "templates" / "own.txt", "# Own\nsite:{keyword}.{tld}\n");
  Outcome own = run({"generate", "-n", "1", "-t", "own", "--presets", "own", "--site", "a.com"});
  EXPECT_EQ(own.exit_code, 2);
  EXPECT_NE(own.err.find("no selected template can take --site"), std::string::npos) << own.err;
}

TEST_F(DorkgenTest, SiteGoesThroughTheConfigFile) {
  write_file(dir_ / "run.conf", "size = 20\ntype = login\nsite = Example.com\nsite = b.org\n");
  Outcome o = run({"generate", "-q", "--config", "run.conf"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::set<std::string> targets;
  for (const std::string& line : lines(o.out)) targets.insert(line.substr(0, line.find(' ')));
  EXPECT_EQ(targets, (std::set<std::string>{"site:example.com", "site:b.org"}));
  // --site replaces the file's targets.
  Outcome replaced = run({"generate", "-q", "--config", "run.conf", "--site", "c.net"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  for (const std::string& line : lines(replaced.out)) EXPECT_TRUE(line.starts_with("site:c.net "));
}

// The shipped library scoped to targets lints clean (no error, no warning) with every engine.
TEST_F(DorkgenTest, SiteScopedShippedQueriesPassDorkyCheckStrictOnEveryEngine) {
  const fs::path check = binary().parent_path() / "dorky-check";
  if (!fs::exists(check)) GTEST_SKIP() << "dorky-check is not built (the dorky system is off)";
  const fs::path shipped = binary().parent_path().parent_path() / "share" / "dorkgen" / "presets";
  ASSERT_TRUE(fs::is_directory(shipped)) << shipped;
  write_file(
      dir_ / "scope.txt",
      "example.com\nhttps://www.Example.org/\nxn--bcher-kva.de\nпример.рф\nshop.example.co.uk\n");
#ifdef PROJECT_SANITIZED
  const std::string size = "3000";
#else
  const std::string size = "50000";
#endif
  for (const char* engine : {"google", "bing", "duckduckgo", "yandex"}) {
    const std::string out = std::string("scoped-") + engine + ".txt";
    Outcome o = run({"generate", "-q", "-e", engine, "-n", size, "--seed", "7", "--sites",
                     "scope.txt", "-o", out},
                    shipped);
    ASSERT_EQ(o.exit_code, 0) << engine << ": " << o.err;
    ASSERT_EQ(lines(read_all(dir_ / out)).size(), std::stoul(size));
    core::SpawnOptions options;
    options.out = core::Stdio::file(dir_ / "report");
    options.err = core::Stdio::same_as_stdout();
    options.cwd = dir_;
    auto checker = core::Child::spawn(
        check.string(), {"dorky-check", "--strict", "--no-progress", "-e", engine, out}, options);
    ASSERT_TRUE(checker.has_value()) << checker.error().message();
    auto status = checker->wait();
    ASSERT_TRUE(status.has_value());
    std::string report = read_all(dir_ / "report");
    EXPECT_TRUE(status->success()) << engine << ":\n" << report.substr(0, 2000);
    EXPECT_EQ(report, "") << engine;
  }
}
