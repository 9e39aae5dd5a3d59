// Every dorky binary against the suite's exit-code table (docs/exit-codes.md): a usage error
// and bad input are 2, an I/O failure is 3, success is 0; the launcher passes codes through.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dorky/testing/tool_runner.h"

namespace dorky::testing {
namespace {

struct Case {
  const char* what;
  std::vector<std::string> args;
  int expected;
};

class DorkyExitCodes : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "in.txt", "b\na\nb\n");
    write_file(dir_ / "q.txt", "site:example.com admin\ninurl:login\n");
    write_file(dir_ / "bad.txt", "\"unclosed\n");
    write_file(dir_ / "file", "a regular file, so file/out.txt cannot be created\n");
  }

  // `speaker`: what an error message starts with ("<program>:" unless it relays another's).
  void expect(const std::string& program, const std::vector<Case>& cases,
              std::string speaker = "") {
    if (speaker.empty()) speaker = program + ":";
    for (const Case& c : cases) {
      ToolRun run =
          run_program(program, c.args, "", {"DORKGEN=" + bin_dir() + "/dorkgen"}, dir_.path());
      EXPECT_EQ(run.code, c.expected) << program << ": " << c.what << "\n" << run.err;
      // An error message names the program.
      if (c.expected >= 2) {
        EXPECT_NE(run.err.find(speaker), std::string::npos) << run.err;
      }
    }
  }

  // The four statuses of a tool reading FILE... and writing -o.
  void expect_line_tool(const std::string& tool, const std::vector<std::string>& options) {
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.begin(), options.begin(), options.end());
      return args;
    };
    expect("dorky-" + tool, {{"success", with({"in.txt", "-o", "out.txt"}), 0},
                             {"usage error", with({"--no-such-option", "in.txt"}), 2},
                             {"missing input", with({"missing.txt", "-o", "out2.txt"}), 2},
                             {"unwritable output", with({"in.txt", "-o", "file/out.txt"}), 3},
                             {"read error", with({"/proc/self/mem", "-o", "out3.txt"}), 3}});
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out2.txt")) << tool;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out3.txt")) << tool;
  }

  TempDir dir_;
};

TEST_F(DorkyExitCodes, Dedup) { expect_line_tool("dedup", {}); }
TEST_F(DorkyExitCodes, Shuffle) { expect_line_tool("shuffle", {"--seed", "1"}); }
TEST_F(DorkyExitCodes, Reverse) { expect_line_tool("reverse", {}); }
TEST_F(DorkyExitCodes, Extract) { expect_line_tool("extract", {"--site"}); }
TEST_F(DorkyExitCodes, Suggest) {
  expect_line_tool("suggest", {"--presets", bin_dir() + "/../share/dorkgen/presets"});
  expect("dorky-suggest", {{"missing presets", {"--presets", "nowhere", "q.txt"}, 2}});
}

TEST_F(DorkyExitCodes, Check) {
  expect("dorky-check", {{"clean", {"q.txt"}, 0},
                         {"findings", {"bad.txt"}, 1},
                         {"usage error", {"--no-such-option", "q.txt"}, 2},
                         {"missing input", {"missing.txt"}, 2},
                         {"read error", {"/proc/self/mem"}, 3}});
}

TEST_F(DorkyExitCodes, Split) {
  expect("dorky-split", {{"success", {"-l", "1", "--prefix", "part-", "in.txt"}, 0},
                         {"usage error", {"-l", "1", "-o", "x", "in.txt"}, 2},
                         {"bad number", {"-l", "many", "in.txt"}, 2},
                         {"missing input", {"-l", "1", "--prefix", "p-", "missing.txt"}, 2},
                         {"unwritable parts", {"-l", "1", "--prefix", "file/p-", "in.txt"}, 3}});
}

TEST_F(DorkyExitCodes, Numgen) {
  expect("dorky-numgen", {{"success", {"5", "-o", "n.txt"}, 0},
                          {"usage error", {"--no-such-option", "5"}, 2},
                          {"bad number", {"five"}, 2},
                          {"unwritable output", {"5", "-o", "file/n.txt"}, 3}});
}

TEST_F(DorkyExitCodes, Generate) {
  if (!std::filesystem::exists(bin_dir() + "/dorkgen")) GTEST_SKIP() << "dorkgen not built";
  expect("dorky-generate",
         {{"success", {"-n", "5", "-o", "g.txt"}, 0},
          {"usage error", {"--staged"}, 2},
          {"unknown type", {"-n", "5", "-t", "no-such-type", "-o", "g.txt"}, 2},
          {"unwritable output", {"-n", "5", "-o", "file/g.txt"}, 3}},
         "dork");  // dorky-generate's own messages, or those of the dorkgen it runs
  ToolRun missing = run_program("dorky-generate", {"-n", "5", "-o", "g2.txt"}, "",
                                {"DORKGEN=" + (dir_ / "no-dorkgen").string()}, dir_.path());
  EXPECT_EQ(missing.code, 3) << missing.err;
}

TEST_F(DorkyExitCodes, LauncherPassesToolCodesThrough) {
  expect("dorky",
         {{"success", {"dedup", "in.txt", "-o", "out.txt"}, 0},
          {"launcher usage error", {"--timeout", "soon", "dedup"}, 2},
          {"tool usage error", {"dedup", "--no-such-option"}, 2},
          {"tool input error", {"dedup", "missing.txt"}, 2},
          {"tool I/O error", {"dedup", "in.txt", "-o", "file/out.txt"}, 3},
          {"findings", {"check", "bad.txt"}, 1},
          {"no such tool", {"no-such-tool"}, 127}},
         "dorky:");
}

}  // namespace
}  // namespace dorky::testing
