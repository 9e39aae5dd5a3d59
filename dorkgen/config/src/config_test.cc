#include "dorkgen/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace dorkgen {
namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, LoadsEveryKey) {
  auto path = write_temp("full.conf",
                         "# comment\nkeyword = admin panel\nkeyword=backup\nfiletype = pdf, "
                         "xls\ntype = login-portals\nengine = bing\nsize = 1000\nseed = 42\n"
                         "format = jsonl\nmemory = 64MiB\n");
  auto config = load_config_file(path, {});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->keywords, (std::vector<std::string>{"admin panel", "backup"}));
  EXPECT_EQ(config->filetypes, (std::vector<std::string>{"pdf", "xls"}));
  EXPECT_EQ(config->query_types, (std::vector<std::string>{"login-portals"}));
  EXPECT_EQ(config->engine, "bing");
  EXPECT_EQ(config->size, u128{1000});
  EXPECT_EQ(config->seed, 42u);
  EXPECT_EQ(config->format, OutputFormat::kJsonl);
  EXPECT_EQ(config->memory_budget_bytes, 64u << 20);
}

TEST(ConfigTest, ErrorsNameFileLineAndReason) {
  auto config = load_config_file(write_temp("bad.conf", "size = 10\ncolour = red\n"), {});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("bad.conf:2: unknown key 'colour'"), std::string::npos)
      << config.error().message();
  config = load_config_file(write_temp("bad2.conf", "size = ten\n"), {});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("bad2.conf:1: size 'ten' is not a number"),
            std::string::npos)
      << config.error().message();
  config = load_config_file(write_temp("bad3.conf", "\n\njust words\n"), {});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("bad3.conf:3: expected 'key = value'"),
            std::string::npos);
  config = load_config_file("/nonexistent/dorkgen.conf", {});
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code(), core::ErrorCode::kNotFound);
}

TEST(ConfigTest, SizesTakeDecimalSuffixes) {
  GeneratorConfig config;
  ASSERT_TRUE(apply_setting(config, "size", "10M").has_value());
  EXPECT_EQ(config.size, u128{10'000'000});
  ASSERT_TRUE(apply_setting(config, "size", "3k").has_value());
  EXPECT_EQ(config.size, u128{3000});
  ASSERT_TRUE(apply_setting(config, "size", "2G").has_value());
  EXPECT_EQ(config.size, u128{2'000'000'000});
  EXPECT_FALSE(apply_setting(config, "size", "M").has_value());
  EXPECT_FALSE(apply_setting(config, "size", "10X").has_value());
  EXPECT_FALSE(apply_setting(config, "size", "-5").has_value());
}

TEST(ConfigTest, ByteSizes) {
  EXPECT_EQ(parse_byte_size("512").value(), 512u);
  EXPECT_EQ(parse_byte_size("64MiB").value(), 64u << 20);
  EXPECT_EQ(parse_byte_size("2GiB").value(), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1GB").value(), 1000'000'000u);
  EXPECT_FALSE(parse_byte_size("lots").has_value());
  EXPECT_FALSE(parse_byte_size("5 parsecs").has_value());
}

}  // namespace
}  // namespace dorkgen
