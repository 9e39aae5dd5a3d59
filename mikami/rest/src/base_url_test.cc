#include "base_url.h"

#include <gtest/gtest.h>

namespace mikami::rest_internal {
namespace {

std::string error_of(std::string_view url) {
  auto parsed = parse_base_url(url);
  EXPECT_FALSE(parsed) << url;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code(), core::ErrorCode::kInvalidArgument);
  return parsed.error().message();
}

TEST(BaseUrlTest, DiscordDefault) {
  auto base = parse_base_url("https://discord.com/api/v10");
  ASSERT_TRUE(base);
  EXPECT_TRUE(base->tls);
  EXPECT_EQ(base->host, "discord.com");
  EXPECT_FALSE(base->host_is_ip);
  EXPECT_EQ(base->port, "443");
  EXPECT_EQ(base->host_header, "discord.com");
  EXPECT_EQ(base->path_prefix, "/api/v10");
}

TEST(BaseUrlTest, SandboxWithPortAndTrailingSlash) {
  auto base = parse_base_url("http://127.0.0.1:8080/api/v10/");
  ASSERT_TRUE(base);
  EXPECT_FALSE(base->tls);
  EXPECT_EQ(base->host, "127.0.0.1");
  EXPECT_TRUE(base->host_is_ip);
  EXPECT_EQ(base->port, "8080");
  EXPECT_EQ(base->host_header, "127.0.0.1:8080");
  EXPECT_EQ(base->path_prefix, "/api/v10");
}

TEST(BaseUrlTest, NoPathAndDefaultPortAndUppercaseScheme) {
  auto base = parse_base_url("HTTPS://Example.COM:443");
  ASSERT_TRUE(base);
  EXPECT_TRUE(base->tls);
  EXPECT_EQ(base->port, "443");
  EXPECT_EQ(base->host_header, "Example.COM");
  EXPECT_EQ(base->path_prefix, "");
  auto empty_port = parse_base_url("http://localhost:/x");
  ASSERT_TRUE(empty_port);
  EXPECT_EQ(empty_port->port, "80");
}

TEST(BaseUrlTest, Ipv6LiteralKeepsBracketsOnlyInTheHostHeader) {
  auto base = parse_base_url("http://[::1]:9000/api");
  ASSERT_TRUE(base);
  EXPECT_EQ(base->host, "::1");
  EXPECT_TRUE(base->host_is_ip);
  EXPECT_EQ(base->host_header, "[::1]:9000");
}

TEST(BaseUrlTest, ErrorsNameTheBadPart) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("discord.com/api").find("no scheme"), std::string::npos);
  auto scheme = error_of("ftp://discord.com/api/v10");
  EXPECT_NE(scheme.find("scheme 'ftp'"), std::string::npos);
  EXPECT_NE(scheme.find("https://"), std::string::npos);
  EXPECT_NE(error_of("https:discord.com").find("no authority"), std::string::npos);
  EXPECT_NE(error_of("https:///api").find("no host"), std::string::npos);
  EXPECT_NE(error_of("http://localhost:99999").find("port '99999'"), std::string::npos);
  EXPECT_NE(error_of("http://localhost:0").find("port '0'"), std::string::npos);
  EXPECT_NE(error_of("http://local host:80/").find("host 'local host' is not"), std::string::npos);
  EXPECT_NE(error_of("http://localhost:8x/").find("port '8x' is not a number"), std::string::npos);
  EXPECT_NE(error_of("http://[::1/").find("host '[::1' is not"), std::string::npos);
  EXPECT_NE(error_of("http://localhost/a b").find("path '/a b'"), std::string::npos);
  EXPECT_NE(error_of("https://discord.com/api?v=10").find("query"), std::string::npos);
  EXPECT_NE(error_of("https://discord.com/api#x").find("fragment"), std::string::npos);
}

TEST(BaseUrlTest, UserInformationIsRefusedAndNeverEchoed) {
  auto message = error_of("https://bot:s3cret-pass@discord.com/api");
  EXPECT_NE(message.find("user information"), std::string::npos);
  EXPECT_EQ(message.find("s3cret-pass"), std::string::npos);
  auto bad = error_of("https://bot:s3cret pass@discord.com:x/api");
  EXPECT_EQ(bad.find("s3cret"), std::string::npos);
  EXPECT_NE(bad.find("port 'x'"), std::string::npos);
}

TEST(RequestPathTest, OriginFormIsAcceptedAndBadPathsAreNotEchoed) {
  EXPECT_TRUE(check_request_path("/channels/1/messages"));
  EXPECT_TRUE(check_request_path("/channels/1/messages?limit=5&before=2"));
  EXPECT_TRUE(check_request_path("/webhooks/1/tok-en/messages/@original"));
  auto relative = check_request_path("channels/1");
  ASSERT_FALSE(relative);
  EXPECT_NE(relative.error().message().find("must start with '/'"), std::string::npos);
  auto spaced = check_request_path("/webhooks/1/secret token");
  ASSERT_FALSE(spaced);
  EXPECT_NE(spaced.error().message().find("origin-form"), std::string::npos);
  EXPECT_EQ(spaced.error().message().find("secret"), std::string::npos);
  EXPECT_FALSE(check_request_path("/a#fragment"));
}

// Issue 16, item 15: the bot token must never travel in clear to another machine.
TEST(BaseUrlTest, PlaintextBaseUrlIsOnlyForLoopback) {
  for (const char* host : {"127.0.0.1", "127.8.9.10", "[::1]", "localhost", "LOCALHOST"}) {
    EXPECT_TRUE(parse_base_url(std::string("http://") + host + ":8080")) << host;
  }
  for (const char* host : {"10.0.0.1", "192.168.1.20", "discord.com", "[2001:db8::1]",
                           "localhost.evil.example"}) {
    auto refused = parse_base_url(std::string("http://") + host + ":8080");
    ASSERT_FALSE(refused) << host;
    EXPECT_NE(refused.error().message().find("in clear"), std::string::npos) << host;
    EXPECT_TRUE(parse_base_url(std::string("https://") + host + ":8080")) << host;
  }
}

}  // namespace
}  // namespace mikami::rest_internal
