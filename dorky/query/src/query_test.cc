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

TEST(ParseQueryTest, GroupValuesAreOneValue) {
  auto terms = parse_query("intext:(password | \"pass)code\") -(inurl:a) id=(1)");
  ASSERT_EQ(terms.size(), 5u);
  EXPECT_TRUE(terms[0].grouped);
  EXPECT_EQ(terms[0].value, "password | \"pass)code\"");
  EXPECT_EQ(terms[1].kind, Term::Kind::kOpenParen);  // signed group
  EXPECT_TRUE(terms[1].negated);
  EXPECT_EQ(terms[2].value, "a");
  EXPECT_EQ(terms[3].kind, Term::Kind::kCloseParen);
  EXPECT_EQ(terms[4].value, "id=(1)");
  auto open = parse_query("inurl:(a|b");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_TRUE(open[0].unclosed_group);
  EXPECT_EQ(open[0].value, "a|b");
}

TEST(ParseQueryTest, AllInOperatorsTakeTheFollowingWords) {
  auto terms = parse_query("allintitle: EDR400 \"web login\" site:x.com OR y");
  ASSERT_EQ(terms.size(), 4u);
  EXPECT_TRUE(terms[0].all_in);
  EXPECT_TRUE(terms[0].space_after_colon);
  EXPECT_EQ(terms[0].value, "EDR400 \"web login\"");
  EXPECT_EQ(terms[1].name, "site");
  EXPECT_EQ(terms[2].kind, Term::Kind::kOr);
  auto glued = parse_query("ALLINURL:admin login");
  ASSERT_EQ(glued.size(), 1u);
  EXPECT_FALSE(glued[0].space_after_colon);
  EXPECT_EQ(glued[0].value, "admin login");
  auto phrase = parse_query("allintitle:\"index of\"");
  EXPECT_TRUE(phrase[0].quoted);
  EXPECT_EQ(phrase[0].value, "index of");
  EXPECT_TRUE(parse_query("allintext:")[0].value.empty());
}

// Found by the query fuzz target: an all-in operator stopped at a '|' glued to a word, which
// everywhere else in a query is part of the word, so its shape read back as another shape.
TEST(QueryShapeTest, AllInValueStartingWithAPipeIsAWordAndItsShapeIsStable) {
  EXPECT_EQ(query_shape("allintitle:|pdf"), "allintitle:{}");
  EXPECT_EQ(query_shape(query_shape("allintitle:|pdf")), query_shape("allintitle:|pdf"));
  EXPECT_EQ(query_shape("allintitle: a | b"), "allintitle:{} | {}");  // a standalone OR
}

// Found by the query fuzz target: an all-in operator stopped at a lone '-', which is a word
// everywhere else in a query (a sign needs a term after it), so the shape "allintitle:{} {}"
// read back as "allintitle:{}".
TEST(QueryShapeTest, AllInValueRunsOverALoneDashAndItsShapeIsStable) {
  const auto terms = parse_query("allintitle:\"EDR204 login\" x - backup -site:x.com");
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].value, "\"EDR204 login\" x - backup");
  EXPECT_TRUE(terms[1].negated);
  const std::string shape = query_shape("allintitle:a b -");
  EXPECT_EQ(shape, "allintitle:{}");
  EXPECT_EQ(query_shape(shape), shape);
}

// Found by the query fuzz target: a ')' after OR was glued to it, and "OR)" reads back as a
// word, which an all-in operator's value then swallowed.
TEST(QueryShapeTest, CloseParenAfterOrStaysApartAndTheShapeIsStable) {
  const std::string shape = query_shape("(a allintext:b OR )");
  EXPECT_EQ(shape, "({} allintext:{} OR )");
  EXPECT_EQ(query_shape(shape), shape);
  EXPECT_EQ(query_shape("(a OR b)"), "({} OR {})");
}

}  // namespace
}  // namespace dorky
