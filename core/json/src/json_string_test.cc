#include "core/json_string.h"

#include <gtest/gtest.h>

#include <string>

namespace core {
namespace {

std::string json(std::string_view text) {
  std::string out = "[";
  append_json_string(out, text);
  return out + "]";
}

TEST(JsonString, KeepsPlainTextAndUtf8AsTheyAre) {
  EXPECT_EQ(json(""), R"([""])");
  EXPECT_EQ(json("site:example.com inurl:admin"), R"(["site:example.com inurl:admin"])");
  // Two-, three- and four-byte sequences, the largest code point included.
  EXPECT_EQ(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb2 \xf4\x8f\xbf\xbf"),
            "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xb2 \xf4\x8f\xbf\xbf\"]");
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharactersAsJsonStringifyDoes) {
  EXPECT_EQ(json("a\"b\\c"), R"(["a\"b\\c"])");
  EXPECT_EQ(json("\b\f\n\r\t"), R"(["\b\f\n\r\t"])");
  EXPECT_EQ(json(std::string_view("\x00\x01\x1f\x7f", 4)), "[\"\\u0000\\u0001\\u001f\x7f\"]");
}

TEST(JsonString, WritesEveryByteThatIsNotWellFormedUtf8AsAReplacementCharacter) {
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(json("\x80"), "[\"" + r + "\"]");                          // a stray continuation byte
  EXPECT_EQ(json("a\xc3"), "[\"a" + r + "\"]");                        // truncated at the end
  EXPECT_EQ(json("\xc3x"), "[\"" + r + "x\"]");                        // truncated by an ASCII byte
  EXPECT_EQ(json("\xc0\xaf"), "[\"" + r + r + "\"]");                  // overlong '/'
  EXPECT_EQ(json("\xe0\x80\xaf"), "[\"" + r + r + r + "\"]");          // overlong, three bytes
  EXPECT_EQ(json("\xed\xa0\x80"), "[\"" + r + r + r + "\"]");          // a surrogate (U+D800)
  EXPECT_EQ(json("\xf4\x90\x80\x80"), "[\"" + r + r + r + r + "\"]");  // past U+10FFFF
  EXPECT_EQ(json("\xff\"\xfe"), "[\"" + r + "\\\"" + r + "\"]");
}

TEST(JsonString, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, R"({"k":"v")");
}

}  // namespace
}  // namespace core
