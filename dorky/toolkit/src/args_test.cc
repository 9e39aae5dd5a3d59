#include "dorky/args.h"

#include <gtest/gtest.h>

#include "dorky/tool.h"

namespace dorky {
namespace {

TEST(ArgsTest, ParsesFlagsValuesAndPositionals) {
  const char* argv[] = {"tool", "-o", "out.txt", "--memory=1M", "in1", "--", "-", "--seed"};
  Args args(8, argv);
  CommonOptions options;
  std::vector<std::string> positional;
  while (!args.done()) {
    if (take_common(args, options)) continue;
    if (args.at_option()) FAIL() << "unexpected option";
    positional.push_back(args.take());
  }
  EXPECT_FALSE(args.error());
  EXPECT_EQ(options.output, "out.txt");
  EXPECT_EQ(options.memory_bytes, 1u << 20);
  EXPECT_EQ(positional, (std::vector<std::string>{"in1", "-", "--seed"}));
}

TEST(ArgsTest, MissingValueIsAnError) {
  const char* argv[] = {"tool", "--output"};
  Args args(2, argv);
  std::string out;
  EXPECT_TRUE(args.value({"-o", "--output"}, out));
  ASSERT_TRUE(args.error());
  EXPECT_NE(args.error()->find("--output"), std::string::npos);
}

TEST(ArgsTest, BadMemoryIsAnErrorNamingTheOption) {
  const char* argv[] = {"tool", "--memory", "lots"};
  Args args(3, argv);
  CommonOptions options;
  EXPECT_TRUE(take_common(args, options));
  ASSERT_TRUE(args.error());
  EXPECT_NE(args.error()->find("--memory"), std::string::npos);
}

TEST(ParseSizeTest, AcceptsBinaryUnits) {
  EXPECT_EQ(*parse_size("256M", "x"), 256u << 20);
  EXPECT_EQ(*parse_size("1g", "x"), 1u << 30);
  EXPECT_EQ(*parse_size("64KiB", "x"), 64u << 10);
  EXPECT_EQ(*parse_size("4096", "x"), 4096u);
  EXPECT_FALSE(parse_size("0", "x"));
  EXPECT_FALSE(parse_size("12Q", "x"));
  EXPECT_FALSE(parse_size("", "x"));
  EXPECT_FALSE(parse_size("99999999999999999999", "x"));
}

TEST(ParseIntTest, RejectsJunk) {
  EXPECT_EQ(*parse_int("-42", "n"), -42);
  EXPECT_EQ(*parse_int("+7", "n"), 7);
  EXPECT_FALSE(parse_int("4x", "n"));
  EXPECT_FALSE(parse_uint("-1", "n"));
  EXPECT_EQ(*parse_uint("18446744073709551615", "n"), 18446744073709551615ull);
}

TEST(ParseUintTest, OutOfRangeNumberNamesTheRange) {
  auto too_big = parse_uint("18446744073709551616", "--lines");
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().message(),
            "--lines must be an integer from 0 to 18446744073709551615, got "
            "'18446744073709551616'");
  auto negative = parse_uint("-1", "--lines");
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message().find("from 0 to 18446744073709551615"), std::string::npos);
}

}  // namespace
}  // namespace dorky
