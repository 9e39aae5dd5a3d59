#include "gateway_url.h"

#include <gtest/gtest.h>

namespace mikami::gateway_net {
namespace {

TEST(GatewayUrlTest, DiscordUrlsUseTheDefaultTlsPort) {
  auto url = parse_gateway_url("wss://gateway-us-east1-b.discord.gg");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_TRUE(url->tls);
  EXPECT_TRUE(url->host_is_name);
  EXPECT_EQ(url->host, "gateway-us-east1-b.discord.gg");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->path, "/");
  EXPECT_EQ(url->host_header, "gateway-us-east1-b.discord.gg");
}

TEST(GatewayUrlTest, PlainSandboxUrlKeepsPortAndPathAndDropsTheQuery) {
  auto url = parse_gateway_url("ws://127.0.0.1:8080/gw?v=9&encoding=etf");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_FALSE(url->tls);
  EXPECT_FALSE(url->host_is_name);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->path, "/gw");
  EXPECT_EQ(url->host_header, "127.0.0.1:8080");
}

TEST(GatewayUrlTest, Ipv6HostsLoseTheirBracketsExceptInTheHostHeader) {
  auto url = parse_gateway_url("ws://[::1]:9000");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header, "[::1]:9000");
}

TEST(GatewayUrlTest, ErrorsNameTheUrlAndTheBadPart) {
  struct Case {
    const char* url;
    const char* part;
  };
  for (const Case& c :
       {Case{"https://gateway.discord.gg", "scheme \"https\""},
        Case{"gateway.discord.gg", "not an absolute URL"}, Case{"wss://", "no host"},
        Case{"wss://:443/", "no host"}, Case{"wss://user:pw@gateway.discord.gg", "user info"},
        Case{"ws://127.0.0.1:/", "empty port"}, Case{"ws://127.0.0.1:99999", "port \"99999\""},
        Case{"ws://127.0.0.1:0", "port \"0\""}, Case{"ws://127.0.0.1/#top", "fragment"},
        Case{"ws://127.0.0.1:80 80/", "not an absolute URL"}}) {
    auto url = parse_gateway_url(c.url);
    ASSERT_FALSE(url) << c.url;
    EXPECT_EQ(url.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(url.error().message().find(c.part), std::string::npos) << url.error().message();
    EXPECT_NE(url.error().message().find(std::string("\"") + c.url + "\""), std::string::npos)
        << url.error().message();
  }
}

// Issue 16, item 15: the bot token must never travel in clear to another machine.
TEST(GatewayUrlTest, PlaintextGatewayUrlIsOnlyForLoopback) {
  for (const char* host : {"127.0.0.1", "127.8.9.10", "[::1]", "localhost", "LOCALHOST"}) {
    EXPECT_TRUE(parse_gateway_url(std::string("ws://") + host + ":8080")) << host;
  }
  for (const char* host :
       {"10.0.0.1", "192.168.1.20", "discord.com", "[2001:db8::1]", "localhost.evil.example"}) {
    auto refused = parse_gateway_url(std::string("ws://") + host + ":8080");
    ASSERT_FALSE(refused) << host;
    EXPECT_NE(refused.error().message().find("in clear"), std::string::npos) << host;
    EXPECT_TRUE(parse_gateway_url(std::string("wss://") + host + ":8080")) << host;
  }
}

}  // namespace
}  // namespace mikami::gateway_net
