// What messages may show of a connection URL: never its password.
#include "pg_connection.h"

#include <gtest/gtest.h>

namespace autobets::pg {
namespace {

TEST(RedactUrl, HidesThePasswordOfTheUserInfoAndOfTheQuery) {
  EXPECT_EQ(redact_url("postgresql://alice:s3cr%40t@db.example:5432/bets"),
            "postgresql://alice:***@db.example:5432/bets");
  EXPECT_EQ(redact_url("postgres://alice@db/bets?password=hunter2&sslmode=require"),
            "postgres://alice@db/bets?password=***&sslmode=require");
  EXPECT_EQ(redact_url("postgresql:///bets?host=/run/pg"), "postgresql:///bets?host=/run/pg");
  EXPECT_EQ(redact_url("postgresql://bob:pw@/bets?host=/run/pg&user=x@y"),
            "postgresql://bob:***@/bets?host=/run/pg&user=x@y");
}

TEST(Scrub, ReplacesEveryOccurrenceOfTheSecret) {
  EXPECT_EQ(scrub("pw pwd pw", "pw"), "*** ***d ***");
  EXPECT_EQ(scrub("nothing here", ""), "nothing here");
}

TEST(ArrayLiteral, QuotesEveryElement) {
  EXPECT_EQ(array_literal({}), "{}");
  EXPECT_EQ(array_literal({"a", "b,c", "q\"\\", "{}", "NULL"}),
            R"({"a","b,c","q\"\\","{}","NULL"})");
}

}  // namespace
}  // namespace autobets::pg
