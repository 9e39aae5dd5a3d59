#include "dorky/options.h"

#include <gtest/gtest.h>

namespace dorky {
namespace {

constexpr ToolSpec kSpec{"demo", "a demo", "usage: dorky-demo\n"};

core::Status parse(std::vector<const char*> argv, OptionSet& cli) {
  argv.insert(argv.begin(), "dorky-demo");
  Args args(static_cast<int>(argv.size()), argv.data());
  return cli.parse(args);
}

TEST(OptionSetTest, OwnOptionsSharedOptionsAndInputsInOneWalk) {
  CommonOptions common;
  bool stats = false;
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> limit;
  std::string name;
  std::vector<std::string> seen;  // handler order follows the command line
  OptionSet cli(kSpec);
  cli.flag({"--stats"}, stats)
      .number({"-s", "--seed"}, seed)
      .number({"--limit"}, limit)
      .value({"-n", "--name"}, name)
      .value({"--op"},
             [&](const std::string& v) -> core::Status {
               seen.push_back(v);
               return core::ok_status();
             })
      .common(common);
  ASSERT_TRUE(parse({"in1", "--op", "b", "-s", "7", "--stats", "--name=x", "-o", "out",
                     "--memory=1M", "--op=a", "--", "--limit"},
                    cli)
                  .has_value());
  EXPECT_TRUE(stats);
  EXPECT_EQ(seed, 7u);
  EXPECT_FALSE(limit.has_value());
  EXPECT_EQ(name, "x");
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(common.output, "out");
  EXPECT_EQ(common.memory_bytes, 1u << 20);
  EXPECT_EQ(common.inputs, (std::vector<std::string>{"in1", "--limit"}));
}

TEST(OptionSetTest, UsageErrorsNameTheProblemAndPointAtHelp) {
  auto error_of = [](std::vector<const char*> argv) {
    CommonOptions common;
    std::uint64_t seed = 0;
    OptionSet cli(kSpec);
    cli.number({"-s", "--seed"}, seed).common(common);
    auto status = parse(std::move(argv), cli);
    EXPECT_FALSE(status.has_value());
    return status ? std::string() : status.error().message();
  };
  EXPECT_EQ(error_of({"--bogus"}), "unknown option '--bogus' (see dorky-demo --help)");
  EXPECT_EQ(error_of({"-s"}), "option -s needs a value (see dorky-demo --help)");
  EXPECT_EQ(error_of({"--seed", "x"}),
            "--seed must be an integer from 0 to 18446744073709551615, got 'x'");
  EXPECT_EQ(error_of({"--memory", "1K"}),
            "--memory must be at least 64K, got '1K' (see dorky-demo --help)");
}

TEST(OptionSetTest, OwnPositionalsAndNegativeNumbers) {
  std::vector<std::string> numbers;
  OptionSet cli(kSpec);
  cli.positionals([&](std::string v) { numbers.push_back(std::move(v)); }, true);
  ASSERT_TRUE(parse({"-5", "3"}, cli).has_value());
  EXPECT_EQ(numbers, (std::vector<std::string>{"-5", "3"}));
  EXPECT_FALSE(parse({"-x"}, cli).has_value());
  OptionSet none(kSpec);  // neither common() nor positionals(): a positional is an error
  auto status = parse({"file"}, none);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace dorky
