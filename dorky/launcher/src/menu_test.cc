#include "dorky/menu.h"

#include <gtest/gtest.h>

#include "dorky/process.h"
#include "dorky/tool_catalog.h"

namespace dorky {
namespace {

TEST(SplitArgumentsTest, QuotesAndEscapes) {
  std::vector<std::string> words;
  ASSERT_TRUE(split_arguments(R"(  -o 'my file' "a \"b\"" c\ d  )", words));
  EXPECT_EQ(words, (std::vector<std::string>{"-o", "my file", "a \"b\"", "c d"}));
  ASSERT_TRUE(split_arguments("''", words));
  EXPECT_EQ(words, (std::vector<std::string>{""}));
  EXPECT_FALSE(split_arguments("'open", words));
}

TEST(SearchDirectoriesTest, OwnDirectoryFirstThenDorkyPath) {
  EXPECT_EQ(search_directories("/own", "/a::/b:"), (std::vector<std::string>{"/own", "/a", "/b"}));
}

TEST(OutcomeTest, ExitCodesAndDescriptions) {
  Outcome crashed;
  crashed.kind = Outcome::Kind::kSignaled;
  crashed.signal = 11;
  EXPECT_EQ(crashed.launcher_exit_code(), 139);
  EXPECT_EQ(crashed.describe(), "was killed by signal SIGSEGV (Segmentation fault)");
  Outcome timed_out;
  timed_out.kind = Outcome::Kind::kTimedOut;
  timed_out.signal = 15;
  EXPECT_EQ(timed_out.launcher_exit_code(), 124);
  EXPECT_EQ(signal_name(6), "SIGABRT");
}

TEST(ToolsToJsonTest, EscapesText) {
  std::string json = tools_to_json({{"a", "/p/dorky-a"}}, {"say \"hi\"\n"});
  EXPECT_NE(json.find(R"("description": "say \"hi\"\n")"), std::string::npos) << json;
  EXPECT_EQ(tools_to_json({}, {}), "[]\n");
}

}  // namespace
}  // namespace dorky
