#include "http_util.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mikami::sandbox {
namespace {

TEST(HttpUtilTest, QueryValueThatIsNotUtf8IsEchoedAsValidJson) {
  // Found by fuzzing mikami_sandbox_http: the 0x91 byte of `after=1"cou\x91t"` was echoed in
  // the "is not snowflake" error, and the answer was not JSON.
  const auto params = query_params("/api/v10/guilds/1/members?limit=2&after=1\"cou\x91t\"");
  ASSERT_EQ(params.count("after"), 1u);
  EXPECT_EQ(params.at("after"), "1\"cou\xEF\xBF\xBDt\"");
  const std::string body = json::serialize(json::value(params.at("after")));
  boost::system::error_code ec;
  json::parse(body, ec);
  EXPECT_FALSE(ec) << body;
}

TEST(HttpUtilTest, PercentDecodingKeepsUtf8AndReplacesWhatIsNot) {
  EXPECT_EQ(percent_decode("caf%C3%A9+au+lait", true), "café au lait");
  EXPECT_EQ(percent_decode("%F0%9F%8E%B2"), "\xF0\x9F\x8E\xB2");  // U+1F3B2, four bytes
  EXPECT_EQ(percent_decode("a%FFb"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(percent_decode("%C0%AF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
  EXPECT_EQ(percent_decode("%ED%A0%80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(percent_decode("%E2%82"), "\xEF\xBF\xBD\xEF\xBF\xBD");                 // cut short
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace mikami::sandbox
