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

TEST(ConfigTest, ConfigToTextReadsBackTheSameConfig) {
  GeneratorConfig config;
  config.keywords = {"admin panel", "backup"};
  config.filetypes = {"pdf", "xls"};
  config.query_types = {"login-portals", "subdomains"};
  config.engine = "yandex";
  config.size = u128{10'000'000};
  config.seed = 18446744073709551615u;
  config.format = OutputFormat::kCsv;
  config.memory_budget_bytes = 64u << 20;
  config.preset_dirs = {"/srv/presets"};
  config.sites = {"example.com", "xn--bcher-kva.de"};
  auto text = config_to_text(config);
  ASSERT_TRUE(text.has_value()) << text.error().message();
  auto path = write_temp("round.conf", *text);
  auto back = load_config_file(path, {});
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(back->keywords, config.keywords);
  EXPECT_EQ(back->filetypes, config.filetypes);
  EXPECT_EQ(back->query_types, config.query_types);
  EXPECT_EQ(back->engine, "yandex");
  EXPECT_EQ(back->size, config.size);
  EXPECT_EQ(back->seed, config.seed);
  EXPECT_EQ(back->format, OutputFormat::kCsv);
  EXPECT_EQ(back->memory_budget_bytes, config.memory_budget_bytes);
  EXPECT_EQ(back->preset_dirs, config.preset_dirs);
  EXPECT_EQ(back->sites, config.sites);
  EXPECT_EQ(config_to_text(*back).value(), *text);

  config.filetypes = {"a,b"};
  EXPECT_FALSE(config_to_text(config).has_value()) << "a comma would split the value";
}

TEST(ConfigTest, SiteLinesAreNormalisedAndABadOneIsNamed) {
  auto config = load_config_file(
      write_temp("sites.conf", "site = Example.COM\nsite = https://bücher.de/\n"), {});
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->sites, (std::vector<std::string>{"example.com", "xn--bcher-kva.de"}));

  config = load_config_file(write_temp("badsite.conf", "site = a.com\nsite = a.com/x\n"), {});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("badsite.conf:2: target 'a.com/x' has a path"),
            std::string::npos)
      << config.error().message();
  config = load_config_file(write_temp("dupsite.conf", "site = a.com\nsite = A.com.\n"), {});
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message().find("dupsite.conf:2: duplicate target 'a.com'"),
            std::string::npos)
      << config.error().message();
}

// Issue 16.10: the file and the flags name the range instead of wrapping or saturating.
TEST(ConfigTest, SeedOutOfRangeIsRefusedNamingTheRange) {
  GeneratorConfig config;
  for (const char* bad : {"-1", "18446744073709551616", "-18446744073709551615"}) {
    auto applied = apply_setting(config, "seed", bad);
    ASSERT_FALSE(applied.has_value()) << bad;
    EXPECT_NE(applied.error().message().find("is out of range: a seed is a whole number from 0 "
                                             "to 18446744073709551615"),
              std::string::npos)
        << applied.error().message();
  }
  EXPECT_FALSE(apply_setting(config, "seed", "12x").has_value());
  EXPECT_FALSE(apply_setting(config, "seed", "-").has_value());
  ASSERT_TRUE(apply_setting(config, "seed", "18446744073709551615").has_value());
  EXPECT_EQ(config.seed, 18446744073709551615u);
}

}  // namespace
}  // namespace dorkgen
