#include "dorkgen/template.h"

#include <gtest/gtest.h>

namespace dorkgen {
namespace {

TEST(TemplateTest, ParsesLiteralsAndPlaceholders) {
  auto t = Template::parse(R"(intitle:"{keyword}" filetype:{filetype})");
  ASSERT_TRUE(t.has_value()) << t.error().message();
  ASSERT_EQ(t->slots().size(), 2u);
  EXPECT_EQ(t->slots()[0].name, "keyword");
  EXPECT_TRUE(t->slots()[0].quoted);
  EXPECT_EQ(t->slots()[1].name, "filetype");
  EXPECT_FALSE(t->slots()[1].quoted);
  ASSERT_EQ(t->segments().size(), 4u);
  EXPECT_EQ(t->segments()[0].literal, "intitle:\"");
  EXPECT_EQ(t->segments()[2].literal, "\" filetype:");
  EXPECT_EQ(t->literal_bytes(), 20u);
}

TEST(TemplateTest, RepeatedPlaceholderIsOneSlot) {
  auto t = Template::parse("site:{domain} -inurl:{domain}");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->slots().size(), 1u);
  EXPECT_EQ(t->segments().size(), 4u);
}

TEST(TemplateTest, DoubledBracesAreLiteral) {
  auto t = Template::parse("a{{b}}c {x}");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->segments()[0].literal, "a{b}c ");
  EXPECT_EQ(t->slots().size(), 1u);
}

TEST(TemplateTest, FixedQueryHasNoSlots) {
  auto t = Template::parse("intitle:\"index of\" \"parent directory\"");
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->slots().empty());
}

struct BadCase {
  const char* text;
  const char* reason;
};

TEST(TemplateTest, RejectsMalformedTemplatesWithColumnAndReason) {
  const BadCase cases[] = {
      {"", "empty template"},
      {"a}b", "column 2: lone '}'"},
      {"a {b", "column 3: unterminated '{'"},
      {"x {} y", "column 3: empty placeholder"},
      {"{Key}", "invalid placeholder name 'Key'"},
      {"{1abc}", "invalid placeholder name"},
      {"{a b}", "invalid placeholder name"},
      {"intitle:\"{a}", "column 9: unbalanced double quote"},
  };
  for (const BadCase& c : cases) {
    auto t = Template::parse(c.text);
    ASSERT_FALSE(t.has_value()) << c.text;
    EXPECT_EQ(t.error().code(), core::ErrorCode::kInvalidArgument);
    EXPECT_NE(t.error().message().find(c.reason), std::string::npos)
        << c.text << " -> " << t.error().message();
  }
}

TEST(TemplateTest, RejectsTooManyPlaceholders) {
  std::string text;
  for (std::size_t i = 0; i <= kMaxSlots; ++i) text += "{p" + std::to_string(i) + "} ";
  auto t = Template::parse(text);
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find("distinct placeholders"), std::string::npos);
}

}  // namespace
}  // namespace dorkgen
