#include "dorky/query.h"

#include <gtest/gtest.h>

namespace dorky {
namespace {

TEST(ParseQueryTest, OperatorsPhrasesWordsAndGroups) {
  auto terms = parse_query(R"(intitle:"index of" -site:x.com (inurl:admin OR ext:pdf) "a b" key)");
  ASSERT_EQ(terms.size(), 9u);
  EXPECT_EQ(terms[0].kind, Term::Kind::kOperator);
  EXPECT_EQ(terms[0].name, "intitle");
  EXPECT_EQ(terms[0].value, "index of");
  EXPECT_TRUE(terms[0].quoted);
  EXPECT_TRUE(terms[1].negated);
  EXPECT_EQ(terms[1].name, "site");
  EXPECT_EQ(terms[1].value, "x.com");
  EXPECT_EQ(terms[2].kind, Term::Kind::kOpenParen);
  EXPECT_EQ(terms[3].value, "admin");
  EXPECT_EQ(terms[4].kind, Term::Kind::kOr);
  EXPECT_EQ(terms[5].name, "ext");
  EXPECT_EQ(terms[5].value, "pdf");
  EXPECT_EQ(terms[6].kind, Term::Kind::kCloseParen);
  EXPECT_EQ(terms[7].kind, Term::Kind::kPhrase);
  EXPECT_EQ(terms[7].value, "a b");
  EXPECT_EQ(terms[8].kind, Term::Kind::kWord);
  EXPECT_EQ(terms[8].value, "key");
}

TEST(ParseQueryTest, ProblemsAreVisible) {
  auto terms = parse_query("site: \"open phrase");
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].kind, Term::Kind::kOperator);
  EXPECT_TRUE(terms[0].value.empty());
  EXPECT_TRUE(terms[1].unclosed_quote);
  EXPECT_EQ(terms[1].value, "open phrase");
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query(" \t\r").empty());
}

TEST(ParseQueryTest, UrlsInValuesKeepTheirColons) {
  auto terms = parse_query("inurl:http://x.example/a:b \xff\xfe");
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].value, "http://x.example/a:b");
  EXPECT_EQ(terms[1].value, "\xff\xfe");
}

}  // namespace
}  // namespace dorky
