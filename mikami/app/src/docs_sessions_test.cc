// The command docs cannot go stale: every ```console-session block of every file in
// mikami/docs/ is typed into the real `mikami` binary (a fresh bot and embedded sandbox per
// block, on its own temporary store), and what it prints must be what the block shows.
//
// The format (mikami/docs/utility.md shows it): a line starting with "> " is typed into the
// piped console; every other line is expected output, compared line by line after trimming
// trailing spaces, where "{*}" matches any text within the line and a line "{...}" any number
// of lines (for lists that grow with the bot's modules). Blank lines are ignored on both sides. The
// console echoes each command it sends ("> /ping") but not "as NAME", whose "now acting as NAME"
// acknowledgement the docs leave out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/process.h"

namespace mikami::app {
namespace {

namespace fs = std::filesystem;

struct Line {
  int number = 0;  // in the docs file, from 1
  std::string text;
};

struct Block {
  int first_line = 0;       // of the opening fence
  std::string input;        // what is typed, one command a line
  std::vector<Line> lines;  // the transcript: typed commands (as echoed) and their output
};

std::string trim_right(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

std::vector<Block> parse_blocks(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string raw;
  int number = 0;
  bool inside = false;
  while (std::getline(in, raw)) {
    ++number;
    const std::string line = trim_right(raw);
    if (!inside) {
      if (line == "```console-session") {
        inside = true;
        blocks.push_back(Block{number, "", {}});
      }
      continue;
    }
    if (line == "```") {
      inside = false;
      continue;
    }
    if (line.empty()) continue;
    Block& block = blocks.back();
    if (line.starts_with("> ")) {
      const std::string typed = line.substr(2);
      block.input += typed + "\n";
      if (typed.starts_with("as ")) continue;  // acknowledged, not echoed
    }
    block.lines.push_back(Line{number, line});
  }
  EXPECT_FALSE(inside) << path << ": a console-session block is not closed";
  return blocks;
}

// Whether `text` matches `pattern`, where "{*}" stands for any run of characters.
bool matches(const std::string& pattern, const std::string& text) {
  constexpr std::string_view kAny = "{*}";
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t at; (at = pattern.find(kAny, start)) != std::string::npos;) {
    pieces.push_back(pattern.substr(start, at - start));
    start = at + kAny.size();
  }
  pieces.push_back(pattern.substr(start));
  if (pieces.size() == 1) return pattern == text;
  if (!text.starts_with(pieces.front())) return false;
  std::size_t at = pieces.front().size();
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    at = text.find(pieces[i], at);
    if (at == std::string::npos) return false;
    at += pieces[i].size();
  }
  const std::string& last = pieces.back();
  return text.size() >= at + last.size() && text.ends_with(last);
}

// Whether got[j...] is what pattern[i...] shows: line by line, where a line "{...}" stands
// for any number of whole lines (a list that grows with the modules a bot has). `furthest`
// is the furthest pattern line any attempt reached, for the failure message.
bool lines_match(const std::vector<Line>& pattern, std::size_t i,
                 const std::vector<std::string>& got, std::size_t j, std::size_t& furthest) {
  furthest = std::max(furthest, i);
  if (i == pattern.size()) return j == got.size();
  if (pattern[i].text == "{...}") {
    for (std::size_t k = j; k <= got.size(); ++k) {
      if (lines_match(pattern, i + 1, got, k, furthest)) return true;
    }
    return false;
  }
  return j < got.size() && matches(pattern[i].text, got[j]) &&
         lines_match(pattern, i + 1, got, j + 1, furthest);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs build/bin/mikami with `input` piped in (no token: the embedded sandbox and console)
// and returns its standard output; its standard error goes to `err`.
std::string run_mikami(const std::string& input, std::string& err) {
  static int counter = 0;
  const fs::path dir = fs::temp_directory_path() / ("mikami-docs-" + std::to_string(::getpid()) +
                                                    "-" + std::to_string(counter++));
  fs::create_directories(dir);
  std::ofstream(dir / "in") << input;
  const std::string binary = std::string(std::getenv("PROJECT_BIN_DIR")) + "/mikami";
  core::SpawnOptions options;
  // Nothing of the caller's bot configuration leaks in: a token would leave the sandbox.
  options.env = core::environment_with({}, {"DISCORD_TOKEN", "MIKAMI_*"});
  options.in = core::Stdio::file(dir / "in");
  options.out = core::Stdio::file(dir / "out");
  options.err = core::Stdio::file(dir / "err");
  auto child = core::Child::spawn(binary, {binary}, options);
  EXPECT_TRUE(child.has_value() && child->started()) << binary;
  if (child) (void)child->wait();
  std::string out = read_file(dir / "out");
  err = read_file(dir / "err");
  fs::remove_all(dir);
  return out;
}

std::vector<std::string> transcript(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string raw;
  while (std::getline(in, raw)) {
    const std::string line = trim_right(raw);
    if (line.empty() || line.starts_with("now acting as ")) continue;
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> docs_files() {
  std::vector<std::string> names;
  std::istringstream list(MIKAMI_DOCS_FILES);
  for (std::string name; std::getline(list, name, ',');) {
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

class DocsSession : public ::testing::TestWithParam<std::string> {};

TEST_P(DocsSession, EveryBlockPrintsWhatItShows) {
  const fs::path path = fs::path(MIKAMI_DOCS_DIR) / GetParam();
  ASSERT_TRUE(fs::exists(path)) << path;
  const std::vector<Block> blocks = parse_blocks(path);
  ASSERT_FALSE(blocks.empty()) << path << " has no console-session block";
  for (const Block& block : blocks) {
    SCOPED_TRACE(GetParam() + ":" + std::to_string(block.first_line));
    std::string err;
    const std::vector<std::string> got = transcript(run_mikami(block.input, err));
    std::string shown;
    for (const std::string& line : got) shown += line + "\n";
    std::size_t furthest = 0;
    if (!lines_match(block.lines, 0, got, 0, furthest)) {
      const std::string where = furthest < block.lines.size()
                                    ? std::to_string(block.lines[furthest].number) +
                                          " expects\n  " + block.lines[furthest].text
                                    : std::to_string(block.first_line) + ": more output than shown";
      ADD_FAILURE() << GetParam() << ":" << where << "\nbut the console printed:\n"
                    << shown << "stderr:\n"
                    << err;
    }
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(mikami_docs_sessions, DocsSession, ::testing::ValuesIn(docs_files()),
                         test_name);

TEST(DocsSessionFormat, WildcardsMatchWithinALine) {
  EXPECT_TRUE(matches("pong: {*} ms", "pong: 1.2 ms"));
  EXPECT_TRUE(matches("{*}", ""));
  EXPECT_TRUE(matches("a{*}b{*}c", "a-b-c"));
  EXPECT_FALSE(matches("a{*}b{*}c", "a-c-b"));
  EXPECT_FALSE(matches("ab{*}ba", "aba"));
  EXPECT_FALSE(matches("Balance: 0 coins", "Balance: 10 coins"));
}

TEST(DocsSessionFormat, AnEllipsisLineMatchesAnyNumberOfLines) {
  auto check = [](std::vector<std::string> pattern, std::vector<std::string> got) {
    std::vector<Line> lines;
    for (auto& p : pattern) lines.push_back(Line{0, p});
    std::size_t furthest = 0;
    return lines_match(lines, 0, got, 0, furthest);
  };
  EXPECT_TRUE(check({"a", "{...}", "d"}, {"a", "b", "c", "d"}));
  EXPECT_TRUE(check({"a", "{...}"}, {"a"}));
  EXPECT_FALSE(check({"a", "{...}", "d"}, {"a", "b", "c"}));
  EXPECT_FALSE(check({"a", "b"}, {"a", "b", "c"}));
}

}  // namespace
}  // namespace mikami::app
