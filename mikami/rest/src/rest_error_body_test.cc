#include "mikami/rest_error_body.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

TEST(RestErrorBody, ReadsCodeMessageAndRetryAfter) {
  const auto parsed = parse_rest_error_body(
      R"({"message": "You are being rate limited.", "retry_after": 1.5, "global": true,
          "code": 40060})");
  EXPECT_EQ(parsed.code, 40060);
  EXPECT_EQ(parsed.message, "You are being rate limited.");
  ASSERT_TRUE(parsed.retry_after.has_value());
  EXPECT_EQ(parsed.retry_after->count(), 1'500'000);
  EXPECT_TRUE(parsed.global);
}

TEST(RestErrorBody, IgnoresFieldsOfTheWrongTypeOrRange) {
  const auto parsed =
      parse_rest_error_body(R"({"retry_after": -1, "global": "yes", "code": 1.5, "message": 7})");
  EXPECT_EQ(parsed.code, 0);
  EXPECT_TRUE(parsed.message.empty());
  EXPECT_FALSE(parsed.retry_after.has_value());
  EXPECT_FALSE(parsed.global);
  EXPECT_FALSE(parse_rest_error_body(R"({"retry_after": 1e308})").retry_after.has_value());
}

TEST(RestErrorBody, NonObjectBodiesGiveTheDefaults) {
  for (const char* body : {"", "[{\"code\": 10003}]", "<html>502</html>", "{\"code\": 1"}) {
    const auto parsed = parse_rest_error_body(body);
    EXPECT_EQ(parsed.code, 0) << body;
    EXPECT_FALSE(parsed.retry_after.has_value()) << body;
  }
}

}  // namespace
}  // namespace mikami
