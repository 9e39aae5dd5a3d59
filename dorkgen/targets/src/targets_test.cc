#include "dorkgen/targets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dorkgen {
namespace {

std::string normalized(std::string_view text) {
  auto target = normalize_target(text);
  return target ? *target : "error: " + target.error().message();
}

std::string error_of(std::string_view text) {
  auto target = normalize_target(text);
  EXPECT_FALSE(target.has_value()) << text << " was accepted as " << *target;
  return target ? std::string() : target.error().message();
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(TargetsTest, HostsAreReducedToOneSpelling) {
  EXPECT_EQ(normalized("example.com"), "example.com");
  EXPECT_EQ(normalized("  Example.COM  "), "example.com");
  EXPECT_EQ(normalized("example.com."), "example.com");
  EXPECT_EQ(normalized(".gov"), "gov");
  EXPECT_EQ(normalized("https://www.Example.com/"), "www.example.com");
  EXPECT_EQ(normalized("HTTP://example.com"), "example.com");
  EXPECT_EQ(normalized("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(normalized("sub-domain.example.co.uk"), "sub-domain.example.co.uk");
}

TEST(TargetsTest, UnicodeNamesBecomePunycode) {
  EXPECT_EQ(normalized("bücher.de"), "xn--bcher-kva.de");
  EXPECT_EQ(normalized("BÜCHER.de"), "xn--bcher-kva.de");
  EXPECT_EQ(normalized("xn--bcher-kva.de"), "xn--bcher-kva.de");
  EXPECT_EQ(normalized("пример.рф"), "xn--e1afmkfd.xn--p1ai");
}

TEST(TargetsTest, WhatSiteWouldReadOtherwiseIsRefusedWithTheReason) {
  const std::string long_label = std::string(64, 'a') + ".com";
  const std::pair<std::string, const char*> cases[] = {
      {"", "is empty"},
      {"ftp://example.com", "has the scheme 'ftp'"},
      {"https://example.com/blog", "has a path or query ('/blog')"},
      {"example.com/admin", "has a path or query"},
      {"example.com?q=1", "has a path or query"},
      {"example.com:8080", "has a port"},
      {"user@example.com", "has user info"},
      {"*.example.com", "has a wildcard"},
      {"exa mple.com", "has a blank inside"},
      {"example..com", "has an empty label"},
      {"-example.com", "starting or ending with '-'"},
      {"exam_ple.com", "is not a host name: '_'"},
      {"\"quoted\".com", "is not a host name: '\"'"},
      {long_label, "has a label over 63 bytes"},
      {"xn--.com", "starting or ending with '-'"},
      {"bü\x01cher.de", "is not a valid internationalised domain name"},
  };
  for (const auto& [text, reason] : cases) {
    std::string message = error_of(text);
    EXPECT_NE(message.find(reason), std::string::npos) << text << ": " << message;
    EXPECT_EQ(message.rfind("target '", 0), 0u) << message;
  }
  std::string long_name;
  for (int i = 0; i < 50; ++i) long_name += "abcde.";
  long_name += "com";
  EXPECT_NE(error_of(long_name).find("longer than 253 bytes"), std::string::npos);
}

TEST(TargetsTest, FileSkipsCommentsAndNamesTheBadLine) {
  auto targets = read_targets_file(
      write_temp("targets.txt", "# our scope\n\nexample.com\r\n  Shop.Example.org \n"));
  ASSERT_TRUE(targets.has_value()) << targets.error().message();
  EXPECT_EQ(*targets, (std::vector<std::string>{"example.com", "shop.example.org"}));

  auto bad = read_targets_file(write_temp("bad.txt", "example.com\n# x\nhttps://a.com/x\n"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("bad.txt:3: target 'https://a.com/x' has a path"),
            std::string::npos)
      << bad.error().message();

  auto dup = read_targets_file(write_temp("dup.txt", "example.com\nEXAMPLE.com.\n"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message().find("dup.txt:2: duplicate target 'example.com' (also line 1)"),
            std::string::npos)
      << dup.error().message();

  auto empty = read_targets_file(write_temp("empty.txt", "# nothing\n"));
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message().find("has no domain"), std::string::npos);

  auto missing = read_targets_file(write_temp("x", "") + ".missing");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace dorkgen
